"""Retrieval suite: recall@1/@5 and MRR per search mode over evals/fixtures/qa.jsonl.

- lookup / paraphrase / numeric questions have one answer paper: `recall@1`, `recall@5`, `mrr`
  (reciprocal rank of the answer within the top K=20; 0 when absent);
- set questions list every paper of the corpus that answers them: `set_recall@20` (share of the
  set in the top 20) and `set_rprec` (share of the set in the top |set|, i.e. R-precision);
- unanswerable questions have no answer paper and are left to the QA suite.

Search goes through `store.index.search(store, settings, query, k, mode, flt)`, the function the
CLI uses, over a temporary store with the seeds ingested (evals/corpus_env.py).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from evals.metrics import dedupe, mean, rank_of, recall_at, reciprocal_rank, set_recall
from evals.results import SuiteResult, SuiteUnavailable

MODES = ("dense", "bm25", "hybrid")
SINGLE_KINDS = ("lookup", "paraphrase", "numeric")
K = 20

SearchFn = Callable[[Any, Any, str, int, str, Any], list]


def default_search() -> SearchFn:
    try:
        from store.index import search
    except ModuleNotFoundError as exc:
        if exc.name != "store.index":
            raise
        raise SuiteUnavailable("store.index (search) does not exist yet") from None
    return search


def ranked_ids(search: SearchFn, corpus, question: str, mode: str, k: int = K) -> list[str]:
    hits = search(corpus.store, corpus.settings, question, k, mode, None)
    return dedupe(h.paper.id for h in hits)[:k]


def question_scores(ranked: list[str], answers: list[str], kind: str) -> dict[str, float]:
    if kind == "set":
        return {"set_recall@20": set_recall(ranked, answers, 20),
                "set_rprec": set_recall(ranked, answers, len(answers))}
    return {"recall@1": recall_at(ranked, answers, 1), "recall@5": recall_at(ranked, answers, 5),
            "mrr": reciprocal_rank(ranked, answers)}


def run_mode(search: SearchFn, corpus, questions: list[dict], mode: str, tick=None) -> list[dict]:
    rows = []
    for q in questions:
        answers = corpus.paper_ids(q["answers"])
        ranked = ranked_ids(search, corpus, q["question"], mode)
        rows.append({"id": q["id"], "kind": q["kind"], "question": q["question"], "answers": answers,
                     "ranked": ranked, "rank": rank_of(ranked, answers),
                     "scores": question_scores(ranked, answers, q["kind"])})
        if tick:
            tick()
    return rows


def mode_metrics(rows: list[dict]) -> dict[str, float | None]:
    names = ("recall@1", "recall@5", "mrr", "set_recall@20", "set_rprec")
    return {n: mean(r["scores"].get(n) for r in rows) for n in names}


def run_retrieval(corpus, questions: list[dict], *, search: SearchFn | None = None,
                  modes: tuple[str, ...] = MODES, worst: int = 5, tick=None) -> SuiteResult:
    """Score every mode; a mode whose code is missing is reported, the others still count."""
    started = time.monotonic()
    if search is None:
        if not corpus.indexed:
            raise SuiteUnavailable(corpus.index_reason or "the search index is not available")
        search = default_search()
    scored = [q for q in questions if q["kind"] != "unanswerable" and q.get("answers")]
    result = SuiteResult("retrieval")
    per_mode: dict[str, list[dict]] = {}
    for mode in modes:
        try:
            per_mode[mode] = run_mode(search, corpus, scored, mode, tick)
        except ModuleNotFoundError as exc:
            result.unavailable[mode] = f"{exc.name} is not available"
            continue
        result.metrics[mode] = mode_metrics(per_mode[mode])
        result.per_case.update({f"{mode}:{r['id']}": _case_score(r) for r in per_mode[mode]})
    if not per_mode:
        raise SuiteUnavailable("no search mode could run: " + "; ".join(f"{m}: {r}" for m, r in result.unavailable.items()))
    result.cases = worst_cases(per_mode, corpus, worst)
    result.info = {"n": len(scored), "k": K, "modes": list(per_mode), "index_seconds": corpus.seconds,
                   "embedding": getattr(corpus.settings, "embedding", None),
                   "problems": sorted(set(corpus.problems)), "seconds": round(time.monotonic() - started, 2),
                   "by_kind": by_kind(per_mode)}
    return result


def _case_score(row: dict) -> float:
    s = row["scores"]
    return round(s["mrr"] if "mrr" in s else s["set_recall@20"], 4)


def by_kind(per_mode: dict[str, list[dict]]) -> dict[str, dict[str, float | None]]:
    """Mean case score per mode and question kind (MRR, or set recall@20 for sets)."""
    return {mode: {kind: mean(_case_score(r) for r in rows if r["kind"] == kind)
                   for kind in sorted({r["kind"] for r in rows})} for mode, rows in per_mode.items()}


def worst_cases(per_mode: dict[str, list[dict]], corpus, n: int) -> list[dict]:
    """Questions missed most often across modes, with each mode's rank and the top hits of one mode."""
    first = next(iter(per_mode))
    cases = []
    for i, row in enumerate(per_mode[first]):
        scores = {mode: _case_score(rows[i]) for mode, rows in per_mode.items()}
        ranks = {mode: rows[i]["rank"] for mode, rows in per_mode.items()}
        top_mode = "hybrid" if "hybrid" in per_mode else first
        top = [_title(corpus, pid) for pid in per_mode[top_mode][i]["ranked"][:3]]
        cases.append({"id": row["id"], "kind": row["kind"], "question": row["question"], "ranks": ranks,
                      "scores": scores, "expected": [_title(corpus, pid) for pid in row["answers"]][:5],
                      f"top3_{top_mode}": top, "_key": sum(scores.values())})
    cases.sort(key=lambda c: (c["_key"], c["id"]))
    return [{k: v for k, v in c.items() if k != "_key"} for c in cases[:n] if c["_key"] < len(per_mode)]


def _title(corpus, paper_id: str) -> str:
    paper = corpus.store.get(paper_id)
    if paper is None:
        return paper_id
    return paper.title or paper.abstract[:80] + "…"
