"""Phrase shapes of dataset names the gazetteer may not know (LABELLING §2).

- A named competition is the whole capitalised phrase before its capitalised head: "System Design
  Contest", "Edge AI Efficiency Competition"; generic words count inside such a title ("System",
  "AI"), a leading determiner does not.
- An acronym that a known name's canonical spells out ("DAC-SDC" for DAC System Design Contest) is the
  same dataset as the written name inside that canonical ("System Design Contest"): the written name
  is kept (§2 prefers the full name as written).
"""

from __future__ import annotations

import re

Token = tuple[int, int, str]

_TITLE_WORD = re.compile(r"(?:[A-Z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*|\d+(?:st|nd|rd|th))\s+$")
_DETERMINERS = frozenset({"The", "A", "An", "Our", "This", "These", "Its", "Their", "In", "On", "At", "For"})


def titled_name_before(text: str, start: int) -> list[Token]:
    """The capitalised words right before `start` (a capitalised "Challenge"/"Contest" head), at most
    six, not across a sentence start, less a leading determiner."""
    words: list[Token] = []
    pos = start
    while len(words) < 6:
        match = _TITLE_WORD.search(text, max(0, pos - 40), pos)
        if match is None:
            break
        word_end = match.start() + len(match.group().rstrip())
        words.insert(0, (match.start(), word_end, text[match.start():word_end]))
        pos = match.start()
        if re.search(r"(?:^|[.!?:;]\s*)$", text[max(0, pos - 3):pos]):
            break  # a sentence starts with this word
    while words and words[0][2] in _DETERMINERS:
        words.pop(0)
    return words


def acronym_of_written(names: list[tuple[str, str]]) -> set[int]:
    """Indexes of names met only as an acronym (name printed, surface written) whose printed name spells
    out a longer name and contains another name the abstract writes out."""
    out = set()
    keys = [re.sub(r"[\s-]+", " ", n).casefold() for n, _ in names]
    for i, (name, surface) in enumerate(names):
        if " " not in name or not _is_acronym(surface):
            continue
        if any(j != i and " " in keys[j] and keys[j] in keys[i] and keys[j] != keys[i] for j in range(len(names))):
            out.add(i)
    return out


def _is_acronym(surface: str) -> bool:
    letters = re.sub(r"[\s\-_]", "", surface)
    return 2 <= len(letters) <= 10 and letters.upper() == letters and " " not in surface.strip()
