"""The claim columns of every CSV the tool writes (`extract -o x.csv` and `export -o x.csv`), so a
spreadsheet built from one joins with the other: same names, same order, same cell spellings."""

from __future__ import annotations

import json
from typing import Any

CLAIM_COLUMNS = ["tldr", "max_speedup", "max_speedup_metric", "n_speedups", "speedups", "speedups_json",
                 "datasets", "hardware", "hardware_classes", "topics", "engine"]


def claim_cells(extraction: dict[str, Any]) -> dict[str, Any]:
    """CSV cells of one extraction in its JSON form (`Extraction.to_json()`); {} gives empty cells.
    Lists are "; "-joined; `speedups` is readable ("3.1x faster vs vLLM", as `papers claims` says it) and
    `speedups_json` keeps every field for scripts."""
    speedups = extraction.get("speedups") or []
    top = max((s for s in speedups if s.get("unit") == "x"), key=lambda s: s["value"], default=None)
    hardware = extraction.get("hardware") or []
    return {
        "tldr": extraction.get("tldr") or "",
        "max_speedup": top["value"] if top else "",
        "max_speedup_metric": top["metric"] if top else "",
        "n_speedups": len(speedups) if extraction else "",
        "speedups": "; ".join(_readable(s) for s in speedups),
        "speedups_json": json.dumps(speedups, ensure_ascii=False) if speedups else "",
        "datasets": "; ".join(extraction.get("datasets") or []),
        "hardware": "; ".join(h["name"] for h in hardware),
        "hardware_classes": "; ".join(h.get("class") or h.get("hw_class") or "" for h in hardware),
        "topics": "; ".join(extraction.get("topics") or []),
        "engine": extraction.get("engine") or "",
    }


def _readable(item: dict[str, Any]) -> str:
    """As `papers claims` prints it: "3.1x faster vs vLLM", "2.5x energy efficiency increase"."""
    text = f"{item['value']:g}{item['unit']} {claim_phrase(item['metric'], item['direction'], item.get('qualifier'))}"
    return text + (f" vs {item['baseline']}" if item.get("baseline") else "")


def claim_phrase(metric: str, direction: str, qualifier: str | None = None) -> str:
    """A claim's metric, direction and qualifier as a reader says them. By the labelling convention an
    `energy` or `cost` claim that goes up is an efficiency gain ("2.5x energy efficiency
    improvement"), not more energy spent; and "2.8x speedup faster" says the same thing twice."""
    details = [qualifier.replace("_", " ")] if qualifier else []
    if direction == "faster":
        phrase = "faster"
        details = ([] if metric == "speedup" else [metric]) + details
    elif direction == "increase" and metric in ("energy", "cost"):
        phrase = f"{metric} efficiency increase"
    else:
        phrase = f"{metric} {direction}"
    return phrase + (f" ({', '.join(details)})" if details else "")

