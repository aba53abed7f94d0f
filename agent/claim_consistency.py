"""Metric/direction consistency of a speedup item (LABELLING §1.3), for every engine.

The convention fixes which directions each metric can take: `faster` is speed wording, so only a
quantity that a speed-up shortens or raises can carry it (a speedup, a time, a throughput, a
communication); energy, memory, compute, model size, storage, tokens, cost and batch size are never
"faster". A `speedup` is always `faster`: a measured slowdown is read as the quantity it names
("50% less efficient in terms of compute": compute/reduction), else as a time that rose
("a 3.2x slowdown": latency/increase).
An item outside the table (the rules took a neighbour's speed word, a model wrote "energy/faster")
is re-read from its own evidence: the number's head noun and its comparison word decide, as they
would for a fresh claim; only when the phrase names nothing usable does the metric keep its label
and take the direction its polarity gives (more-is-better quantities increase, costs reduce).

agent.claim_grounding calls `reconcile` for the items of both engines before grounding them.
"""

from __future__ import annotations

import re

from core.models import Speedup

_TIMED = frozenset({"faster", "reduction", "increase"})
_AMOUNT = frozenset({"reduction", "increase"})
ALLOWED: dict[str, frozenset[str]] = {
    "speedup": frozenset({"faster"}),
    "latency": _TIMED, "tail latency": _TIMED, "training time": _TIMED, "search cost": _TIMED,
    "communication": _TIMED, "throughput": _TIMED,
    "energy": _AMOUNT, "memory": _AMOUNT, "batch size": _AMOUNT, "compute": _AMOUNT, "model size": _AMOUNT,
    "storage": _AMOUNT, "tokens": _AMOUNT, "cost": _AMOUNT,
}
_IN_TERMS_RE = re.compile(r"\bin\s+(?:terms\s+of\s+)?", re.I)


def consistent(metric: str, direction: str) -> bool:
    """Whether the convention allows `direction` for `metric` (unknown metrics: any direction)."""
    allowed = ALLOWED.get(metric)
    return allowed is None or direction in allowed


def reconcile(abstract: str, item: Speedup) -> Speedup:
    """`item` itself when its metric and direction agree; else the pair re-read from its evidence."""
    if consistent(item.metric, item.direction):
        return item
    metric, direction = rederive(item.evidence, item.value, item.unit, item.metric)
    return item.model_copy(update={"metric": metric, "direction": direction})


def rederive(evidence: str, value: float, unit: str, metric: str) -> tuple[str, str]:
    """(metric, direction) from the words around the number in `evidence`: its head noun's quantity
    (or a trailing "in terms of X") and its comparison word, resolved by the quantity's polarity."""
    from agent.engines.local import speedup_rules as rules
    from agent.engines.local import speedup_shapes as shapes

    masked, (pre_start, start, end, post_end) = _own_phrase(evidence, value, unit)
    before, after = masked[pre_start:start], masked[end:post_end]
    reading = rules.read_after(after)
    if not reading.metric:
        reading = rules.read_before(before)
    if reading.metric in (None, "speedup") and masked:
        # a measuring frame names the quantity: "50% less efficient in terms of compute (than X)"
        frame = _IN_TERMS_RE.search(after)
        framed = rules.read_after(after[frame.end():]) if frame else rules.Reading()
        trailing = shapes.trailing_quantity(masked, post_end, len(masked))
        reading = framed if framed.specific else trailing[0] if trailing else reading
    word = rules.direction_word(after, before)
    named = reading.metric if reading.metric and not reading.blocked else None
    benefit = reading.benefit if named else rules.lexicon().benefit.search(before + " " + after) is not None
    for candidate in ((named or metric), metric):
        direction = rules.resolve_direction(word, candidate, benefit)
        if consistent(candidate, direction):
            return candidate, direction
    if metric == "speedup":
        # a speed that fell with nothing else named ("a 3.2x slowdown"): the run takes longer
        return "latency", "increase"
    # the comparison word belongs to another quantity ("faster" next to an energy figure): polarity
    return metric, rules.resolve_direction(None, metric, benefit)


def _own_phrase(evidence: str, value: float, unit: str) -> tuple[str, tuple[int, int, int, int]]:
    """The masked evidence and the spans of the number's own words: (where the words before it start,
    the number's start and end, where the words after it end), up to clause-level stops."""
    from agent.engines.local.speedup_segments import Group, masked_text, phrase_after, phrase_before
    from agent.numbers import find_numbers, same_value, share_list_units

    numbers = share_list_units(evidence, find_numbers(evidence))
    # the low end of a range ("50-180%") carries no unit of its own
    own = next((n for n in numbers if n.unit in (unit, None) and same_value(n.value, value)), None)
    if own is None:
        return "", (0, 0, 0, 0)
    masked = masked_text(evidence, numbers, {own.start})
    group = Group([own], False, own.start, own.end)
    pre_start, _ = phrase_before(masked, group, 0)
    _, post_end = phrase_after(masked, group, len(evidence))
    return masked, (pre_start, own.start, own.end, post_end)
