"""QA suite: `agent.qa.ask` over evals/fixtures/qa.jsonl, on the temporary seed store.

Per answerable question (lookup, paraphrase, numeric, set):
- key_facts:          share of the question's key facts the answer text contains (× / x / spacing
                      and case ignored); questions without key facts are not counted here;
- citation_precision: cited papers that are answer papers / all cited papers (micro over questions);
- citation_recall:    share of the answer papers cited (1 paper, or the whole set);
- answered:           the agent did not decline (`insufficient` is false).
Per unanswerable question: declined = `insufficient` is true.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable

from evals.metrics import contains_fact, mean
from evals.results import SuiteResult, SuiteUnavailable

AskFn = Callable[..., Any]


def default_ask() -> AskFn:
    try:
        from agent.qa import ask
    except ImportError as exc:  # agent.qa missing, or present without `ask` yet
        raise SuiteUnavailable(f"agent.qa.ask does not exist yet ({exc})") from None
    return ask


def call_ask(ask: AskFn, question: str, corpus, engine: str | None = None, model: str | None = None):
    """Pass the evaluation store/settings and the engine name to whichever of them `ask` accepts."""
    params = inspect.signature(ask).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    offer = {"settings": corpus.settings, "store": corpus.store, "engine": engine, "model": model}
    kwargs = {k: v for k, v in offer.items() if v is not None and (k in params or takes_any)}
    return ask(question, **kwargs)


def _field(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def cited_ids(answer: Any) -> list[str]:
    """Paper ids of the citations, whether they are ids, dicts or objects with `id`/`paper_id`."""
    out = []
    for c in _field(answer, "citations", []) or []:
        if isinstance(c, str):
            out.append(c)
            continue
        pid = _field(c, "id") or _field(c, "paper_id") or _field(_field(c, "paper"), "id")
        if pid:
            out.append(str(pid))
    return list(dict.fromkeys(out))


def score_answer(question: dict, answers: list[str], answer: Any) -> dict[str, Any]:
    text = str(_field(answer, "answer", "") or "")
    insufficient = bool(_field(answer, "insufficient", False))
    cited = cited_ids(answer)
    row: dict[str, Any] = {"id": question["id"], "kind": question["kind"], "question": question["question"],
                           "answer": text, "insufficient": insufficient, "cited": cited}
    if question["kind"] == "unanswerable":
        row["declined"] = 1.0 if insufficient else 0.0
        return row
    facts = question.get("key_facts") or []
    row["key_facts"] = sum(contains_fact(text, f) for f in facts) / len(facts) if facts else None
    row["missing_facts"] = [f for f in facts if not contains_fact(text, f)]
    row["cited_correct"] = sum(1 for c in cited if c in answers)
    row["citation_recall"] = len(set(cited) & set(answers)) / len(answers) if answers else None
    row["answered"] = 0.0 if insufficient else 1.0
    return row


def aggregate(rows: list[dict]) -> dict[str, dict[str, float | None]]:
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    n_cited = sum(len(r["cited"]) for r in answerable)
    metrics: dict[str, dict[str, float | None]] = {}
    if answerable:
        metrics["answerable"] = {
            "key_facts": mean(r["key_facts"] for r in answerable),
            "citation_precision": sum(r["cited_correct"] for r in answerable) / n_cited if n_cited else None,
            "citation_recall": mean(r["citation_recall"] for r in answerable),
            "answered": mean(r["answered"] for r in answerable)}
    if unanswerable:
        metrics["unanswerable"] = {"declined": mean(r["declined"] for r in unanswerable)}
    return metrics


def case_score(row: dict) -> float:
    if row["kind"] == "unanswerable":
        return row["declined"]
    parts = [row["key_facts"], row["citation_recall"], row["answered"]]
    return round(mean(parts) or 0.0, 4)


def run_qa(corpus, questions: list[dict], *, ask: AskFn | None = None, engine: str | None = None,
           model: str | None = None, worst: int = 5, tick=None) -> SuiteResult:
    """Ask every question on the evaluation store; `engine` is the engine name `ask` should use."""
    started = time.monotonic()
    if ask is None:
        ask = default_ask()
        if not corpus.indexed:
            raise SuiteUnavailable(f"QA needs the search index: {corpus.index_reason}")
    rows = []
    for q in questions:
        answers = corpus.paper_ids(q["answers"])
        rows.append(score_answer(q, answers, call_ask(ask, q["question"], corpus, engine, model)))
        if tick:
            tick()
    result = SuiteResult("qa", metrics=aggregate(rows))
    result.per_case = {r["id"]: case_score(r) for r in rows}
    ranked = sorted((r for r in rows if case_score(r) < 1.0), key=lambda r: (case_score(r), r["id"]))
    result.cases = [{k: r.get(k) for k in ("id", "kind", "question", "answer", "insufficient", "cited",
                                           "missing_facts")} for r in ranked[:worst]]
    result.info = {"n": len(rows), "engine": engine or corpus.settings.engine, "extracted": corpus.extracted,
                   "extract_seconds": getattr(corpus, "extract_seconds", None),
                   "problems": sorted(set(corpus.problems)), "seconds": round(time.monotonic() - started, 2)}
    return result
