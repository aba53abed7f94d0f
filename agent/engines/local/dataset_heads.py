"""A dataset named through a coordination that shares its head words (LABELLING §2 lists every named
dataset): "visual & audio wake words" names Visual Wake Words, "the Penn and Zeta Treebanks" names
Penn Treebank. The first conjunct's modifier plus the shared head is looked up as a known name; the
second conjunct is left to the other rules (it may be no dataset at all)."""

from __future__ import annotations

import re

from agent.engines.local.dataset_names import DatasetGazetteer
from agent.engines.local.gazetteer import alias_key

# modifier, conjunction, second modifier, then up to three head words; only where a conjunction is
_SHARED_HEAD = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s*(?:&|/|\band\b|\bor\b)\s*[A-Za-z][\w-]*\s+"
                          r"([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2})")


def shared_head_names(text: str, gazetteer: DatasetGazetteer) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of each known dataset whose head is shared by a coordination."""
    if "&" not in text and "/" not in text and " and " not in text and " or " not in text:
        return []
    out = []
    for match in _SHARED_HEAD.finditer(text):
        modifier, heads = match.group(1), match.group(2).split()
        for n in range(len(heads), 0, -1):  # the longest known name first
            phrase = f"{modifier} {' '.join(heads[:n])}"
            known = gazetteer.strong_keys.get(alias_key(phrase, False)) or (
                gazetteer.strong_keys.get(alias_key(phrase[:-1], False)) if phrase.endswith("s") else None)
            if known is not None and " " in known.canonical:
                out.append((match.start(1), match.end(1), known.canonical))
                break
    return out
