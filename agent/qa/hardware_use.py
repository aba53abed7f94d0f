"""Whether a paper USES the hardware a set question asks for, or only names it as a baseline.

"We compare X with A, B and ESE (a representative FPGA framework)" names FPGAs, but the paper runs
on none: a mention after a comparator ("compare ... with", "than", "over", "against", "outperforms")
in the same sentence describes what the paper is compared with. A paper with any other mention of
the hardware ("implemented on a ZCU104 FPGA, ... than a comparable FPGA baseline") uses it.
"""

from __future__ import annotations

import re

from core.text import COMPARATOR_CUES

# plus "beats X", which the store's hardware filter does not read as a comparison (each kept as it was)
_COMPARATOR = re.compile(rf"\b(?:{COMPARATOR_CUES}|beat\w*)(?=\W)", re.I)
# "... over the GPU baseline when running on an FPGA": a use verb after the comparator ends its reach
_USE_AGAIN = re.compile(r"\b(?:running|runs?|deployed|implemented|executed|evaluated|measured|tested|prototyped|"
                        r"mapped|synthesi[sz]ed)\s+(?:it\s+|them\s+)?on\b", re.I)


def users(matches: list, facets: list) -> list:
    """The set's members (ClaimMatches) that use the hardware facets' hardware, not only compare with it."""
    hardware = [f for f in facets if f.kind in ("hardware", "hardware_class")]
    return [m for m in matches if not any(compared_only(f, m.source.abstract) for f in hardware)]


def compared_only(facet, abstract: str) -> bool:
    """Every mention of the facet's hardware (a class such as `fpga`, or a product name part) sits
    in a comparison's baseline; False when the abstract never names it (the facet came from the
    claims table: keep the paper)."""
    from core.text import split_sentences

    seen = False
    for sentence in split_sentences(abstract or ""):
        cue = _COMPARATOR.search(sentence)
        own = sentence[:cue.start()] if cue else sentence
        if cue:
            again = _USE_AGAIN.search(sentence, cue.end())
            if again:
                own += " " + sentence[again.start():]
        if _names(facet, own):
            return False
        seen = seen or (cue is not None and _names(facet, sentence[cue.start():]))
    return seen


def _names(facet, text: str) -> bool:
    from agent.engines.local.entities import extract_hardware

    if not text.strip():
        return False
    found = extract_hardware(text)
    if facet.kind == "hardware_class":
        return any(h.hw_class == facet.value for h in found)
    return any(facet.value.lower() in h.name.lower() for h in found)
