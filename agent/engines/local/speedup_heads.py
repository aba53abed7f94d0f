"""Which word of a compound names a claim's quantity (LABELLING §1.3): its head noun.

English compounds are head-final: "KV cache computation" is a computation (compute), not a memory,
although the memory rule comes first in the §1.3 table. Two kinds of head defer to their modifiers:
generic heads that say how a quantity changed or where it sits, not which one ("energy cost",
"memory efficiency", "parameter storage"), and heads modified by a process whose time or cost the
convention names after the process ("training compute" stays training time, rules 4-5). Then the
first §1.3 rule that matches in the compound decides, as before. Works on speedup_rules.Cue values.
"""

from __future__ import annotations

from typing import Any, Callable

GENERIC_HEADS = frozenset({"speedup", "cost", "storage"})
_PROCESS_METRICS = frozenset({"training time", "search cost"})
# A time or speed head is the time of the process that modifies it: "end-to-end training runtime",
# "on-device training latency" are training time (rule 4), although "latency" ranks first in §1.3.
TIME_HEADS = frozenset({"latency", "speedup"})


def compound_metric(compound: list[Any], head: Any) -> Any:
    """The cue that names the quantity of one compound whose last (head) cue is `head`."""
    processes = [c for c in compound if c is not head and c.label in _PROCESS_METRICS]
    if not processes:
        return head if head.label not in GENERIC_HEADS else min(compound, key=lambda c: c.rank)
    if head.label in TIME_HEADS:
        return processes[-1]
    return min(compound, key=lambda c: c.rank)


def head_of_one_compound(metric_cues: list[Any], head: Any, same_compound: Callable[[Any, Any], bool]) -> bool:
    """Whether the words after a number form ONE compound whose head names the quantity ("30% KV
    cache computation"); a phrase of several ("ratio of the KV cache size") keeps the rule order."""
    return head.label not in GENERIC_HEADS and all(same_compound(c, head) for c in metric_cues) \
        and compound_metric(metric_cues, head) is head
