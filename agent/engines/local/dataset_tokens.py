"""Shared pieces of the dataset reader: a found mention, and whether a token can be part of a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.engines.local.dataset_names import DatasetGazetteer
from agent.engines.local.hardware_lexicon import hardware_gazetteer


@dataclass
class Mention:
    start: int
    end: int
    name: str
    identity: str
    long_form: bool = False


# Numbers, units and numeric compounds ("30", "8-bit", "3D-zoom") are never a dataset name.
_NUMERIC = re.compile(r"[\d.,]+[a-zA-Z%]{0,2}|[\d.,]+[A-Za-z]{0,2}-[a-z][\w-]*|\d[dD]-[a-z][\w-]*|\d+(?:st|nd|rd|th)")


def is_name_token(token: str, gazetteer: DatasetGazetteer) -> bool:
    if len(token) < 2 or token.startswith("(") or token.casefold() in gazetteer.generic or _NUMERIC.fullmatch(token):
        return False
    if not any(c.isupper() or c.isdigit() for c in token):
        return False
    return not gazetteer.blocked.match(token)


def is_hardware_name(name: str) -> bool:
    hardware = hardware_gazetteer()
    # "Raspberry Pi-4": a product with its variant written on is still that product
    head = _VARIANT_END.sub("", name)
    # "STM32L4", "Xeon6248R": a family written with its model number run on
    heads = [name[:m.start() + 1] for m in _DIGIT_THEN_LETTER.finditer(name)] if _DIGIT_THEN_LETTER.search(name) else []
    return any(index.lookup(n) is not None for index in (hardware.products, hardware.families)
               for n in ((name, head, *heads) if head != name else (name, *heads)))


_DIGIT_THEN_LETTER = re.compile(r"\d(?=[A-Za-z])")
_VARIANT_END = re.compile(r"[-\s]\d+[A-Za-z]?$")


# One initials reader for every acronym check of the dataset modules (a method's spelled-out acronym in
# dataset_senses, a task's in dataset_phrases, a dataset's full name in dataset_acronyms): an acronym's
# capitals are matched against the first letters of the capitalised words and hyphen parts before it.
_WORD_PARTS = re.compile(r"[\s-]+")


def capital_initials(words: list[str]) -> str:
    """'Grouped-Query Attention' -> 'GQA', 'Mixture of Experts' -> 'ME', 'Real-world Vision' -> 'RV'."""
    return "".join(part[0] for word in words for part in _WORD_PARTS.split(word) if part[:1].isupper())


def acronym_capitals(acronym: str) -> str:
    """'MoE' -> 'ME': an acronym's lowercase letters are no initials."""
    return "".join(c for c in acronym if c.isupper())


def spells_acronym(words: list[str], acronym: str, whole: bool = False) -> bool:
    """Whether the capitalised words spell the acronym's capitals (at least two), ending with them (a
    leading describing word may stand before: "Sparse Mixture of Experts (MoE)"), or exactly (`whole`)."""
    capitals = acronym_capitals(acronym)
    initials = capital_initials(words)
    return len(capitals) >= 2 and (initials == capitals if whole else initials.endswith(capitals))
