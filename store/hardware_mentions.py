"""Whether a paper USES the hardware a `--hardware` / `--hardware-class` filter names, or only names it.

The claims convention (evals/LABELLING.md §3) extracts every processor an abstract names, motivation
and baselines included, which is right for the claims but wrong for a filter a user reads as "papers
on TPUs": "current accelerators such as GPUs and TPUs lack native support for X" names TPUs in a
paper that runs on none. A mention does not count as use when its sentence

- states a shortcoming of that hardware in the background ("lack", "cannot", "suffer", "fail to",
  "underutilize", "do not support") and says nothing of the authors' own work ("we", "our"), or
- puts it after a comparator as the thing compared with ("than commercial GPUs", "over prior
  FPGA-based accelerators", "compare X with ... (an FPGA framework)"); a platform phrase between the
  comparator and the name ("than cuBLAS *on* an A100") is where both ran, so it is use.

A paper with any other mention uses the hardware; a paper whose abstract never writes the stored
name (an extractor's normalised spelling) keeps its claim, so the filter only ever removes papers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.text import COMPARATOR_CUES, split_sentences

_SHORTCOMING = re.compile(
    r"\b(?:lacks?|lacking|cannot|can't|fails?\s+to|suffers?|struggles?|unable|insufficient|ill-suited|"
    r"underutiliz\w*|under-utiliz\w*|do(?:es)?\s+not\s+(?:natively\s+)?(?:support|provide|offer|scale)|"
    r"not\s+(?:well\s+)?suited|inefficien\w*|bottleneck\w*|incurs?)\b", re.I)
_OWN_WORK = re.compile(r"\b(?:we|our|us|this\s+(?:paper|work)|the\s+proposed)\b", re.I)
_COMPARATOR = re.compile(rf"\b(?:{COMPARATOR_CUES})(?=\W)", re.I)
# "than cuBLAS on an A100", "over the baseline when running on a GPU": the platform both ran on
# the comparator's reach ends where a new clause starts: "2.8x faster than DeiT and saves 86.8% GPU
# memory", "... than MnasNet's, at only 216 GPU-hours", "... while reducing GPU hours"
_CLAUSE_END = re.compile(r";|,\s*(?:at|while|which|whereas|with|using|on|in)\b|\b(?:while|whereas|which)\b|"
                         r"\band\s+[a-z]+(?:s|ed)\b")
_PLATFORM = re.compile(r"\b(?:on|using|atop|with)\s+(?:[\w().,-]+\s+){0,3}$", re.I)   # a few words before the name


# "accelerator" (and the catch-all "other") name what a paper builds as often as what it runs on: an
# accelerator design whose abstract says "accelerator" only of its baselines is still one
DESIGN_CLASSES = frozenset({"accelerator", "other"})


def name_rx(names) -> re.Pattern | None:
    """Any of the stored names as written, plural or as a compound's first part ("TPU-hours")."""
    return _names_rx(tuple(names))


@lru_cache(maxsize=4096)
def _names_rx(names: tuple[str, ...]) -> re.Pattern | None:
    # a filter checks every candidate paper: compile each paper's name set once, not once per paper and call
    parts = sorted({re.escape(n.strip()) for n in names if n and n.strip()}, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?:e?s)?(?![\w])", re.I) if parts else None


def names_only(abstract: str, names: list[str]) -> bool:
    """True when the abstract writes the hardware, and every sentence that does only names it
    (background shortcoming or comparison baseline); False when some sentence uses it or none
    writes it."""
    rx = name_rx(names)
    if rx is None or any(name_rx([n]).search(abstract or "") is None for n in names):
        return False    # a name the abstract spells otherwise: its mentions cannot be read, keep the paper
    seen = False
    for sentence in split_sentences(abstract or ""):
        found = list(rx.finditer(sentence))
        seen = seen or bool(found)
        if any(not _background(sentence, m.end()) and not _compared(sentence, m.start()) for m in found):
            return False
    return seen


def _background(sentence: str, after: int) -> bool:
    """The mention is the subject of a shortcoming ("GPUs and TPUs lack native support", "a CPU or
    a GPU incurs ... under-utilization"): the word follows it within a dozen words."""
    if _OWN_WORK.search(sentence):
        return False
    near = " ".join(sentence[after:].split()[:12])
    return bool(_SHORTCOMING.search(near))


def _compared(sentence: str, at: int) -> bool:
    """The mention at `at` is what a comparator in the same sentence compares with."""
    cue = None
    for m in _COMPARATOR.finditer(sentence, 0, at):
        cue = m
    if cue is None:
        return False
    between = sentence[cue.end():at]
    return not _CLAUSE_END.search(between) and not _PLATFORM.search(between)
