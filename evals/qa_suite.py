"""QA suite: `agent.qa.ask` over evals/fixtures/qa.jsonl, on the temporary seed store.

Per answerable question (lookup, paraphrase, numeric, set):
- key_facts:          share of the question's key facts the answer text contains (× / x / spacing
                      and case ignored); questions without key facts are not counted here;
- citation_precision: cited papers that are answer papers / all cited papers (micro over questions);
- citation_recall:    share of the answer papers cited (1 paper, or the whole set);
- answered:           the agent did not decline (`insufficient` is false).
Per unanswerable question: declined = `insufficient` is true.

Question files are scored separately (`run_qa_files`): qa.jsonl (in-sample regression guard, fields
`answerable` / `unanswerable` as before, plus `in_sample`), qa_dev.jsonl (`dev`, tuned on) and
qa_blind.jsonl (`blind`, labelled before the answerability work, scored once after its first pass)
and qa_blind2.jsonl (`blind2`, labelled by someone who never ran the QA code, while the second
answerability pass was being written; scored once after it) and qa_blind3.jsonl / qa_blind4.jsonl (`blind3`, `blind4`), the same way for the round-3 passes, and
qa_blind5.jsonl (`blind5`) and qa_blind6.jsonl (`blind6`, list questions) for round 4, and
qa_blind7.jsonl (`blind7`) and qa_blind8.jsonl (`blind8`, a second round-5 file) for round 5, and qa_blind9.jsonl (`blind9`) for round 6 (absent from a checkout -> not reported). Each file's
summary field has:
- answered:          answerable questions not declined;
- decline_precision: declined questions that are really unanswerable / all declined;
- declined:          unanswerable (not-covered) questions declined;
- missing_named:     declined unanswerable questions whose `missing` names the labelled constraint;
- right_top5:        look-ups and paraphrases answered, with the right paper among the first 5 sources;
- set_complete:      set questions answered with recall 1 and precision >= 0.75;
- numeric_right:     numeric questions answered, citing the right paper, with every key fact.
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
        row["missing"] = list(_field(answer, "missing", []) or [])
        row["missing_named"] = _names_missing(row["missing"], question.get("missing") or []) if insufficient else 0.0
        return row
    facts = question.get("key_facts") or []
    row["key_facts"] = sum(contains_fact(text, f) for f in facts) / len(facts) if facts else None
    row["missing_facts"] = [f for f in facts if not contains_fact(text, f)]
    row["cited_correct"] = sum(1 for c in cited if c in answers)
    row["sources"] = source_ids(answer)
    row["set_complete"] = set_complete(cited, answers, insufficient) if question["kind"] == "set" else None
    row["citation_recall"] = len(set(cited) & set(answers)) / len(answers) if answers else None
    row["answered"] = 0.0 if insufficient else 1.0
    return row


def source_ids(answer: Any) -> list[str]:
    out = []
    for s in _field(answer, "sources", []) or []:
        pid = s if isinstance(s, str) else (_field(s, "id") or _field(s, "paper_id"))
        if pid:
            out.append(str(pid))
    return list(dict.fromkeys(out))


def set_complete(cited: list[str], answers: list[str], insufficient: bool) -> float:
    """1.0 when a list answer names every gold paper with precision >= 0.75 (issue 12's "complete")."""
    if insufficient or not answers:
        return 0.0
    hit = len(set(cited) & set(answers))
    return 1.0 if hit == len(set(answers)) and hit / max(1, len(set(cited))) >= 0.75 else 0.0


def _names_missing(returned: list[str], labelled: list[str]) -> float | None:
    """1 when a returned `missing` entry shares a word with a labelled one (None: nothing labelled)."""
    from agent.qa.text import term_set

    if not labelled:
        return None
    want = set().union(*(term_set(m) for m in labelled))
    return 1.0 if any(term_set(m) & want for m in returned) else 0.0


def summary(rows: list[dict]) -> dict[str, float | None]:
    """The per-file figures of the module docstring."""
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    declined = [r for r in rows if r["insufficient"]]
    look = [r for r in answerable if r["kind"] in ("lookup", "paraphrase")]
    numeric = [r for r in answerable if r["kind"] == "numeric"]
    return {
        "answered": mean(r["answered"] for r in answerable),
        "decline_precision": (sum(r["kind"] == "unanswerable" for r in declined) / len(declined)) if declined else None,
        "declined": mean(r["declined"] for r in unanswerable),
        "missing_named": mean(r["missing_named"] for r in unanswerable if r.get("missing_named") is not None),
        "right_top5": mean(float(r["answered"] == 1.0 and bool(set(r["sources"][:5]) & set(r["answers"])))
                           for r in look),
        "paraphrase_right_top5": mean(float(r["answered"] == 1.0 and bool(set(r["sources"][:5]) & set(r["answers"])))
                                      for r in look if r["kind"] == "paraphrase"),
        "set_complete": mean(r["set_complete"] for r in answerable if r["kind"] == "set"),
        "numeric_right": mean(float(r["answered"] == 1.0 and bool(set(r["cited"]) & set(r["answers"]))
                                    and (r["key_facts"] in (None, 1.0))) for r in numeric),
    }


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
        row = score_answer(q, answers, call_ask(ask, q["question"], corpus, engine, model))
        row["answers"] = answers
        rows.append(row)
        if tick:
            tick()
    result = SuiteResult("qa", metrics=aggregate(rows))
    result.metrics["in_sample"] = summary(rows)
    result.rows = rows  # type: ignore[attr-defined]  # for run_qa_files
    result.per_case = {r["id"]: case_score(r) for r in rows}
    ranked = sorted((r for r in rows if case_score(r) < 1.0), key=lambda r: (case_score(r), r["id"]))
    result.cases = [{k: r.get(k) for k in ("id", "kind", "question", "answer", "insufficient", "cited",
                                           "missing_facts")} for r in ranked[:worst]]
    result.info = {"n": len(rows), "engine": engine or corpus.settings.engine, "extracted": corpus.extracted,
                   "extract_seconds": getattr(corpus, "extract_seconds", None),
                   "problems": sorted(set(corpus.problems)), "seconds": round(time.monotonic() - started, 2)}
    return result


QA_FILES = (("qa.jsonl", "in_sample"), ("qa_dev.jsonl", "dev"), ("qa_blind.jsonl", "blind"),
            ("qa_blind2.jsonl", "blind2"), ("qa_blind3.jsonl", "blind3"), ("qa_blind4.jsonl", "blind4"),
            ("qa_blind5.jsonl", "blind5"), ("qa_blind6.jsonl", "blind6"), ("qa_blind7.jsonl", "blind7"),
            ("qa_blind8.jsonl", "blind8"), ("qa_blind9.jsonl", "blind9"), ("qa_blind10.jsonl", "blind10"),
            ("qa_blind11.jsonl", "blind11"), ("qa_blind12.jsonl", "blind12"),
            ("qa_blind13.jsonl", "blind13"))


def run_qa_files(corpus, question_sets: dict[str, list[dict]], **kwargs) -> SuiteResult:
    """`run_qa` per question file; qa.jsonl keeps its fields, the others add `dev` / `blind` summaries
    (ids are prefixed with the field name in `per_case` so the files never mix)."""
    main = run_qa(corpus, question_sets.get("in_sample", []), **kwargs)
    tick = kwargs.get("tick")
    for _, name in QA_FILES[1:]:
        questions = question_sets.get(name)
        if not questions:
            continue
        part = run_qa(corpus, questions, **{**kwargs, "tick": tick})
        main.metrics[name] = summary(part.rows)  # type: ignore[attr-defined]
        main.per_case.update({f"{name}:{k}": v for k, v in part.per_case.items()})
        main.info[f"{name}_n"] = len(questions)
        main.info[f"{name}_by_kind"] = by_kind(part.rows)  # type: ignore[attr-defined]
    main.info["in_sample_by_kind"] = by_kind(main.rows)  # type: ignore[attr-defined]
    order = ("blind13", "blind12", "blind11", "blind10", "blind9", "blind8", "blind7", "blind6", "blind5", "blind4", "blind3", "blind2", "blind", "dev", "in_sample", "answerable", "unanswerable")   # the blind figures first
    main.metrics = {k: main.metrics[k] for k in sorted(main.metrics, key=lambda k: order.index(k) if k in order else 9)}
    return main


def by_kind(rows: list[dict]) -> dict[str, dict[str, float | None]]:
    """The summary per question kind (how look-ups, paraphrases, sets, ... fare separately)."""
    return {kind: {k: v for k, v in summary([r for r in rows if r["kind"] == kind]).items() if v is not None}
            for kind in sorted({r["kind"] for r in rows})}
