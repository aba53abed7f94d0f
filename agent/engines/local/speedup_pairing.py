"""Two coordinated number lists, each with its own head noun (LABELLING §1.2, one item per number).

"an average speedup of A, B, C and D, E, F energy savings": the number grouping joins every number
glued by commas or "and" into one list, so all six would share one quantity. English marks the end of
a list with its last "and"; an "and" followed by more comma-joined numbers closes the FIRST list and
starts a second one. Each list then reads its own quantity: the first from the words before it
("speedup of"), the second from the words after it ("energy savings").
"""

from __future__ import annotations

import re
from typing import Any

from agent.engines.local.speedup_segments import Group

_AND_JOIN_RE = re.compile(r"[\s$]*,?[\s$]*and[\s$+]*", re.I)
_COMMA_JOIN_RE = re.compile(r"[\s$]*,[\s$+]*")


def split_paired_lists(text: str, groups: list[Group]) -> list[Group]:
    """`groups` with each "A, B and C, D" list split after its closing "and" (both halves >= 2 numbers)."""
    if not any(len(g.members) >= 4 for g in groups):  # the common case: nothing to split
        return groups
    out: list[Group] = []
    for group in groups:
        out += _split(text, group)
    return out


def _split(text: str, group: Group) -> list[Group]:
    members = group.members
    if group.is_range or len(members) < 4:
        return [group]
    joins = [text[a.end:b.start] for a, b in zip(members, members[1:])]
    for k, join in enumerate(joins):
        # the first list needs its own comma join before the "and", the second one after it
        if 1 <= k <= len(joins) - 2 and _AND_JOIN_RE.fullmatch(join) \
                and all(_COMMA_JOIN_RE.fullmatch(j) for j in joins[k + 1:]) \
                and all(_COMMA_JOIN_RE.fullmatch(j) for j in joins[:k]):
            first, second = members[:k + 1], members[k + 1:]
            return [Group(first, False, group.start, first[-1].end),
                    Group(second, False, second[0].start, group.end)]
    return [group]


def share_qualifier(text: str, claims: list) -> None:
    """ "an average speedup of A, B and C, D energy savings": a leading qualifier distributes over both
    lists (§1.3), so the second list, which has no words of its own before it, takes the first's."""
    for previous, claim in zip(claims, claims[1:]):
        if claim.qualifier is None and previous.qualifier is not None and not previous.group.is_range \
                and not claim.group.is_range and len(previous.group.members) >= 2 \
                and _AND_JOIN_RE.fullmatch(text, previous.group.end, claim.group.start):
            claim.qualifier = previous.qualifier


_RESPECTIVELY_AFTER_RE = re.compile(r"[\s$]*,?[\s$]*respectively\b", re.I)
_OPEN_BEFORE_RE = re.compile(r"\([^()]*$")
_NAMED_LIST_RE = re.compile(r"(?P<list>[\w\s,/-]{3,120}?)\s*$")
_LIST_PART_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)
_PART_LEAD_RE = re.compile(r"^.*\b(?:of\s+both|both|terms\s+of|in|of)\s+(?=\S)", re.I)


def respective_across_units(sentence: Any, claims: list) -> None:
    """ "in terms of accuracy and the number of iterations (up to 1% and 3x, respectively)": numbers
    with different units are separate claims, but a "respectively" list still pairs them in order
    with the quantities named right before the parenthesis; a quality (accuracy) gives no item."""
    from agent.engines.local import speedup_rules as rules

    masked = sentence.masked
    for a, b in zip(claims, claims[1:]):
        if a.group.is_range or b.group.is_range or len(a.group.members) + len(b.group.members) != 2 \
                or a.group.members[0].unit == b.group.members[0].unit \
                or not _AND_JOIN_RE.fullmatch(masked, a.group.end, b.group.start) \
                or not _RESPECTIVELY_AFTER_RE.match(masked, b.group.end):
            continue
        opening = _OPEN_BEFORE_RE.search(masked, max(sentence.start, a.group.start - 160), a.group.start)
        named = _NAMED_LIST_RE.search(masked, max(sentence.start, opening.start() - 120), opening.start()) \
            if opening else None
        parts = _LIST_PART_RE.split(named.group("list")) if named else []
        if len(parts) < 2:
            continue
        # the first quantity starts after the frame that introduces the list ("in terms of both")
        readings = [rules.read_after(" " + _PART_LEAD_RE.sub("", parts[-2])), rules.read_after(" " + parts[-1])]
        if not all(r.metric or r.blocked for r in readings):
            continue
        for claim, reading in zip((a, b), readings):
            claim.blocked, claim.metric, claim.benefit = reading.blocked, reading.metric, reading.benefit
