"""Text basics shared by every layer: the one sentence splitter for abstracts.

The TL;DR, topic tagger and QA answers cut abstracts into sentences here. Two places keep their own,
purpose-built boundaries on purpose: `store/chunking.py` (chunk boundaries; changing them re-embeds
the index) and `agent/engines/local/speedup_segments.py` (character spans for evidence offsets).
"""

from __future__ import annotations

import re

_ABBREV = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Figs.", "Eq.", "Sec.",
           "approx.", "resp.", "w.r.t.", "a.k.a.", "No.", "Dr.", "Inc.")
# A sentence ends at .!? + space + an opening character (including names like "vTensor"), or at
# a glued "9 FPS.Existing" that the seed pages contain.
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[$A-Z0-9]|[a-z]+[A-Z])|(?<=[A-Za-z]{2}[.!?])(?=[A-Z][a-z])")


def split_sentences(text: str) -> list[str]:
    """Split an abstract into sentences, protecting abbreviations like "e.g." and "et al."."""
    used = [(i, abbr) for i, abbr in enumerate(_ABBREV) if abbr in text]
    for i, abbr in used:
        text = text.replace(abbr, f"\x00{i}\x00")
    out = []
    for part in _SPLIT.split(text):
        if part and part.strip():
            for i, abbr in used:
                part = part.replace(f"\x00{i}\x00", abbr)
            out.append(part.strip())
    return out
