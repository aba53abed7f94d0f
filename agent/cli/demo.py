"""`papers demo` / `make demo`: ingest the embedded seeds and show what the tool does with them."""

from __future__ import annotations

from core.settings import Settings, get_settings

SAMPLE_QUERY = "how do I shrink the KV cache of a long-context LLM"
SAMPLE_QUESTION = "Which papers evaluate on KITTI?"
SAMPLE_PAPERS = ("2208.14286", "2303.13018", "004_74f5bfe55f112bb8.txt#0")


def run_demo(settings: Settings | None = None, out=None) -> dict:
    """Each step calls the same library function as its CLI command; returns the figures shown."""
    from agent.cli.output import console
    from agent.cli.render import stats_tables
    from agent.corpus import ingest, open_store

    settings = settings or get_settings()
    out = out or console()
    out.rule("1. ingest seeds/ (parse, de-duplicate, store, embed)")
    report = ingest(None, settings)
    store = open_store(settings)
    stats = store.stats()
    for table in stats_tables(stats):
        out.print(table)
    figures = {"papers": stats.papers, "duplicates_merged": stats.duplicates_merged,
               "rejected_files": len(report.rejected)}
    for step in (_extract_step, _search_step, _ask_step):
        figures.update(step(store, settings, out))
    return figures


def _extract_step(store, settings, out) -> dict:
    from agent.cli.render import extraction_text
    from agent.engines.registry import get_engine
    from agent.extract import extract_batch

    out.rule("2. local engine: TL;DR, speedup claims with evidence, datasets, hardware, topics")
    report = extract_batch(get_engine("local", settings), input_path=None, use_all=True, output=None,
                           settings=settings)
    from store.extractions import latest_extraction

    for ref in SAMPLE_PAPERS:
        paper = store.resolve(ref)
        out.print(f"[bold]{paper.title or paper.id}[/]  [dim]({paper.id})[/]")
        extraction = latest_extraction(store, paper.id)
        out.print(extraction_text(extraction) if extraction is not None else "\n")
    return {"extracted": report.done}


def _search_step(store, settings, out) -> dict:
    from store.index import search

    out.rule(f'3. papers search "{SAMPLE_QUERY}" -k 5')
    hits = search(store, settings, SAMPLE_QUERY, k=5)
    for rank, hit in enumerate(hits, start=1):
        # relevance (0..1), the figure `papers search` prints for the same command, not the raw RRF sum
        out.print(f"{rank}. [cyan]{hit.relevance:.2f}[/] {hit.paper.title or hit.paper.id} "
                  f"[dim]({hit.paper.year or 'year not on its pages'})[/]")
    return {"search_hits": len(hits)}


def _ask_step(store, settings, out) -> dict:
    from agent.qa import ask
    from agent.qa.render import print_answer

    out.rule(f'4. papers ask "{SAMPLE_QUESTION}"')
    answer = ask(SAMPLE_QUESTION, settings=settings)
    print_answer(out, answer)
    return {"ask_citations": len(answer.citations)}
