"""When a session filter (`--year`, chat's `/filter`) is why nothing answers, say so.

A question asked under a filter that leaves no paper, or that a paper outside the filter answers,
is not "not covered" by the corpus: the filter is the unmet constraint, and `missing` names it as
the user wrote it ("year>=2024"). A decline that the filter did not cause is kept as it is.
"""

from __future__ import annotations

from typing import Callable

from agent.qa.tools import QAContext
from agent.qa.types import Answer


def describe_filter(flt) -> str:
    """The filter as chat's /filter shows it: "year>=2024 topic=llm-serving"; "none" without one."""
    if flt is None:
        return "none"
    parts = [f"{k}={v}" if k != "year" or str(v)[:1].isdigit() else f"year{v}" for k, v in vars(flt).items()
             if v is not None]
    return " ".join(parts) or "none"


def explain(question: str, ctx: QAContext, declined: Answer, answer_again: Callable[[], Answer]) -> Answer:
    """`declined` (answered under ctx.flt) re-read: the filter named as the reason when it empties
    the candidates, or when `answer_again()` without the filter answers the question."""
    if ctx.flt is None or ctx.scope is not None or not declined.insufficient:
        return declined
    what = describe_filter(ctx.flt)
    if not ctx.store.ids(ctx.flt, ordered=False):
        declined.answer = f'No paper passes the filter ({what}), so none can answer this (not covered: "{what}").'
        declined.confidence, declined.missing, declined.sources, declined.citations = "none", [what], [], []
        return declined
    flt, calls = ctx.flt, len(ctx.calls)
    ctx.flt = None
    try:
        wide = answer_again()
    finally:
        ctx.flt = flt
    if wide.insufficient:
        del ctx.calls[calls:]      # the filter is not the reason: the decline stands as it was
        return declined
    wide.answer = (f'No paper within the filter ({what}) answers this (not covered: "{what}"); '
                   f"closest, outside the filter:\n{wide.answer}")
    wide.insufficient, wide.confidence, wide.missing = True, "closest", [what]
    wide.notes.insert(0, f"answered without the filter ({what}): no paper within it answers")
    return wide
