"""A dataset the abstract names by a full name and an acronym it defines (LABELLING §2: "when an abstract
gives both a full name and an acronym, use the full name"), for names the gazetteer does not know.

"the Zorbic Reasoning Benchmark (ZRB)": the capitalised words before "(ZRB)" whose initials spell its
capitals are its full name. The head word stays when the acronym spells it too ("Benchmark" is the B of
ZRB, as in "Open Graph Benchmark (OGB)"); a lowercase "dataset" after the parenthesis is no part of it.
The full name is a dataset when it ends in a capitalised dataset head (Benchmark, Dataset, Corpus,
Suite, ...) or when the acronym or the words were already read as a dataset; every later mention of
the acronym is then the same dataset.
"""

from __future__ import annotations

import re

from agent.engines.local.dataset_phrases import TASK_HEAD
from agent.engines.local.dataset_tokens import acronym_capitals, capital_initials

_PAREN_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&-]{1,11})\s*\)")
_WINDOW_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_METHOD_AFTER = re.compile(r"\s+(?:module|model|network|layer|method|framework|architecture|algorithm|mechanism|"
                           r"system|unit|block|approach|technique|scheme|problem)s?\b")
_JOINERS = frozenset({"of", "for", "on", "in", "and", "the", "to", "a"})
_DATA_HEAD = re.compile(r"(?:Data\s?sets?|Benchmarks?|Corpus|Corpora|Suites?|Bank|Treebank|Arena|"
                        r"Challenge|Database|Leaderboard)")


def _expansion(text: str, paren_start: int, capitals: str) -> tuple[int, list[str]] | None:
    """Start and words of the capitalised phrase right before paren_start whose initials are `capitals`."""
    base = max(0, paren_start - 120)
    found = [(m.start() + base, m.group()) for m in _WINDOW_WORD.finditer(text[base:paren_start])]
    words: list[tuple[int, str]] = []
    end = paren_start
    for start, word in reversed(found[-10:]):
        if text[start + len(word):end].strip() or not word[0].isupper() and word not in _JOINERS:
            break  # punctuation between the words, or a lowercase word
        words.insert(0, (start, word))
        end = start
        if word[0].isupper() and capital_initials([w for _, w in words]) == capitals:
            return start, [w for _, w in words]
    return None


def spelled_out_datasets(text: str, identities: dict[str, tuple[int, int]], known: set[str],
                         key) -> dict[str, tuple[int, int, str]]:
    """acronym key -> (start, end, full name) for acronyms defined right after their full name, when the
    name is a dataset: a capitalised dataset head, or the acronym (`identities`: kept mention keys and
    spans) or a kept mention inside the words already read as one. Acronyms in `known` are skipped."""
    out: dict[str, tuple[int, int, str]] = {}
    for paren in _PAREN_ACRONYM.finditer(text):
        acronym = paren.group(1)
        capitals = acronym_capitals(acronym)
        if len(capitals) < 2:
            continue
        acronym_key = key(acronym)
        if acronym_key in known or acronym_key in out:
            continue
        if not _may_name_data(text, paren.start(), acronym_key, identities):
            continue
        found = _expansion(text, paren.start(), capitals)
        if found is None:
            continue
        start, words = found
        end = _end_of(text, paren.start())
        heads = _DATA_HEAD.fullmatch(words[-1]) is not None
        inside = any(start <= s and e <= end for s, e in identities.values())
        if TASK_HEAD.fullmatch(words[-1]) and not heads or _METHOD_AFTER.match(text, paren.end()):
            continue  # "Relation Extraction (RE)": a task; "the Text Embedding Bank (TEB) module": a method
        if heads or acronym_key in identities or inside:
            out[acronym_key] = (start, end, " ".join(text[start:end].split()))
    return out


def _may_name_data(text: str, paren_start: int, acronym_key: str, identities: dict[str, tuple[int, int]]) -> bool:
    """Cheap test before reading the words: a dataset head right before the parenthesis, the acronym
    already read as a dataset, or a dataset mention ending in the 120 characters before it."""
    last = text[max(0, paren_start - 14):paren_start].split()[-1:]
    return (bool(last) and _DATA_HEAD.fullmatch(last[0]) is not None) or acronym_key in identities or any(
        paren_start - 120 <= e <= paren_start for _, e in identities.values())


def _end_of(text: str, paren_start: int) -> int:
    end = paren_start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end
