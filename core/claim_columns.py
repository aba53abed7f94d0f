"""The claim columns of every CSV the tool writes (`extract -o x.csv` and `export -o x.csv`), so a
spreadsheet built from one joins with the other: same names, same order, same cell spellings."""

from __future__ import annotations

import json
from typing import Any

CLAIM_COLUMNS = ["tldr", "max_speedup", "max_speedup_metric", "n_speedups", "speedups", "speedups_json",
                 "datasets", "hardware", "hardware_classes", "topics", "engine"]


def claim_cells(extraction: dict[str, Any]) -> dict[str, Any]:
    """CSV cells of one extraction in its JSON form (`Extraction.to_json()`); {} gives empty cells.
    Lists are "; "-joined; `speedups` is readable ("3.1x speedup faster vs vLLM") and
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
    text = f"{item['value']:g}{item['unit']} {item['metric']} {item['direction']}"
    return text + (f" vs {item['baseline']}" if item.get("baseline") else "")
