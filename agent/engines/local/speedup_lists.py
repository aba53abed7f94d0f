"""One list of numbers over one list of quantities, whatever the numbers' units (LABELLING §1.2).

"1.8x, 2.4x and 35% improvements in throughput, TTFT and transfer time, respectively" is one list of
three numbers, but the number grouping splits it where the unit changes ([1.8x, 2.4x] and [35%]), so
no single group has as many numbers as the quantity list has parts and each group read one quantity
for all its numbers. Consecutive groups joined only by list commas/"and" are joined back here and
read as one respectively-list (speedup_coordination.apply_respectively), each number then taking
its own quantity and direction.
"""

from __future__ import annotations

import re
from typing import Any

from agent.engines.local import speedup_coordination as coordination
from agent.engines.local.speedup_items import Claim
from agent.engines.local.speedup_segments import Group

_LIST_JOIN_RE = re.compile(r"[\s$}{\\]*(?:,\s*and|,|and)[\s${\\]*", re.I)


def respective_across_groups(sentence: Any, claims: list) -> None:
    """Give each number of a unit-split list its own quantity (see the module docstring)."""
    if len(claims) < 2 or sum(len(c.group.members) for c in claims) < 3:
        return
    masked = sentence.masked
    k = 0
    while k < len(claims) - 1:
        run = [claims[k]]
        while k + len(run) < len(claims) and not run[-1].group.is_range \
                and not claims[k + len(run)].group.is_range \
                and _LIST_JOIN_RE.fullmatch(masked, run[-1].group.end, claims[k + len(run)].group.start):
            run.append(claims[k + len(run)])
        k += len(run)
        members = [m for c in run for m in c.group.members]
        if len(run) < 2 or len(members) < 3:
            continue
        joined = Claim(Group(members, False, run[0].group.start, run[-1].group.end))
        coordination.apply_respectively(joined, sentence)
        if joined.respective is None or len(joined.respective) != len(members):
            continue
        at = 0
        for claim in run:
            n = len(claim.group.members)
            claim.respective = joined.respective[at:at + n]
            at += n
            if claim.blocked in (None, "unnamed", "quality", "proxy"):
                claim.blocked = None
                claim.metric = next((m for m, _ in claim.respective if m), None)
