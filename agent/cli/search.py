"""Search commands: search, reindex. The work happens in store.index; this file only shows it."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from agent.cli.app import app
from agent.cli.output import JSON_DOC_HELP, JSON_LINES_HELP, console, print_json, print_jsonl

JSON = typer.Option(False, "--json", help=JSON_DOC_HELP)
JSON_LINES = typer.Option(False, "--json", help=JSON_LINES_HELP)


class Mode(str, Enum):
    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


@app.command()
def search(query: str = typer.Argument(..., help="a question or key words"),
           k: int = typer.Option(10, "-k", "--top", min=1, max=1000, help="how many papers to return"),
           mode: Mode = typer.Option(Mode.hybrid, "--mode", help="hybrid (default), dense or bm25"),
           year: Optional[str] = typer.Option(None, help="2023, 2021-2023, >=2023"),
           category: Optional[str] = typer.Option(None, help="arXiv category, e.g. LG, CV"),
           topic: Optional[str] = typer.Option(None, help="taxonomy tag, e.g. quantization (needs extraction)"),
           dataset: Optional[str] = typer.Option(None, help="extracted dataset, e.g. KITTI"),
           hardware: Optional[str] = typer.Option(None, help="part of an extracted hardware name"),
           hardware_class: Optional[str] = typer.Option(None, "--hardware-class", help="gpu, fpga, edge…"),
           min_speedup: Optional[float] = typer.Option(None, "--min-speedup", help="an `x` claim ≥ this"),
           as_json: bool = JSON_LINES):
    """Find the papers most relevant to a question; works offline (local embeddings + BM25).

    Each hit shows its relevance, 0..1 as `ask` scores sources; --json also keeps the mode's raw score."""
    from agent.corpus import open_store
    from core.settings import get_settings
    from agent.cli.filtering import checked_filter
    from store.index import search as run

    flt = checked_filter(year=year, category=category, topic=topic, dataset=dataset, hardware=hardware,
                         hardware_class=hardware_class, min_speedup=min_speedup)   # the filters of `list`
    from agent.cli.output import note, progress

    store = open_store(create=False)
    hits = run(store, get_settings(), query, k=k, mode=mode.value, flt=flt, note=note,
               progress_factory=lambda n: progress(n, "embedding"))
    if not hits:
        from agent.cli.corpus import explain_empty
        from store.filters import why_search_empty

        explain_empty(store, flt, why_search_empty(store, flt, mode.value))
    if as_json:
        return print_jsonl(hit.to_json() for hit in hits)
    if hits:
        console().print(_hits_text(hits, query))


@app.command()
def reindex(as_json: bool = JSON):
    """Rebuild the search index from the store of record (after corruption or an embedding switch)."""
    from agent.cli.output import progress
    from agent.corpus import open_store
    from core.settings import get_settings
    from store.rebuild import reindex as run

    with progress(None, "embedding") as tick:
        report = run(open_store(), get_settings(), progress=tick)
    if as_json:
        return print_json(report.to_json())
    console().print(f"{report} ({report.chunks} chunks embedded in {report.seconds:.1f}s)")


def _hits_text(hits, query: str):
    """Each hit's header line (a wrapped title indented under it), then its passage indented by 4 on
    every wrapped line, its LaTeX rendered."""
    from rich.console import Group
    from rich.text import Text

    from agent.cli.render import shown_title
    from agent.qa.render import Hanging, Indented
    from agent.qa.text import display
    from store.bm25 import highlight_spans

    parts: list = []
    for i, hit in enumerate(hits, start=1):
        p = hit.paper
        head = Text(f"{i:>2}. ", style="dim").append(f"{hit.relevance:.2f} ", style="green")   # 0..1 as `ask` shows
        head.append(f"[{p.year or '----'}] ", style="dim").append(shown_title(p), style="bold")
        head.append(f"  {p.id}", style="cyan")
        shown = display(hit.passage)   # the terminal reads "2×", as ask and claims print it; --json stays verbatim
        passage = Text(shown)
        for start, end in highlight_spans(shown, query):
            passage.stylize("bold yellow", start, end)
        parts += [Hanging(head, 4), Indented(passage, 4), Text("")]
    return Group(*parts)
