"""What a system NEEDS more of (LABELLING §1.1 and §1.3): "X requires 4.5x more iterations".

A need verb with a rise of a cost quantity states how much of the cost someone spends:
- spent by the paper's own method, it is an overhead the method adds: no item (§1.1);
- spent by the baseline ("the baseline requires 4x more GPU resources [than ours]"), it is the
  method's saving of that quantity: a reduction.
A measurement study's finding stays as read (§1.1: a negative finding is an item).
"""

from __future__ import annotations

import re
from typing import Any

from agent.engines.local.speedup_rules import BENEFIT_METRICS

_NEED_RE = re.compile(r"\b(?:requir|need|tak|consum|us|incur|demand|spend)(?:es|s|e|ed|ing)?[\s$]*"
                      r"(?:(?:up\s+to|about|around|nearly|over|more\s+than|at\s+least|roughly|approximately)[\s$]*)?$",
                      re.I)
_BASELINE_SUBJECT_RE = re.compile(
    r"\b(?:baselines?|existing|prior|previous|state[\s-]of[\s-]the[\s-]art|sota|conventional|traditional|"
    r"competing|competitors?|alternatives?|counterparts?|others?)\b", re.I)


def needs_more(claim: Any, before: str, finding: bool) -> None:
    """Block or flip a "needs N x more <cost>" claim (see the module docstring); `before` is the
    claim's own masked words back to the clause boundary."""
    if claim.blocked or claim.direction_word != "rise" or claim.benefit \
            or claim.metric in BENEFIT_METRICS or claim.metric == "speedup":
        return
    verb = _NEED_RE.search(before)
    if verb is None:
        return
    if _BASELINE_SUBJECT_RE.search(before, 0, verb.start()):
        claim.direction_word = "reduction"
    elif not finding:
        claim.blocked = "overhead"
