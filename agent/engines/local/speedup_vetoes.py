"""Words right after a percent or ratio that say it is no efficiency claim (LABELLING §1.1), whatever
quantity the words before it name:

- a share of a peak ("saturates over 54% theoretical compute power", "reaches 70% of peak FLOPS"): a
  utilisation level, a proxy ratio (§1.1.3);
- an amount of data ("with a fraction (<3%) of the original training data", "using 10% of the labelled
  samples"): a dataset size, a configuration number (§1.1);
- the quality it is measured in, named after the number ("by around 1% on ImageNet top-1 accuracy",
  "by 2% in mAP"): a quality metric (§1.1.3), even when the sentence also talks about latency.
"""

from __future__ import annotations

import re

from agent.engines.local import speedup_rules as rules

_SHARE_OF_PEAK_RE = re.compile(
    r"[\s$]*(?:of\s+)?(?:the\s+|its\s+|their\s+)?(?:theoretical|peak|maximum|max\.?|attainable|achievable)\b"
    r"(?!\s+(?:latency|memory|energy|power\s+(?:consumption|draw)|throughput\s+(?:gain|improvement)))", re.I)
_DATA_AMOUNT_RE = re.compile(
    r"[\s$]*\)?\s*of\s+(?:the\s+|its\s+|their\s+)?(?:(?:original|full|whole|entire|available|total)\s+)?"
    r"(?:(?:training|pre-?training|fine-?tuning|labell?ed|unlabell?ed|calibration)\s+)?"
    r"(?:data|dataset|samples|examples|labels|images|annotations)\b", re.I)
# "on ImageNet top-1 accuracy", "in mAP", "on the GLUE score": at most two name words between
_TRAILING_MEASURE_RE = re.compile(
    r"[\s$]*(?:on|in)\s+(?:terms\s+of\s+)?(?:the\s+)?(?:[A-Z0-9][\w.-]*\s+){0,2}(?P<measure>[\w@-]+(?:\s+[\w-]+)?)", re.I)


def veto(masked: str, group_end: int, unit: str) -> str | None:
    """`proxy`, `setup` or `quality` when the words after the number say so, else None."""
    if unit == "%" and _SHARE_OF_PEAK_RE.match(masked, group_end):
        return "proxy"
    if unit == "%" and _DATA_AMOUNT_RE.match(masked, group_end):
        return "setup"
    trailing = _TRAILING_MEASURE_RE.match(masked, group_end)
    if trailing and rules.lexicon().quality.match(trailing.group("measure")):
        return "quality"
    return None
