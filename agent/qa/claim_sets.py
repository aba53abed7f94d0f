"""Set questions answered from the claims table's values and baselines: "which papers achieve more than
10x speedup?" (agent/qa/thresholds.py), "which papers compare against vLLM?" (agent/qa/baselines.py).
Other filters in the question (a dataset, hardware, a topic, a year) narrow the set the usual way:
the set route (`set_answer`, agent/qa/local.py) runs on the rest of the question, scoped to the
papers the claims filter kept."""

from __future__ import annotations

import re

from agent.qa.drafting import Draft
from agent.qa.drafting import finish as _finish
from agent.qa.drafting import insufficient as _insufficient
from agent.qa.drafting import sentence_with as _sentence_with
from agent.qa.drafting import strip_end as _strip_end
from agent.qa.tools import all_sources as _all_sources
from agent.qa.router import Route, route, vocabulary
from agent.qa.text import label
from agent.qa.tools import QAContext
from agent.qa.types import Answer, Source, claim_fields


def threshold_set(question: str, ctx: QAContext, r: Route, th, set_answer) -> Answer:
    """"Which papers achieve more than 10x speedup?": the claims table filtered by value and metric
    (and baseline: "more than 2x over vLLM"); other filters of the question narrow it."""
    from agent.qa import thresholds
    from agent.qa.baselines import compared_with, span_than

    metrics = thresholds.metrics_asked(question, r.metric, th)
    rest = thresholds.rest_of_question(question, th)
    base = compared_with(rest)
    best = thresholds.qualifying(ctx, th, metrics, base)
    used = th.describe(metrics) + (f", baseline={base}" if base else "")
    ctx.log("claim_threshold", filter=used)
    if base:
        lo, hi = span_than(rest)
        rest = (rest[:lo] + " " + rest[hi:]).strip()
    narrowed = _narrowed(question, rest, ctx, r, list(best), used, set_answer, th.surface, numbers=True)
    if narrowed is not None:
        return narrowed
    if not best:
        answer = _insufficient(question, [], r, [], f"No paper in the store reports a claim matching ({used}).")
        answer.missing = [th.surface]
        return answer
    papers = {p.id: p for p in ctx.store.get_many(list(best))}
    items = [(Source.of(papers[pid], **claim_fields(row)), _sentence_with(papers[pid].abstract, row["evidence"]))
             for pid, row in best.items()]
    return _listing(question, ctx, r, used, items)


def baseline_set(question: str, ctx: QAContext, r: Route, base: str, set_answer) -> Answer:
    """"Which papers compare against X?": the papers with a claim whose baseline is X, or an abstract
    sentence comparing with X (agent/qa/baselines.py); other filters of the question narrow it."""
    from agent.qa import baselines

    papers = {s.id: s for s in _all_sources(ctx)}
    found = baselines.members(ctx, base, papers, baselines.any_use(question))
    used = f"baseline={base}"
    ctx.log("claim_baseline", baseline=base)
    lo, hi = baselines.span(question)
    ctx.prior.update(found)     # the comparing sentence is each paper's support
    rest = (question[:lo] + " " + question[hi:]).strip()
    narrowed = _narrowed(question, rest, ctx, r, list(found), used, set_answer, base)
    if narrowed is not None:
        return narrowed
    if not found:
        answer = _insufficient(question, [], r, [], f"No paper in the store compares against {base} ({used}).")
        answer.missing = [base]
        return answer
    ranked = sorted(found, key=lambda pid: (-(papers[pid].year or 0), pid))     # ties in id order
    return _listing(question, ctx, r, used, [(papers[pid], found[pid]) for pid in ranked])


def quantity_set(question: str, ctx: QAContext, r: Route, bound, set_answer) -> Answer:
    """"Which papers run a network in under 10 ms on a phone?": the papers whose abstract states a
    figure within the bound (agent/qa/quantities.py); other filters of the question narrow it."""
    from agent.qa import quantities

    papers = {s.id: s for s in _all_sources(ctx)}
    found = quantities.members(papers, bound)
    used = bound.describe()
    ctx.log("quantity_bound", filter=used)
    ctx.prior.update(found)     # the sentence with the figure is each paper's support
    lo, hi = bound.span
    rest = (question[:lo] + " " + question[hi:]).strip()
    narrowed = _narrowed(question, rest, ctx, r, list(found), used, set_answer, bound.surface)
    if narrowed is not None:
        return narrowed
    if not found:
        answer = _insufficient(question, [], r, [], f"No abstract in the store states a figure matching ({used}).")
        answer.missing = [bound.surface]
        return answer
    ranked = sorted(found, key=lambda pid: (-(papers[pid].year or 0), pid))     # ties in id order
    return _listing(question, ctx, r, used, [(papers[pid], found[pid]) for pid in ranked])


def _narrowed(question: str, rest: str, ctx: QAContext, r: Route, ids: list[str], used: str, set_answer,
              surface: str, numbers: bool = False) -> Answer | None:
    """The set route on the rest of the question (its dataset, hardware, topic or year), among `ids`;
    None when the rest names no such filter (or no paper passed the claims filter). When no paper
    meets both, `missing` names the claims filter (`surface`) with the rest's unmet part."""
    from agent.qa import sets

    r2 = route(rest, vocabulary(ctx.store))
    if not ids or not (r2.facets or r2.year or sets.entity_constraints(rest)):
        return None
    fresh = ctx.scope is None
    ctx.scope = [pid for pid in ids if ctx.scope is None or pid in ctx.scope]
    r2.kind, r2.count_only = "set", r.count_only
    if numbers:
        r2.numbers, r2.metric = True, r.metric
    answer = set_answer(rest, ctx, r2)
    answer.question = question
    if fresh:     # the scope was the claims filter, not a previous answer
        answer.answer = re.sub(r" among the \d+ papers? of the previous answer", "", answer.answer)
    if " (" in answer.answer.split("\n")[0]:
        answer.answer = answer.answer.replace(" (", f" ({used}, ", 1)
    if answer.insufficient:
        answer.missing = [surface] + [m for m in answer.missing if m != surface]
    return answer


def _listing(question: str, ctx: QAContext, r: Route, used: str, items: list) -> Answer:
    """"N papers match (<filter>):" and one line per (Source, sentence), the sentence as its support."""
    draft = Draft()
    noun = "paper matches" if len(items) == 1 else "papers match"
    draft.lines.append(f"{len(items)} {noun} ({used})" + ("." if r.count_only else ":"))
    for src, sent in items:
        n = draft.cite(src, sent)
        draft.lines.append(f"- {_strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: {_strip_end(sent)} [{n}].")
    return _finish(question, draft, draft.cited, r)


# "by what percentage / by what factor / by how much": the unit the figure must be given in
_PERCENT = re.compile(r"\bpercent(?:age)?s?\b|%", re.I)
_FACTOR = re.compile(r"\b(?:factor|times|fold)\b", re.I)
_ASKS_FIGURE = re.compile(r"\bby\s+(?:what|how\s+much|how\s+many)\b|\bhow\s+much\b", re.I)


def metric_set(question: str, ctx: QAContext, r: Route, set_answer) -> Answer | None:
    """"Which papers report by what percentage they cut the number of tokens an LLM consumes?": the
    papers with a claim of the asked metric (in the asked unit), each with its figure. Only for a
    question whose filter is the metric alone (no facet, entity or year); None otherwise."""
    from agent.qa import sets
    from agent.qa.tools import metric_family, top_speedups

    if not (r.numbers and r.metric and _ASKS_FIGURE.search(question)) or r.facets or r.year \
            or sets.entity_constraints(question):
        return None
    unit = "%" if _PERCENT.search(question) else "x" if _FACTOR.search(question) else None
    metrics = metric_family(r.metric)
    rows = [row for u in ((unit,) if unit else ("x", "%")) for row in top_speedups(ctx, None, metrics=metrics, unit=u, limit=100000)]
    if ctx.scope is not None:
        rows = [row for row in rows if row["paper_id"] in set(ctx.scope)]
    best: dict[str, dict] = {}
    for row in sorted(rows, key=lambda row: (-row["value"], row["paper_id"])):
        best.setdefault(row["paper_id"], row)
    if not best:
        return None
    used = f"claim metric={'/'.join(metrics)}" + (f", unit={unit}" if unit else "")
    ctx.log("claim_metric", filter=used)
    papers = {p.id: p for p in ctx.store.get_many(list(best))}
    items = [(Source.of(papers[pid], **claim_fields(row)), _sentence_with(papers[pid].abstract, row["evidence"]))
             for pid, row in best.items()]
    return _listing(question, ctx, r, used, items)
