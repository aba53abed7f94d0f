"""Rich renderings of papers, lists and corpus statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.claim_columns import claim_phrase  # noqa: F401  (the terminal and the CSV cells say a claim alike)

if TYPE_CHECKING:
    from core.models import Claims, Extraction
    from store.records import StoreStats

from core.text import visible_text


def shown_title(paper) -> str:
    """A paper's title as every listing shows it; a page that shows no title gives the abstract's
    first words (`list`, `search` and `claims` once said three different things), LaTeX rendered as
    the terminal shows abstracts ("3.1$\\times$" -> "3.1×")."""
    from agent.qa.text import display

    return visible_text(paper.title) or (visible_text(display(paper.abstract or "")[:90]) + "…")


def papers_table(papers: list, extra_columns: dict[str, Any] | None = None):
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column("year", justify="right")
    table.add_column("cat")
    table.add_column("title", overflow="fold", ratio=1)
    table.add_column("sources", justify="right")
    for p in papers:
        table.add_row(p.id, str(p.year or ""), p.category or "", shown_title(p), str(len(p.sources)))
    return table


def paper_panel(paper, extraction: "Extraction | None" = None):
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    head = Text(visible_text(paper.title) or "(no title on its pages)", style="bold")
    facts = [("id", paper.id), ("record id", ", ".join(paper.record_ids or []) or None), ("arXiv", paper.arxiv_id), ("date", paper.date), ("category", paper.category),
             ("venue", paper.venue), ("authors", ", ".join(paper.authors) or None), ("org", paper.org),
             ("code", paper.code_url), ("sources", ", ".join(s.ref for s in paper.sources))]
    lines = Text()
    for key, value in facts:
        if value:
            lines.append(f"{key:>9}: ", style="dim").append(f"{visible_text(str(value))}\n")
    parts = [head, lines, Text(visible_text(paper.abstract))]
    if extraction:
        parts.append(extraction_text(extraction))
    return Panel(Group(*parts), expand=True)


def extraction_text(ext: "Extraction | Claims", paper=None):
    """An extraction (or just the claims of one) as rich text; empty fields are left out. With
    `paper` (`papers claims ID`), a first line says which paper the claims are of."""
    from rich.text import Text

    from agent.qa.text import display   # the terminal shows "2.8×" as `ask` does; --json keeps the verbatim quote

    tldr, topics, engine = (getattr(ext, name, None) for name in ("tldr", "topics", "engine"))
    out = Text("\n")
    if paper is not None:
        out = Text(shown_title(paper), style="bold").append(f"  {paper.id}\n", style="cyan")
    if tldr:
        out.append("TL;DR: ", style="bold green").append(display(tldr) + "\n")
    for s in ext.speedups:
        base = f" vs {s.baseline}" if s.baseline else ""
        out.append("  • ", style="dim").append(f"{s.value:g}{s.unit} {claim_phrase(s.metric, s.direction, s.qualifier)}{base}",
                                                style="yellow").append(f'  "{display(s.evidence)}"\n', style="dim")
    if ext.datasets:
        out.append("datasets: ", style="bold").append(", ".join(ext.datasets) + "\n")
    if ext.hardware:
        out.append("hardware: ", style="bold").append(", ".join(f"{h.name} [{h.hw_class}]" for h in ext.hardware) + "\n")
    if topics:
        out.append("topics: ", style="bold").append(", ".join(topics) + "\n")
    if engine:
        out.append(f"engine: {engine}\n", style="dim")
    return out


def stats_tables(stats: "StoreStats") -> list:
    from rich.table import Table

    summary = Table(title="corpus", show_header=False)
    for label, key in (("papers", "papers"), ("paper occurrences", "occurrences"),
                       ("duplicates merged", "duplicates_merged"), ("seen on 2+ pages", "multi_source_papers"),
                       ("with arXiv id", "with_arxiv_id"), ("with title", "with_title"),
                       ("extracted", "extracted"), ("extraction failures", "extraction_failures")):
        summary.add_row(label, str(getattr(stats, key)))
    tables = [summary]
    for title, key in (("per source", "per_source"), ("per year", "per_year"), ("per category", "per_category")):
        t = Table(title=title, show_header=False)
        for k, v in getattr(stats, key).items():
            t.add_row(str(k), str(v))
        tables.append(t)
    return tables


def ingest_report_lines(report) -> list[str]:
    lines = []
    for f in report.files:
        lines.append(f"{f.status:>10}  {f.name}  ({f.format}, {f.papers} paper{'' if f.papers == 1 else 's'})")
    lines.append(f"papers in store: {report.papers_before} -> {report.papers_after}")
    if report.index is not None:
        lines.append(str(report.index))
    return lines


def diagnosis_lines(report) -> list[str]:
    lines = []
    for c in report.components:
        status = "ok" if c.ok else "PROBLEM"
        lines.append(f"{c.name:>16}  {status:<7}  {c.detail}" + (f"  [{c.where}]" if c.where else ""))
    lines += [f"note: {n}" for n in report.notes]
    if report.recoverable:
        lines.append("recoverable:")
        lines += [f"  - {r}" for r in report.recoverable]
    if report.commands:
        lines.append("run, in this order:")
        lines += [f"  {cmd}" for cmd in report.commands]
    elif report.healthy:
        lines.append("all good")
    return lines
