"""Phrase shapes of dataset names the gazetteer may not know (LABELLING §2).

- A named competition is the whole capitalised phrase before its capitalised head: "System Design
  Contest", "Edge AI Efficiency Competition"; generic words count inside such a title ("System",
  "AI"), a leading determiner does not.
- A result aside inside a list of names ("A (10.8 perplexity) and B (66.5%) datasets") ends no list.
- What a named task is run on is data: "summarization on CNN/DailyMail", "language modeling on X".
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


# "language modeling on WikiText-2", "summarization on CNN/DailyMail and XSum": what a named task is run on
# is its data; the names are read like a list after "datasets such as" (same token checks).
# (read back from each " on ": a literal search, far cheaper than a regex tried at every position)
_TASK_BEFORE = re.compile(
    r"\b(?:classification|detection|segmentation|recognition|tracking|captioning|retrieval|translation|"
    r"summari[sz]ation|answering|modell?ing|spotting|parsing|comprehension|completion|forecasting)"
    r"(?:\s+(?:tasks?|benchmarks?))?$")
_NAME_AFTER_ON = re.compile(r"(?:the\s+)?(?=[A-Z0-9])")


def task_on_positions(text: str) -> list[int]:
    """Where the names after "<task> on" start."""
    out = []
    at = text.find(" on ")
    while at >= 0:
        name = _NAME_AFTER_ON.match(text, at + 4)
        if name is not None and _TASK_BEFORE.search(text, max(0, at - 30), at):
            out.append(name.end())
        at = text.find(" on ", at + 4)
    return out


# A name read after "<task> on" ends where the noun phrase ends, not before a lowercase word of it.
NAME_ENDS = re.compile(r"\s*(?:[,;:.()]|$|(?:and|or|with|to|for|in|at|using|by|from|as|where|while|when|which|"
                       r"that|dataset|datasets|benchmark|benchmarks|corpus|data|tasks?|respectively)\b)")


def aside_start(tokens: list[Token]) -> int | None:
    """Index of the "(" that opens the aside whose ")" was just taken off `tokens` (at most 30 tokens back)."""
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 31), -1):
        if tokens[i][2] in ("(", ")"):
            return i if tokens[i][2] == "(" and i > 0 else None
    return None
