"""Corpus commands: ingest, parse, list, show, stats, remove, demo."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from agent.cli.app import app
from agent.cli.output import JSON_DOC_HELP, JSON_LINES_HELP, console, plural, print_json, print_jsonl, warn

JSON = typer.Option(False, "--json", help=JSON_DOC_HELP)
JSON_LINES = typer.Option(False, "--json", help=JSON_LINES_HELP)


@app.command()
def ingest(paths: Optional[List[Path]] = typer.Argument(None, help="files or folders (default: seeds/)"),
           as_json: bool = JSON,
           strict: bool = typer.Option(False, help="also fail when single records were skipped"),
           no_index: bool = typer.Option(False, "--no-index", help="store only; skip embedding"),
           category: Optional[str] = typer.Option(None, help="keep only these arXiv categories, e.g. cs.DC,cs.AR"),
           since: Optional[str] = typer.Option(None, help="keep only papers first submitted on/after, e.g. 2022-01-01"),
           batch_size: int = typer.Option(500, "--batch-size", min=1, help="papers per transaction when streaming")):
    """Parse listing pages / JSONL / JSON / CSV / arXiv Atom, de-duplicate, store and index.

    JSON Lines files over PAPERS_MAX_FILE_MB (e.g. the arXiv metadata snapshot) are streamed in
    batches; an interrupted ingest of such a file resumes where it stopped when run again."""
    from agent.cli.output import Phases
    from agent.cli.render import ingest_report_lines
    from agent.cli.streaming import StreamProgressPrinter
    from agent.corpus import ingest as run
    from core.errors import InputFileError

    try:
        report = run(paths, index=not no_index, category=category, since=since, batch_size=batch_size,
                     stream_progress=StreamProgressPrinter(), phases=Phases())
    except InputFileError as exc:
        if as_json and getattr(exc, "rejected", None):   # a script still gets its one JSON document
            print_json(_nothing_read(exc.rejected).to_json())
        raise
    _report_problems(report.rejected, report.issues)
    if as_json:   # before any exit: --json promises one document on stdout, failures included
        print_json(report.to_json())
    if report.rejected and not report.files:   # every file refused: "N -> N" would suggest work was done
        raise typer.Exit(1)
    if not as_json:
        console().print("\n".join(ingest_report_lines(report)), markup=False)
    if report.touched:
        _note_unextracted()
    if report.index_error is not None:
        _index_not_updated(report)
    if report.rejected or (strict and report.issues) or report.index_error is not None:
        raise typer.Exit(1)


def _note_unextracted() -> None:
    """In a store someone extracted, new papers have no claims until extracted: `ask` would say they
    report no hardware. Say so, with the command that extracts only them."""
    from agent.corpus import open_store
    from store.extractions import count_unextracted

    missing = count_unextracted(open_store(create=False))
    if missing > 0:
        typer.echo(f"note: {plural(missing, 'paper')} {'has' if missing == 1 else 'have'} no extraction yet "
                   "(claims, datasets, hardware, topics); `papers extract --all --new` extracts only "
                   f"{'it' if missing == 1 else 'them'}", err=True)


def _nothing_read(rejected):
    """The report of an ingest that read no file: the rejected paths, and the store's count as it
    stands (0 when there is no store; none is created)."""
    from agent.corpus import open_store
    from store.ingest import IngestReport

    count = open_store(create=False).count()
    return IngestReport(rejected=list(rejected), papers_before=count, papers_after=count)


def _index_not_updated(report) -> None:
    exc = report.index_error
    typer.echo(f"error: the papers were stored (papers in store: {report.papers_before} -> {report.papers_after}), "
               f"but the search index was not updated: {exc.message}", err=True)
    typer.echo(f"hint: {exc.hint + '; then ' if exc.hint else ''}any search (or `papers reindex`) "
               "indexes the stored papers", err=True)


def _report_problems(rejected, issues) -> None:
    for path, reason, hint in rejected:
        typer.echo(f"error: {reason}", err=True)
        if hint:
            typer.echo(f"hint: {hint}", err=True)
    for issue in issues:
        warn(str(issue))


@app.command()
def parse(paths: List[Path] = typer.Argument(..., help="files or folders to parse"), as_json: bool = JSON_LINES):
    """Parse files and print every paper occurrence in page order, without storing anything.

    Large JSON Lines files (the arXiv snapshot) are streamed: records print as they are read."""
    from agent.corpus import iter_parse
    from core.text import visible_text

    rejected: list = []
    issues: list = []
    for r in iter_parse(paths, rejected, issues):
        if as_json:
            print_jsonl([r])
        else:
            console().print(f"{r['source']}#{r['position']} {visible_text(r.get('title') or r['abstract'][:80])}",
                            markup=False)
    _report_problems(rejected, issues)
    if rejected:
        raise typer.Exit(1)


@app.command("list")
def list_papers(year: Optional[str] = typer.Option(None, help="2023, 2021-2023, >=2023"),
                category: Optional[str] = typer.Option(None, help="arXiv category, any listed one: LG, cs.DC"),
                source: Optional[str] = typer.Option(None, help="part of a source file name"),
                grep: Optional[str] = typer.Option(None, help="text in title or abstract"),
                dataset: Optional[str] = typer.Option(None, help="extracted dataset, e.g. KITTI"),
                hardware: Optional[str] = typer.Option(None, help="part of an extracted hardware name"),
                hardware_class: Optional[str] = typer.Option(None, "--hardware-class", help="gpu, fpga, edge…"),
                topic: Optional[str] = typer.Option(None, help="taxonomy tag, e.g. quantization"),
                min_speedup: Optional[float] = typer.Option(None, "--min-speedup", help="an `x` claim ≥ this"),
                limit: Optional[int] = typer.Option(None, "-n", "--limit", min=1, help="show at most N papers"),
                as_json: bool = JSON_LINES):
    """List papers, filtered by metadata and by extracted claims."""
    from agent.cli.filtering import checked_filter
    from agent.cli.render import papers_table
    from agent.corpus import open_store
    from store.papers import paper_summary

    flt = checked_filter(year=year, category=category, source=source, grep=grep, dataset=dataset,
                         hardware=hardware, hardware_class=hardware_class, topic=topic,
                         min_speedup=min_speedup, limit=limit)
    store = open_store(create=False)
    papers = store.list(flt)
    if not papers:
        explain_empty(store, flt)
    if as_json:
        return print_jsonl(paper_summary(p) for p in papers)
    console().print(papers_table(papers))
    console().print(f"[dim]{plural(len(papers), 'paper')}[/]")


def explain_empty(store, flt, reasons=None) -> None:
    """An empty result says why on stderr (no extraction yet; a value nobody extracted; the filters
    that match no paper)."""
    from store.filters import why_empty

    for reason in why_empty(store, flt) if reasons is None else reasons:
        typer.echo(f"note: {reason.message}", err=True)
        if reason.hint:
            typer.echo(f"hint: {reason.hint}", err=True)


@app.command()
def export(output: Path = typer.Option(..., "-o", "--output", help="FILE.jsonl, FILE.csv or FILE.bib"),
           year: Optional[str] = typer.Option(None, help="2023, 2021-2023, >=2023"),
           category: Optional[str] = typer.Option(None, help="arXiv category, e.g. LG, CV"),
           source: Optional[str] = typer.Option(None, help="part of a source file name"),
           grep: Optional[str] = typer.Option(None, help="text in title or abstract"),
           dataset: Optional[str] = typer.Option(None, help="extracted dataset, e.g. KITTI"),
           hardware: Optional[str] = typer.Option(None, help="part of an extracted hardware name"),
           hardware_class: Optional[str] = typer.Option(None, "--hardware-class", help="gpu, fpga, edge…"),
           topic: Optional[str] = typer.Option(None, help="taxonomy tag, e.g. quantization"),
           min_speedup: Optional[float] = typer.Option(None, "--min-speedup", help="an `x` claim ≥ this"),
           limit: Optional[int] = typer.Option(None, "-n", "--limit", min=1, help="export at most N papers"),
           force: bool = typer.Option(False, "--force", help="overwrite an existing file")):
    """Export stored papers and their extracted claims (no re-extraction) as JSON Lines, CSV or BibTeX.

    BibTeX entries are @misc with eprint/archivePrefix for arXiv papers. Filters as in `list`."""
    from agent.corpus import open_store
    from agent.cli.filtering import checked_filter
    from store.export import export_records, write_export

    flt = checked_filter(year=year, category=category, source=source, grep=grep, dataset=dataset,
                         hardware=hardware, hardware_class=hardware_class, topic=topic,
                         min_speedup=min_speedup, limit=limit)
    store = open_store(create=False)
    n = write_export(output, export_records(store, flt), force=force)
    if not n:
        explain_empty(store, flt)
    typer.echo(f"exported {plural(n, 'paper')} to {output}", err=True)


@app.command()
def show(paper_id: str = typer.Argument(..., help="id, arXiv id, or seed ref like 000_x.txt#3"),
         as_json: bool = JSON):
    """Show one paper with its sources and, once extracted, its TL;DR, claims and topics."""
    from agent.cli.render import paper_panel
    from agent.corpus import open_store
    from store.extractions import latest_extraction

    store = open_store(create=False)
    paper = store.resolve(paper_id)
    extraction = latest_extraction(store, paper.id)
    if as_json:
        return print_json(paper.paper_json() | {"extraction": extraction and extraction.to_json()})
    console().print(paper_panel(paper, extraction))


@app.command()
def stats(as_json: bool = JSON):
    """Papers per source, year and category; duplicates merged; files and their problems."""
    from agent.cli.render import stats_tables
    from agent.corpus import open_store

    data = open_store(create=False).stats()
    if not data.papers:   # empty tables alone do not say why, nor where the store was looked for
        from core.errors import EmptyStoreError
        from core.settings import get_settings

        empty = EmptyStoreError(get_settings().home)
        typer.echo(f"note: {empty.message.removeprefix('the store: ')}\nhint: {empty.hint}", err=True)
    if as_json:
        return print_json(data.model_dump())
    out = console()
    for table in stats_tables(data):
        out.print(table)
    for issue in data.issues:
        out.print(f"[yellow]note[/] {issue['file']}:{issue['line']}: {issue['reason']}")


@app.command()
def remove(source: str = typer.Argument(..., help="source file name or path to forget")):
    """Forget a source file; papers seen only there are removed with their chunks."""
    from agent.corpus import remove as run

    n = run(source)
    if not n:
        from core.errors import NotFoundError

        raise NotFoundError(f"no ingested source named {source!r}", hint="`papers stats` lists the sources")
    console().print(f"removed {source}")


@app.command()
def demo():
    """Ingest the embedded seeds, extract everything locally, and show a search and a question."""
    from agent.cli.demo import run_demo

    run_demo()


@app.command()
def config(as_json: bool = JSON):
    """Show the effective settings (PAPERS_* env, papers.toml, defaults). Secrets are never shown."""
    import os

    from core.settings import config_file, get_settings

    data = get_settings().public_dict()
    found = config_file()
    data["config_file"] = str(found) if found else None    # where the papers.toml values came from
    data["openai_api_key"] = "set" if os.environ.get("OPENAI_API_KEY") else "not set"
    data["openai_base_url"] = os.environ.get("OPENAI_BASE_URL") or "(OpenAI default)"
    from agent.engines.llm.modes import known_modes

    data["llm_output_modes"] = known_modes(get_settings())
    if as_json:
        return print_json(data)
    from rich.markup import escape

    width = max(map(len, data))     # every value starts in one column, however long the key
    for key, value in data.items():
        console().print(f"[dim]{key:>{width}}[/] {escape(str(value))}", highlight=False)
