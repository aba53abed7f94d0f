"""Baselines of speedup claims: explicit comparators and their minimal noun phrases (§1.3)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from agent.engines.local.case_folding import folded
from agent.engines.local.speedup_rules import lexicon

_FRONTED_WORD_RE = re.compile(r"^(?:compared|comparing|in\s+comparison|relative|when\s+compared|versus)", re.I)
_CLAUSE_START_RE = re.compile(r"(?:^|[,;:(]|\bthat|\band|\bwhile|\bwhereas)\s*$", re.I)
_NOT_AFTER_RE = re.compile(r"\b(?:rather|other|instead)\s*$", re.I)
_ARTICLE_RE = re.compile(
    r"^(?:(?:with|using|on|in|for)\s+)?(?:even\s+)?(?:the|a|an|those\s+of|that\s+of|its|their)\s+|^even\s+", re.I)
_TRAILING_JOIN_RE = re.compile(r"(?:[\s,]+(?:and|or|as\s+well\s+as))+\s*$", re.I)
_CONJUNCT_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_NAME_TOKEN_RE = re.compile(r"[A-Z0-9$\\^]")
_FUNCTION_WORDS = frozenset("in of on for with by to from at the a an and or as".split())
_CLAIM_CUE_RE = re.compile(r"_|\b(?:speed-?ups?|faster|improvements?|gains?|better|higher|lower|less|fewer|"
                           r"reductions?|savings?|advantage|efficien\w*|throughput|latency|energy)\b", re.I)
_NP_LIMIT = 160
# Subordinate clauses have subjects of their own ("..., where we set SOTA while training 7.2x
# faster than prior work"); a coordinated verb phrase (", and improves X by") shares the subject.
_CLAUSE_BREAK_RE = re.compile(r"[;:]|\b(?:while|whereas)\b(?!\s+\w+ing\b)|\b(?:where|which|although|though)\b", re.I)
_LIST_ITEM = (r"(?!\s*(?:up\s+to\b|\d|\$))"
              r"(?:(?!\s(?:by|on|in|for|with|across|under|at|respectively|and|or|than|compared)\b)[^,;.()]){1,40}")
_LIST_RE = re.compile(rf"(?:,\s*{_LIST_ITEM})*,?\s+(?:and|or)\s+{_LIST_ITEM}"
                      r"(?=\s*(?:,|;|\.|$|\s(?:by|on|in|for|with|across|under|at|respectively)\b))")
_LIST_NUMBER_RE = re.compile(r"\d\s*(?:x|×|%|\\times|\\%)", re.I)


@dataclass(frozen=True, slots=True)
class Comparator:
    start: int  # where the comparator word starts
    np_end: int  # end of the noun phrase in the abstract
    phrase: str  # the minimal noun phrase
    fronted: bool  # "Compared to X, ..." governs the clause that follows it
    weak: bool = False  # "improves the performance of X by"
    quality: bool = False  # attached to a quality claim ("accuracy gain over X"): a last resort


def find_comparators(text: str, masked: str, start: int, end: int) -> list[Comparator]:
    """Comparators of one sentence; those attached to quality claims are flagged, not dropped."""
    lex = lexicon()
    found: list[Comparator] = []
    comparators, lowered = folded(lex.comparators, text)
    quality_before, lowered_masked = folded(lex.quality_before_comparator, masked)
    for match in comparators.finditer(lowered, start, end):
        word = match.group().strip().lower()
        if lex.loose_comparator.match(word) and not _CLAIM_CUE_RE.search(masked, max(start, match.start() - 80),
                                                                          match.start()):
            continue
        if word == "than" and _NOT_AFTER_RE.search(text, max(start, match.start() - 12), match.start()):
            continue
        quality = quality_before.search(lowered_masked, max(start, match.start() - 60), match.start())
        found += _comparator_at(text, (start, end), match.start(), match.end(), weak=False, quality=bool(quality))
    for match in lex.weak_comparator.finditer(text, start, end):
        found += _comparator_at(text, (start, end), match.start(), match.end(), weak=True)
    return sorted(found, key=lambda c: c.start)


def _comparator_at(text: str, sentence: tuple[int, int], start: int, np_start: int, *, weak: bool,
                   quality: bool = False) -> list[Comparator]:
    lex = lexicon()
    limit = sentence[1]
    if lex.not_baseline_start.match(text, np_start):
        return []
    window_end = min(limit, np_start + _NP_LIMIT)
    stop = lex.np_stop.search(text, np_start, window_end)
    np_end = stop.start() if stop else window_end
    np_end = _list_end(text, np_end, window_end)
    phrase = clean_phrase(text[np_start:np_end])
    phrase = _comma_appositive(text, np_end, phrase)
    if not phrase:
        return []
    quality = quality or _quality_follows(text, np_end, limit)
    keyword = text[start:np_start]
    clause_start = _CLAUSE_START_RE.search(text[max(sentence[0], start - 30):start]) is not None
    fronted = not weak and _FRONTED_WORD_RE.match(keyword) is not None and text.startswith(",", np_end) and clause_start
    return [Comparator(start, np_end, phrase, fronted and not quality, weak, quality)]


def _quality_follows(text: str, np_end: int, limit: int) -> bool:
    """ "outperforms SparseGPT by 2.1 perplexity", "than X in accuracy": a comparison of quality."""
    return _quality_tail().match(text, np_end, min(limit, np_end + 60)) is not None


@lru_cache(maxsize=1)
def _quality_tail() -> re.Pattern[str]:
    quality = lexicon().quality.pattern
    return re.compile(rf"\s+(?:by\s+(?:\S+\s+){{0,3}}?|in\s+(?:terms\s+of\s+)?(?:the\s+)?)(?:{quality})", re.I)


def _list_end(text: str, np_end: int, limit: int) -> int:
    """ "outperforms A, B, and C by 2x, 3x, and 4x": a comma that continues a list of names does
    not end the noun phrase. The list must close with "and"/"or" and hold no verb or number."""
    match = _LIST_RE.match(text, np_end, limit)
    if match is None or lexicon().verbs.search(match.group()) or _LIST_NUMBER_RE.search(match.group()):
        return np_end
    return match.end()


def clean_phrase(phrase: str) -> str:
    phrase = _TRAILING_JOIN_RE.sub("", phrase.strip()).rstrip(".,;: ")
    phrase = _ARTICLE_RE.sub("", phrase)
    phrase = lexicon().platform_tail.sub("", phrase)
    if phrase.count("(") != phrase.count(")"):
        phrase = phrase.split("(")[0].strip() if phrase.count("(") > phrase.count(")") else phrase.rstrip(")")
    return phrase.strip()


def _comma_appositive(text: str, np_end: int, phrase: str) -> str:
    """ "the existing outlier-aware accelerator, GOBO" names GOBO."""
    if not text.startswith(",", np_end) or _NAME_TOKEN_RE.search(phrase):
        return phrase
    name = re.match(r",\s*([A-Z][\w$^{}\\-]*(?:\s+[A-Z0-9][\w-]*)?)\s*(?=[,.;)]|$)", text[np_end:np_end + 60])
    if name and lexicon().descriptor_head.search(phrase):
        return name.group(1)
    return phrase


def conjuncts(phrase: str) -> list[str]:
    """ "GPU and CPU implementations" -> ["GPU implementations", "CPU implementations"]."""
    parts = [p for p in _CONJUNCT_SPLIT_RE.split(phrase) if p]
    if len(parts) < 2:
        return [_appositive_name(phrase)]
    head = parts[-1].split()
    if len(head) >= 2 and all(len(p.split()) == 1 for p in parts[:-1]):
        parts = [f"{p} {head[-1]}" for p in parts[:-1]] + [parts[-1]]
    return [_appositive_name(p) for p in parts]


def _appositive_name(conjunct: str) -> str:
    """ "state-of-the-art attention accelerators SpAtten" -> "SpAtten"."""
    words = conjunct.split()
    i = len(words)
    while i > 0 and _NAME_TOKEN_RE.search(words[i - 1]):
        i -= 1
    if 0 < i < len(words) and words[i - 1].lower() not in _FUNCTION_WORDS \
            and not any(_NAME_TOKEN_RE.search(w) for w in words[:i]) \
            and lexicon().descriptor_head.search(words[i - 1]):
        return " ".join(words[i:])
    return conjunct


def distribute(phrase: str | None, count: int) -> list[str | None]:
    """One baseline per coordinated number when the comparator lists exactly as many."""
    if phrase is None:
        return [None] * count
    parts = conjuncts(phrase)
    if count >= 2 and len(parts) == count:
        return list(parts)
    whole = parts[0] if len(parts) == 1 else phrase
    return [whole] * count


class SentenceComparators:
    """A sentence's comparators by kind, sorted by position, for bisect look-ups (a sentence can
    hold thousands of claims in hostile input, so no per-claim scans)."""

    def __init__(self, text: str, comparators: list[Comparator]):
        self.text = text
        self.plain = [c for c in comparators if not (c.weak or c.fronted or c.quality)]
        self.fronted = [c for c in comparators if c.fronted]
        self.weak = [c for c in comparators if c.weak]
        self.quality = [c for c in comparators if c.quality]
        self._starts = {id(kind): [c.start for c in kind]
                        for kind in (self.plain, self.fronted, self.weak, self.quality)}

    def _first_in(self, kind: list[Comparator], lo: int, hi: int) -> Comparator | None:
        i = bisect_left(self._starts[id(kind)], lo)
        return kind[i] if i < len(kind) and kind[i].start < hi else None

    def _last_before(self, kind: list[Comparator], lo: int, hi: int) -> Comparator | None:
        i = bisect_left(self._starts[id(kind)], hi) - 1
        return kind[i] if i >= 0 and kind[i].start >= lo else None

    def pick(self, start: int, end: int, limit: int, pre_start: int) -> Comparator | None:
        """The comparator of the claim at [start, end): its own (after it, before the next claim at
        `limit`, or inside its own words from `pre_start`), else one fronted before it ("Compared to
        X, ..."), else "improves the performance of X by", else any other in the sentence."""
        return (self._first_in(self.plain, end, limit)
                or self._first_in(self.plain, pre_start, start)
                or self._last_before(self.fronted, 0, start)
                or self._last_before(self.weak, pre_start, start)
                or self._last_before(self.plain, 0, start)
                or self._same_clause_after(self.plain, end)
                or self._last_before(self.quality, 0, start)
                or self._same_clause_after(self.quality, end))

    def _same_clause_after(self, kind: list[Comparator], end: int) -> Comparator | None:
        """A comparator after the claim counts only if no new clause starts in between
        ("2.2x, and allows us to train ..., while training 7.2x faster than prior work")."""
        found = self._first_in(kind, end, 1 << 62)
        if found is None or _CLAUSE_BREAK_RE.search(self.text, end, found.start):
            return None
        return found
