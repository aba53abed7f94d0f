"""Claim grounding (not to be confused with agent/qa/answer_grounding.py, which checks answers):
a speedup item is only emitted if the abstract itself shows it.

Every engine (rules or LLM) passes its items through here. Grounded means the evidence is a
verbatim substring of the abstract and contains, as written, a number that reads as the item's
value with the item's unit, and the value is plausible and not taken from instruction-like text
(agent.screening) ("5,000x" for 5000 x, "$10^4\\times$" for 10000 x, "an order of
magnitude" for 10 x, the bare "1.12" of "1.12-1.63x" for 1.12 x).

`settle_speedup` is the one gate both engines call: it first makes the item's metric and direction
agree (agent.claim_consistency: no "energy/faster", no "speedup/reduction"), then grounds it.
"""

from __future__ import annotations

from functools import lru_cache

from core.models import Speedup
from agent.claim_consistency import reconcile
from agent.numbers import quantity_mentions, same_value
from agent.screening import implausible, in_suspicious_text


def settle_speedup(abstract: str, item: Speedup, *, at: int | None = None) -> tuple[Speedup, str | None]:
    """`item` with a metric/direction pair the convention allows, and None when it is grounded in
    `abstract` (else a one-line reason, as check_speedup)."""
    item = reconcile(abstract, item)
    return item, check_speedup(abstract, item, at=at)


def check_speedup(abstract: str, item: Speedup, *, at: int | None = None) -> str | None:
    """None when `item` is grounded in `abstract`, else a one-line reason.

    `at` lets a caller that already knows where its evidence starts skip the substring search,
    which keeps pathological (megabyte, thousands-of-claims) inputs linear.
    """
    evidence = item.evidence
    if not evidence.strip():
        return "empty evidence"
    start = at if at is not None and abstract.startswith(evidence, at) else (
        -1 if at is not None else abstract.find(evidence))
    if start < 0:
        return "evidence is not a verbatim substring of the abstract"
    mentions = evidence_mentions(evidence)
    if any(m.unit == item.unit and same_value(m.value, item.value) for m in mentions):
        return implausible(item) or in_suspicious_text(abstract, start, start + len(evidence))
    written = ", ".join(f"{m.surface(evidence)!r}" for m in mentions[:6]) or "none"
    return f"evidence has no {item.unit!r} number equal to {item.value:g} (numbers with units: {written})"



@lru_cache(maxsize=256)
def evidence_mentions(evidence: str) -> tuple:
    """The items of one claim share their evidence ("2x and 3x ... respectively"): read it once."""
    return tuple(quantity_mentions(evidence))
