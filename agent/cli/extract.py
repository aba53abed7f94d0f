"""Extraction commands: extract (batch), tldr, claims, tags."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from agent.cli.app import app
from agent.cli.filtering import MAX_COST_HELP, positive_usd
from agent.cli.output import JSON_DOC_HELP, console, print_json, warn

ENGINE = typer.Option(None, "--engine", "-e", help="local (default, offline) | openai | hybrid")
MODEL = typer.Option(None, "--model", help="chat model for openai/hybrid, e.g. gpt-4o-mini")
TEXT = typer.Option(None, "--text", help="an abstract to work on instead of a stored paper")
JSON = typer.Option(False, "--json", help=JSON_DOC_HELP)
# the default is core.settings' `concurrency` (a test keeps the two equal); help must not import it
CONCURRENCY_HELP = "parallel LLM requests (openai/hybrid; default 8, or PAPERS_CONCURRENCY)"
NO_EMBEDDINGS = typer.Option(False, "--no-embeddings",
                             help="local engine: topic tags from keywords only (no model load; faster, less accurate)")


def _engine(name, model=None, **kw):
    from agent.engines.registry import get_engine

    return get_engine(name, model=model, **kw)


@app.command()
def extract(input_path: Optional[Path] = typer.Option(None, "--input", "-i",
                                                      help="any file `ingest` reads (JSONL/JSON/CSV/Atom/page)"),
            use_all: bool = typer.Option(False, "--all", help="every paper in the store"),
            new_only: bool = typer.Option(False, "--new", help="with --all: only papers with no extraction yet"),
            output: Optional[Path] = typer.Option(None, "-o", "--output", help="out.jsonl or out.csv (default: stdout)"),
            engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
            resume: bool = typer.Option(False, "--resume", help="skip ids already in the output file"),
            force: bool = typer.Option(False, "--force", help="overwrite an existing -o file"),
            concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1,
                                                      help=CONCURRENCY_HELP),
            no_cache: bool = typer.Option(False, "--no-cache", help="bypass the LLM response cache"),
            max_cost: Optional[float] = typer.Option(None, "--max-cost", callback=positive_usd, help=MAX_COST_HELP),
            dry_run: bool = typer.Option(False, "--dry-run", help="estimate tokens and cost; call nothing"),
            no_store: bool = typer.Option(False, "--no-store", help="do not save results in the store"),
            no_embeddings: bool = NO_EMBEDDINGS,
            failures: Optional[Path] = typer.Option(None, "--failures",
                                                    help="append failed ids (id, stage, error, message) to this JSONL"),
            retry_failed: bool = typer.Option(False, "--retry-failed",
                                              help="redo only the papers whose last extraction failed")):
    """Batch-extract TL;DR, speedups, datasets, hardware and topics to JSONL/CSV (and the store)."""
    from agent.cli.output import print_jsonl, progress
    from agent.extract import extract_batch

    eng = _engine(engine, model, use_cache=not no_cache, concurrency=concurrency, max_cost=max_cost,
                  use_embeddings=not no_embeddings)
    if dry_run:
        return _dry_run(eng, input_path, use_all)
    emit = None if output else (lambda rec: print_jsonl([rec.to_json()]))
    report = extract_batch(eng, input_path=input_path, use_all=use_all, output=output, resume=resume,
                           save=not no_store, emit=emit,
                           progress_factory=lambda n: progress(n, "extracting", "papers"),
                           failures=failures, retry_failed=retry_failed, force=force, new_only=new_only)
    source = _rerun_args(input_path, use_all, new=new_only, engine=engine, model=model, no_store=no_store,
                         no_embeddings=no_embeddings, no_cache=no_cache, concurrency=concurrency,
                         max_cost=max_cost, failures=failures)
    for line in report.input_problems:
        warn(line)
    for pid, reason in report.failures:
        warn(f"{pid}: {reason}")
    typer.echo(f"extracted {report.done}, skipped {report.skipped} already done, failed {len(report.failures)}"
               + (f"; stopped: {report.stopped}" if report.stopped else ""), err=True)
    if hasattr(eng, "usage"):   # LLM engines: what this run cost
        from agent.cli.output import usage_line

        typer.echo(usage_line(eng.usage()), err=True)
    if report.stopped == "interrupted":   # Ctrl-C: the batch kept its finished rows; say how to go on
        typer.echo(f"hint: {_resume_hint(output, source, force)}", err=True)
        raise typer.Exit(130)
    if report.failures and not report.stopped:   # nothing is lost: say which command redoes only those
        typer.echo(f"hint: {_retry_hint(output, source, len(report.failures))}", err=True)
    if report.failures or report.stopped:
        raise typer.Exit(1)
    if report.done == 0 and report.skipped == 0 and not new_only:   # --new with nothing new is no error
        typer.echo("error: nothing was extracted", err=True)
        raise typer.Exit(1)


def _rerun_args(input_path: Optional[Path], use_all: bool, **options) -> str:
    """The batch's source and every option that shapes its rows, as the user gave them: a resume hint
    without `--engine openai` would finish an LLM batch with the local engine, one without --no-store
    would write to the store the first run kept out of it."""
    import shlex

    parts = ["--all"] if use_all else ["--input", str(input_path)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            parts.append(flag)
        elif value not in (None, False):
            parts += [flag, str(value)]
    return shlex.join(parts)


def _resume_hint(output: Optional[Path], source: str, force: bool) -> str:
    """The command that continues an interrupted batch: only an -o file records what is done."""
    if output is not None:
        return (f"finished rows are in {output}; continue with `papers extract {source} -o {output} --resume`"
                + (" (without --force)" if force else ""))
    return ("finished papers are saved in the store (`papers export` writes them); to make a run resumable, "
            f"give it a file: `papers extract {source} -o out.jsonl`, then add --resume after an interrupt")


def _retry_hint(output: Optional[Path], source: str, failed: int) -> str:
    """After failures (a dead LLM endpoint, a timeout): the finished rows stay; only the failed go again."""
    what = f"the {failed} failed paper{'s are' if failed != 1 else ' is'} not"
    if output is not None:
        return (f"{what} in {output}; once the cause is fixed, `papers extract {source} -o {output} --resume` "
                "extracts only them")
    return f"{what} saved; once the cause is fixed, `papers extract {source} --retry-failed` extracts only them"


def _dry_run(eng, input_path, use_all) -> None:
    from agent.extract import batch_inputs
    from core.settings import get_settings

    estimate = getattr(eng, "estimate", None)
    if estimate is None:
        return typer.echo("the local engine makes no API calls: cost 0", err=True)
    papers, _ = batch_inputs(input_path, use_all, get_settings())
    print_json(estimate(papers).to_json())


@app.command()
def tldr(paper_id: Optional[str] = typer.Argument(None, help="paper id / arXiv id / seed ref"),
         text: Optional[str] = TEXT, engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
         as_json: bool = JSON):
    """One-sentence TL;DR of a stored paper or of --text."""
    from agent.extract import paper_text

    paper = paper_text(paper_id, text)
    summary = _engine(engine, model).tldr(paper)
    print_json({"id": paper.id, "tldr": summary}) if as_json else console().print(summary)


@app.command()
def claims(paper_id: Optional[str] = typer.Argument(None, help="paper id / arXiv id / seed ref"),
           text: Optional[str] = TEXT, engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
           as_json: bool = JSON):
    """Speedups (with evidence), datasets and hardware of one paper."""
    from agent.cli.render import extraction_text
    from agent.extract import paper_text

    paper = paper_text(paper_id, text)
    found = _engine(engine, model, use_embeddings=False).claims(paper)
    if as_json:
        return print_json({"id": paper.id, "title": paper.title, **found.model_dump(by_alias=True, mode="json")})
    console().print(extraction_text(found, paper))


@app.command()
def tags(paper_id: Optional[str] = typer.Argument(None, help="paper id / arXiv id / seed ref"),
         text: Optional[str] = TEXT, engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
         no_embeddings: bool = NO_EMBEDDINGS, as_json: bool = JSON):
    """Topic tags (taxonomy of LABELLING.md), most central first, with the signal that decided each."""
    from agent.extract import paper_text

    paper = paper_text(paper_id, text)
    found = [t.model_dump() for t in _engine(engine, model, use_embeddings=not no_embeddings).tag(paper)]
    if as_json:
        return print_json({"id": paper.id, "topics": found})
    for t in found:
        console().print(f"[bold]{t['tag']}[/]  {t['score']:.2f}  [dim]{', '.join(t['signals'])}[/]")
