"""Two coordinated number lists, each with its own head noun (LABELLING §1.2, one item per number).

"an average speedup of A, B, C and D, E, F energy savings": the number grouping joins every number
glued by commas or "and" into one list, so all six would share one quantity. English marks the end of
a list with its last "and"; an "and" followed by more comma-joined numbers closes the FIRST list and
starts a second one. Each list then reads its own quantity: the first from the words before it
("speedup of"), the second from the words after it ("energy savings").
"""

from __future__ import annotations

import re

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
