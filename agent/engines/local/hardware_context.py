"""The words around a hardware mention: its sentence, and the class (LABELLING §3) its cue words
point to when its own name and head noun do not tell ("GAP9, an ultra-low-power MCU-class device")."""

from __future__ import annotations

import re
from collections import Counter

# Words around a product that tell its class when its head noun does not (LABELLING §3 classes):
# "GAP9, an ultra-low-power MCU-class device", "the X5 runs Android".
_CLASS_CUES = {
    "edge": r"mcus?|microcontrollers?|embedded|iot|edge|tinyml|tiny|ultra-low-power|low-power|milliwatts?|mw|"
            r"battery|wearables?|drones?|risc-v|sbc|single-board",
    "mobile": r"phones?|smartphones?|mobile|android|ios|handsets?",
    "fpga": r"fpgas?|luts?|brams?|hls|bitstream|programmable logic|vivado",
    "accelerator": r"neuromorphic|npus?|vpus?|accelerators?|spiking|asics?",
    "gpu": r"gpus?|cuda|graphics",
    "cpu": r"cpus?|x86|server processors?|multi-core|cores",
    "datacenter": r"supercomputers?|clusters?|datacenters?|data centers?|nodes",
}
CUE_WORDS = {cls: re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE) for cls, words in _CLASS_CUES.items()}


def sentence(text: str, start: int, end: int, reach: int = 400) -> str:
    """The sentence (or clause after ';') around a mention, looked for within `reach` characters."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    left = max(text.rfind(". ", lo, start), text.rfind("; ", lo, start), lo - 1)
    right = min((i for i in (text.find(". ", end, hi), text.find("; ", end, hi)) if i >= 0), default=hi)
    return text[left + 1:right]


def cued_class(context: str, usual: str | None = None) -> str | None:
    """The class most cue words of the mention's sentence point to, the vendor's usual class counting
    as one more cue; None on no cue or a tie."""
    counts = Counter({cls: len(cue.findall(context)) for cls, cue in CUE_WORDS.items()})
    if usual:
        counts[usual] += 1
    ranked = [(cls, n) for cls, n in counts.most_common(2) if n]
    if not ranked or len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
