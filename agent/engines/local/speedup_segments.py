"""Sentences, masked text and groups of coordinated numbers for the speedup extractor."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from agent.engines.local.speedup_rules import lexicon
from agent.numbers import NumberMention, RangeMention

# Starts with a plain character class so the regex engine can skip quickly to candidates.
_BREAK_RE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*(?=\s+[\"'“(\[{$\\]?[A-Z0-9])"
    # A missing space after the period: "9 FPS.Existing methods" (the character before the
    # period is checked in Python).
    r"|(?<=\.)(?=[A-Z][a-z]{2,})"
    r"|(?<=\n)\s*\n)"
)
_GLUED_BREAK_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%)]")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DOMAIN_RE = re.compile(r"\.(?:com|org|io|net|edu)/", re.IGNORECASE)
# A short parenthesis without a claim in it is an aside ("(SOTA)", "(57GB)", "(30 TPU-hours)")
# and must not cut a phrase in two.
_ASIDE_RE = re.compile(r"\([^()]{0,28}\)")
# The word glued to or right after a bare number is its unit ("28 fps", "8GB", "30 TPU-hours"),
# unless it is a function word ("at batch size 1 and 1.2x").
_UNIT_WORD_RE = re.compile(
    r"[ \t]?(?!(?:and|or|of|on|in|to|at|by|for|with|than|from|the|a|an|as|is|are|while|which|that)\b)[A-Za-z][\w/-]*",
    re.IGNORECASE)
# "$1k" is money, but "$1.7\times$" and "$10^4\times$" are LaTeX math around a ratio.
# "$1k" is money; "$7.3-11.3\%$" or "$2.9\times \sim 12.5\times$" opens LaTeX math, not dollars.
_MONEY_RE = re.compile(r"\$(?![^$]{0,30}?(?:\\%|\\times|\\sim)[^$]{0,12}\$)\d+(?:[.,]\d+)*(?![\d.,])\s?[kKmMbB]?\b"
                       r"(?!\s*(?:\\times|\\%|%|×|\^|x\b))")
_MONEY_WORD_RE = re.compile(r"\b(?:USD\s?\d[\d,.]*|\d[\d,.]*\s?(?:dollars|USD))\b", re.IGNORECASE)
_GLUE_RE = re.compile(r"[\s$]*(?:,|and|,\s*and|&|/)?[\s$+]*", re.IGNORECASE)
_TIMES_RESIDUE_RE = re.compile(r"(?:\\times|[×⨉⨯✕✖]|\$)+")
_WINDOW = 300  # characters a phrase may reach from its number; keeps huge inputs linear


@dataclass(slots=True)
class Group:
    """One claim site: a single number, a range, or numbers coordinated with "and" / commas."""

    members: list[NumberMention]
    is_range: bool
    start: int
    end: int
    pre_start: int = 0
    post_end: int = 0


def sentence_spans(text: str) -> list[tuple[int, int]]:
    abbreviation = lexicon().abbreviations
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK_RE.finditer(text):
        if match.group() == "." and not text[match.end():match.end() + 1].isspace() \
                and (match.start() == 0 or text[match.start() - 1] not in _GLUED_BREAK_BEFORE):
            continue
        if match.group().startswith(".") and abbreviation.search(text, max(0, match.start() - 12), match.start()):
            continue
        end = match.end() if not match.group().isspace() else match.start()
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def url_spans(text: str) -> list[tuple[int, int]]:
    if "/" not in text and "www." not in text:
        return []
    # _URL_RE needs "://" or "www." (no letter outside ASCII lowercases to "w"): most "/" are "CPU/GPU"
    spans = [m.span() for m in _URL_RE.finditer(text)] if "://" in text or "www." in text.lower() else []
    for m in _DOMAIN_RE.finditer(text):  # "github.com/x/y" written without a scheme
        start = m.start()
        while start and (text[start - 1].isalnum() or text[start - 1] in "._-"):
            start -= 1
        end = m.end()
        while end < len(text) and not text[end].isspace():
            end += 1
        spans.append((start, end))
    return sorted(set(spans))


def masked_text(text: str, numbers: list[NumberMention], keep: set[int]) -> str:
    """Same length as `text`; numbers (with their unit words) and claim-free asides blanked.

    `keep` holds the starts of claim candidates: an aside containing one is not blanked.
    """
    spans = [(m.start(), m.end(), "¤") for m in _MONEY_RE.finditer(text)] if "$" in text else []
    if "USD" in text or "dollar" in text:
        spans += [(m.start(), m.end(), "¤") for m in _MONEY_WORD_RE.finditer(text)]
    for number in numbers:
        end = number.end
        if number.unit is None:
            unit_word = _UNIT_WORD_RE.match(text, end)
            end = unit_word.end() if unit_word else end
        elif number.unit == "x":
            # "3.1×\times×": a page that renders the sign twice; the rest is still the number's unit,
            # not the word "times" of a duration
            residue = _TIMES_RESIDUE_RE.match(text, end)
            end = residue.end() if residue else end
        spans.append((number.start, end, "_"))
    masked = _paint(text, spans)
    kept = sorted(keep)
    asides = []
    for m in _ASIDE_RE.finditer(masked):
        i = bisect_left(kept, m.start())
        if i == len(kept) or kept[i] >= m.end():
            asides.append((m.start(), m.end(), "_"))
    return _paint(masked, asides)


def _paint(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each span overwritten by its fill character (earlier spans win overlaps)."""
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end, fill in sorted(spans):
        start = max(start, cursor)
        if start >= end:
            continue
        pieces += [text[cursor:start], fill * (end - start)]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def claim_units(numbers: list[NumberMention], ranges: list[RangeMention]) -> list[Group]:
    """Ranges and single ratio/percent numbers, in text order, as one-unit groups."""
    by_low = {r.low.start: r for r in ranges}
    highs = {r.high.start for r in ranges}
    units: list[Group] = []
    for number in numbers:
        if number.start in highs:
            continue
        found = by_low.get(number.start)
        if found is not None:
            if found.kind == "range":
                units.append(Group([found.low, found.high], True, found.start, found.end))
        elif number.unit is not None:
            units.append(Group([number], False, number.start, number.end))
    return units


def coordinate(text: str, units: list[Group]) -> list[Group]:
    """Merge single numbers joined only by "and"/commas: "$161\\times$ and $8.4\\times$ speedup"."""
    groups: list[Group] = []
    for unit in units:
        last = groups[-1] if groups else None
        if (last is not None and not last.is_range and not unit.is_range
                and last.members[-1].unit == unit.members[0].unit
                and _GLUE_RE.fullmatch(text, last.end, unit.start)):
            last.members.extend(unit.members)
            last.end = unit.end
        else:
            groups.append(Group(list(unit.members), unit.is_range, unit.start, unit.end))
    return groups


_OPEN_BEFORE_RE = re.compile(r"\(\s*\$?\s*$")
_NOUN_AFTER_RE = re.compile(r"\s+(?!(?:of|and|or|in|on|for|to|with|at|by|from|than|over|compared|which|that|while|"
                            r"is|are|was|were|as)\b)[a-z][\w-]*")


_ABSOLUTE_ALTERNATIVE_RE = re.compile(r"or\s+_+(?:\s_+)?\s+(?=[a-z])", re.IGNORECASE)


def phrase_after(masked: str, group: Group, limit: int) -> tuple[int, int]:
    """The claim's own words after the number, up to the first clause-level stop."""
    end = min(limit, group.end + _WINDOW)
    stop = lexicon().post_stop.search(masked, group.end, end)
    if stop and stop.group() == "or" and (alternative := _ABSOLUTE_ALTERNATIVE_RE.match(masked, stop.start())):
        # "71.1% or 617 ms lower TTFT": the same gain said again as an absolute figure (masked); the
        # quantity named after it is the claim's own
        stop = lexicon().post_stop.search(masked, alternative.end(), end)
    if stop and stop.group() == ")" and _OPEN_BEFORE_RE.search(masked, max(0, group.start - 3), group.start) \
            and _NOUN_AFTER_RE.match(masked, stop.end()) \
            and not lexicon().post_stop.match(masked, stop.end() + 1):
        # "a (2.2x) throughput gain": a number in parentheses inside a noun phrase modifies what follows
        stop = lexicon().post_stop.search(masked, stop.end(), end)
    return group.end, stop.start() if stop else end


def phrase_before(masked: str, group: Group, floor: int) -> tuple[int, int]:
    """The claim's own words before the number, back to the last clause-level stop."""
    begin = max(floor, group.start - _WINDOW)
    last = None
    for last in lexicon().pre_stop.finditer(masked, begin, group.start):
        pass
    return (last.end() if last else begin), group.start


def in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `position` lies in one of the sorted, non-overlapping `spans`."""
    i = bisect_left(spans, (position + 1,)) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]
