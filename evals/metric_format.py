"""How a metric value is written in every eval report (terminal, Markdown, JUnit, --compare)."""

from __future__ import annotations

COUNTS = {"tp", "fp", "fn", "items"}   # counts, not scores: written as integers, never compared


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in COUNTS:
        return str(int(value))
    if metric.startswith("rouge"):
        return f"{value:.1f}"
    return f"{value:.3f}"
