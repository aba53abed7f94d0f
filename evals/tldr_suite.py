"""TL;DR suite: ROUGE-1/2/L F1 on the SciTLDR-A dev sample, computed as /work/shared/data/SCITLDR.md says.

The engine gets the abstract only (the published abstract-only setting). Two baselines are
computed in the same run so the engine's number always has context: `lead1` (the first abstract
sentence) and `title` (the title alone). Per paper the target with the best ROUGE-1 F1 is kept and
that target's R1/R2/RL are reported; the corpus score is 100 x the mean over papers.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from evals.loaders import load_scitldr, scitldr_abstract, scitldr_path
from evals.metrics import mean, rouge_scorer, scitldr_rouge
from evals.results import SuiteResult

SYSTEMS = ("engine", "lead1", "title")
METRICS = ("rouge1", "rouge2", "rougeL")


def baselines(record: dict[str, Any]) -> dict[str, str]:
    return {"lead1": record["source"][0].strip(), "title": (record.get("title") or "").strip()}


def summarise(engine, record: dict[str, Any]) -> str:
    from core.models import PaperText

    return engine.tldr(PaperText(id=record["paper_id"], abstract=scitldr_abstract(record)))


def score_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """rows carry per-system (r1, r2, rl) tuples; returns 100 x mean per system and metric."""
    out: dict[str, dict[str, float | None]] = {}
    for system in SYSTEMS:
        triples = [r["scores"][system] for r in rows if system in r["scores"]]
        if triples:
            out[system] = {m: _x100(mean(t[i] for t in triples)) for i, m in enumerate(METRICS)}
    return out


def mean_words(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Mean whitespace-separated words per system (the issue-15 budget is <= 30 for the engine)."""
    return {system: round(mean(len(r["outputs"][system].split()) for r in rows), 1)
            for system in SYSTEMS if rows and system in rows[0]["outputs"]}


def _x100(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def run_tldr(engine=None, *, data: Path | None = None, limit: int | None = None, worst: int = 5,
             tick: Callable[[], None] | None = None) -> SuiteResult:
    """Score the engine (when given) and the two baselines; with no engine only the baselines."""
    started = time.monotonic()
    records = load_scitldr(data, limit)
    scorer = rouge_scorer()
    rows, failures = [], {}
    for rec in records:
        outputs = baselines(rec)
        if engine is not None:
            try:
                outputs["engine"] = summarise(engine, rec)
            except ModuleNotFoundError:
                raise
            except Exception as exc:  # one paper failing is a scored miss, not a crashed suite
                failures[rec["paper_id"]] = f"{type(exc).__name__}: {exc}"
                outputs["engine"] = ""
        scores = {name: scitldr_rouge(scorer, text, rec["target"]) for name, text in outputs.items()}
        rows.append({"id": rec["paper_id"], "title": rec.get("title"), "outputs": outputs, "scores": scores,
                     "targets": rec["target"]})
        if tick:
            tick()
    result = SuiteResult("tldr", metrics=score_rows(rows))
    words = mean_words(rows)
    result.info = {"n": len(rows), "data": str(scitldr_path(data)), "failures": failures,
                   "engine": getattr(engine, "name", None), "seconds": round(time.monotonic() - started, 2),
                   "mean_words": words,
                   "note": "ROUGE F1 x100, best-R1 target per paper (SCITLDR.md), rouge-score with stemming; "
                           "mean words " + ", ".join(f"{k} {v}" for k, v in words.items())}
    if engine is None:
        result.unavailable["engine"] = "no engine was run"
    else:
        # Whole sentences (issue 15): TL;DRs that end as a fragment, by shape (tldr_grammar).
        from agent.engines.local.tldr_grammar import dangling_shapes

        shapes = Counter(s for r in rows if r["outputs"]["engine"] for s in dangling_shapes(r["outputs"]["engine"]))
        result.info["fragments"] = sum(1 for r in rows if r["outputs"]["engine"]
                                       and dangling_shapes(r["outputs"]["engine"]))
        result.info["fragment_shapes"] = dict(sorted(shapes.items()))
        result.info["note"] += f"; fragments {result.info['fragments']}"
        result.per_case = {r["id"]: round(100 * r["scores"]["engine"][0], 2) for r in rows}
        result.cases = worst_cases(rows, worst)
    return result


def worst_cases(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    ranked = sorted(rows, key=lambda r: (r["scores"]["engine"][0], r["id"]))[:n]
    return [{"id": r["id"], "title": r["title"], "rouge1": round(100 * r["scores"]["engine"][0], 1),
             "lead1_rouge1": round(100 * r["scores"]["lead1"][0], 1), "prediction": r["outputs"]["engine"],
             "target": r["targets"][0]} for r in ranked]
