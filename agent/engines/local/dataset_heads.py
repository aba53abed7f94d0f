"""A dataset named through a coordination that shares its head words (LABELLING §2 lists every named
dataset): "visual & audio wake words" names Visual Wake Words, "the Penn and Zeta Treebanks" names
Penn Treebank. The first conjunct's modifier plus the shared head is looked up as a known name; the
second conjunct is left to the other rules (it may be no dataset at all)."""

from __future__ import annotations

import re

from agent.engines.local.dataset_names import DatasetGazetteer
from agent.engines.local.gazetteer import alias_key

_CONJUNCTIONS = (" and ", " or ", "&", "/")
_MODIFIER_BEFORE = re.compile(r"([A-Za-z][\w-]*)\s*$")
_SECOND_AND_HEADS = re.compile(r"\s*[A-Za-z][\w-]*\s+([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2})")
_first_words: dict[int, frozenset[str]] = {}


def _multiword_first_words(gazetteer: DatasetGazetteer) -> frozenset[str]:
    """First words of the known multi-word names: only a modifier among them can start one."""
    key = id(gazetteer)
    if key not in _first_words:
        _first_words[key] = frozenset(alias_key(name.split()[0], False) for alias in gazetteer.strong_keys.values()
                                      for name in (alias.written, alias.canonical) if " " in name)
    return _first_words[key]


def shared_head_names(text: str, gazetteer: DatasetGazetteer) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of each known dataset whose head is shared by a coordination."""
    firsts = _multiword_first_words(gazetteer)
    out = []
    for conj in _CONJUNCTIONS:  # str.find per conjunction: a regex tried at every position costs ~10x more
        pos = text.find(conj)
        while pos >= 0:
            # str ops first: the word before the conjunction rarely starts a known multi-word name
            end = pos if conj[0] == " " else len(text[:pos].rstrip())
            if text[text.rfind(" ", 0, end) + 1:end].casefold() in firsts:
                modifier = _MODIFIER_BEFORE.search(text, max(0, pos - 30), pos)
                found = _known_with_head(text, pos + len(conj), modifier.group(1), gazetteer) if modifier else None
                if found:
                    out.append((modifier.start(1), modifier.end(1), found))
            pos = text.find(conj, pos + 1)
    return sorted(out)


def _known_with_head(text: str, after: int, modifier: str, gazetteer: DatasetGazetteer) -> str | None:
    rest = _SECOND_AND_HEADS.match(text, after)
    if rest is None:
        return None
    heads = rest.group(1).split()
    for n in range(len(heads), 0, -1):  # the longest known name first
        phrase = f"{modifier} {' '.join(heads[:n])}"
        known = gazetteer.strong_keys.get(alias_key(phrase, False)) or (
            gazetteer.strong_keys.get(alias_key(phrase[:-1], False)) if phrase.endswith("s") else None)
        if known is not None and " " in known.canonical:
            return known.canonical
    return None
