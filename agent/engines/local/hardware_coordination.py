"""Lexicon terms named through a coordination (LABELLING §3: every term written counts): a head noun
shared by coordinated modifiers ("edge or mobile devices", "edge, mobile, and IoT platforms") and a
modifier shared by coordinated terms ("mobile CPU/GPU")."""

from __future__ import annotations

import re

from agent.engines.local.gazetteer import Hit, SpanSet, literal_starts
from agent.engines.local.hardware_lexicon import ClassTerm, HardwareGazetteer

_COORDINATED_MODIFIER = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s*(?:,|,?\s*and|,?\s*or|/|and/or)\s*$")


def shared_head_terms(text: str, gazetteer: HardwareGazetteer, hits: list[Hit[ClassTerm]]) -> list[Hit[ClassTerm]]:
    """'edge or mobile devices' also names edge devices: the modifier before 'or' shares the head."""
    extra = []
    for hit in hits:
        if " " not in hit.surface:
            continue
        modifier = _COORDINATED_MODIFIER.search(text, max(0, hit.start - 40), hit.start)
        if modifier is None:
            continue
        for start, end in _earlier_conjuncts(text, modifier.start(1), modifier.span(1)):
            surface = f"{text[start:end]} {hit.surface.split()[-1]}"
            term = gazetteer.class_terms.lookup(surface)
            if term is not None:
                extra.append(Hit(start, end, surface, term))
    return extra


# Found from the head noun backwards: scanning every word for a coordination would cost more.
_DISTRIBUTABLE_HEAD = re.compile(r"(?:platforms?|devices?|processors?|systems?|boards?|hardware)(?![\w-])",
                                 re.IGNORECASE)
_DISTRIBUTABLE_LITERALS = ["platform", "device", "processor", "system", "board", "hardware"]
_COORDINATED_BEFORE = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s*(?:,|,?\s*or|,?\s*and|/|and/or)\s+"
                                 r"(?:[A-Za-z][\w-]*\s+)?$", re.IGNORECASE)


def distributed_heads(text: str, lowered: str, gazetteer: HardwareGazetteer,
                       hits: list[Hit[ClassTerm]]) -> list[Hit[ClassTerm]]:
    """'as mobile or server platforms' names a mobile platform: the head after the second conjunct
    distributes to the first modifier, even when the second pair is no lexicon term."""
    if " or " not in text and " and " not in text and "/" not in text:
        return []
    taken = SpanSet((h.start, h.end) for h in hits)
    extra = []
    for start in literal_starts(lowered, _DISTRIBUTABLE_LITERALS):
        head = _DISTRIBUTABLE_HEAD.match(text, start) if start and text[start - 1].isspace() else None
        if head is None:
            continue
        match = _COORDINATED_BEFORE.search(text, max(0, head.start() - 60), head.start())
        if match is None:
            continue
        for start, end in _earlier_conjuncts(text, match.start(1), (match.start(1), match.end(1))):
            surface = f"{text[start:end]} {head.group()}"
            term = gazetteer.class_terms.lookup(surface)
            if term is not None and not taken.overlaps(start, end):
                extra.append(Hit(start, end, surface, term))
    return extra


_EARLIER_CONJUNCT = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s*,\s*$")


def _earlier_conjuncts(text: str, pos: int, first: tuple[int, int]) -> list[tuple[int, int]]:
    """'edge, mobile, and IoT platforms': the modifiers of a comma list before the last conjunct, from
    the one next to it backwards (at most four: a list of modifiers is short)."""
    out = [first]
    while len(out) < 5 and (match := _EARLIER_CONJUNCT.search(text, max(0, pos - 30), pos)) is not None:
        out.append(match.span(1))
        pos = match.start(1)
    return out


_LEADING_MODIFIER = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s+$")
_SLASH_OR_AND = re.compile(r"\s*(?:/|and|or|&)\s*")


def shared_modifier_terms(text: str, gazetteer: HardwareGazetteer, hits: list[Hit[ClassTerm]]) -> list[Hit[ClassTerm]]:
    """'mobile CPU/GPU' also names a mobile GPU: a modifier before the first term of a pair
    distributes to the second when the pair reads as a lexicon term."""
    out = list(hits)
    for i, (first, second) in enumerate(zip(hits, hits[1:])):
        if " " in first.surface or not _SLASH_OR_AND.fullmatch(text, first.end, second.start):
            continue
        modifier = _LEADING_MODIFIER.search(text, max(0, first.start - 30), first.start)
        term = gazetteer.class_terms.lookup(f"{modifier.group(1)} {second.surface}") if modifier else None
        if term is not None and term.name != second.payload.name:
            out[i + 1] = Hit(second.start, second.end, second.surface, term)
    return out
