"""Alias matching for the dataset and hardware gazetteers (agent/data/datasets.yaml, hardware.yaml).

Every alias list is compiled once into a trie-shaped regex, so a whole abstract is scanned in one
pass of the C regex engine whatever the gazetteer size. Authors write the same name many ways
("WikiText-103", "Wikitext 103", "WikiText103", "2080Ti", "RTX 2080 Ti"), so an alias matches with
or without a separator at each separator point, and at letter/digit seams where a separator is
common. The surface found is mapped back to its entry through a separator-free key.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Iterator, Protocol, Sequence, TypeVar

import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

_SEPARATORS = " \t\n-_'\u2019\u2010\u2011\u2013"
_SEP_CHAR = r"[\s\-_'\u2019\u2010\u2011\u2013]"
_SEP_STRIP = re.compile(r"[\s\-_'\u2019\u2010\u2011\u2013]+")
_MARK = "\x00"  # optional-separator point inside a trie key
_RUNS = re.compile(r"[A-Za-z]+|[0-9]+|[\s\-_'\u2019\u2010\u2011\u2013]+|.", re.S)

# Lowercases ASCII letters only, so a lowered copy keeps every offset of the original text.
ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})

T = TypeVar("T")


@lru_cache(maxsize=2)
def ascii_lowered(text: str) -> str:
    """text.translate(ASCII_LOWER), kept for the next caller: the dataset and hardware extractors
    read the same abstract one after the other (two entries: no gain across abstracts)."""
    return text.translate(ASCII_LOWER)


def alias_key(surface: str, exact_case: bool) -> str:
    """Separator-free lookup key: 'MS-COCO', 'MS COCO' and 'MSCOCO' share one key."""
    key = _SEP_STRIP.sub("", surface)
    return key if exact_case else key.casefold()


def _seam_allows_separator(left: str, right: str) -> bool:
    # "CIFAR10"/"CIFAR-10", "2080Ti"/"2080 Ti"; but not "A100" ("a 100x faster") or "text8" ("text 8").
    if left.isalpha() and right.isdigit():
        return len(left) >= 2 and any(c.isupper() for c in left)
    if left.isdigit() and right.isalpha():
        return len(right) >= 2 and right[0].isupper()
    return False


def _flexible_form(alias: str) -> str:
    """The alias with _MARK at every point where a separator may or may not be written."""
    out: list[str] = []
    previous = ""
    for run in _RUNS.findall(alias):
        if run[0] in _SEPARATORS:
            if out and out[-1] != _MARK:
                out.append(_MARK)
            previous = ""
            continue
        if previous and _seam_allows_separator(previous, run):
            out.append(_MARK)
        out.append(run)
        previous = run
    return "".join(out).strip(_MARK)


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for char, child in b.items():
        out[char] = _merged(out[char], child) if char in out else child
    return out


_ESCAPED: dict[str, str] = {}


def _escape(char: str) -> str:
    """re.escape of one trie character, memoised (the tries are built at start-up: ~30k characters)."""
    escaped = _ESCAPED.get(char)
    if escaped is None:
        escaped = _ESCAPED[char] = re.escape(char)
    return escaped


def _emit(node: dict[str, Any]) -> str:
    """Regex for a trie node; a chain of single-child nodes is written out in a loop (the same string as
    the recursion below gives, without a call per character)."""
    chain: list[str] = []
    while len(node) == 1:
        char, child = next(iter(node.items()))
        if char in ("", _MARK):
            break
        chain.append(_escape(char))
        node = child
    return "".join(chain) + _emit_node(node) if chain else _emit_node(node)


def _emit_node(node: dict[str, Any]) -> str:
    """Regex for a trie node. An optional-separator point is emitted as two branches that never
    compete at zero width: a written separator, or no separator with the marked subtree merged into
    the literal children. Every branch then starts with a different character, so greedy matching
    returns the longest alias ("HumanEval+" is not cut to "HumanEval" by the "Human Eval" path)."""
    marked = node.get(_MARK)
    literal = {k: v for k, v in node.items() if k not in ("", _MARK)}
    if marked is not None:
        literal = _merged(literal, marked)
    branches = [_SEP_CHAR + _emit(marked)] if marked is not None else []
    branches += [_escape(char) + _emit(child) for char, child in sorted(literal.items())]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy optional group: the engine tries the longer alias first and backtracks to the shorter.
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class Hit(Generic[T]):
    start: int
    end: int
    surface: str
    payload: T


class AliasIndex(Generic[T]):
    """Leftmost-longest, non-overlapping matches of many aliases, each carrying a payload."""

    def __init__(self, aliases: Iterable[tuple[str, T, bool]], plural_s: bool = False,
                 trailing_boundary: bool = True, same_entry: Callable[[T, T], bool] | None = None):
        """`same_entry` tells whether two payloads sharing a key ("TPUv4", "TPU v4") are one entry;
        the first payload listed for a key is kept, and a key claimed by two entries is an error."""
        self._payloads: dict[tuple[bool, str], T] = {}
        forms: set[str] = set()
        for alias, payload, exact_case in aliases:
            key = (exact_case, alias_key(alias, exact_case))
            known = self._payloads.setdefault(key, payload)
            if known is not payload and not (same_entry or (lambda a, b: a == b))(known, payload):
                raise ValueError(f"alias {alias!r} is claimed by two entries")
            forms.add(_flexible_form(alias).translate(ASCII_LOWER))
        # A plural "s" (A100s, GPUs) is lowercase even when the alias is matched case-insensitively.
        tail = "s?" if plural_s else ""
        # Without the trailing boundary a family name can take a glued model number ("STM32F746").
        boundary = r"(?![A-Za-z0-9])" if trailing_boundary else ""
        self._plural_s = plural_s
        # One case-sensitive pass over an ASCII-lowercased copy of the text (same length, so offsets
        # carry over) is about twice as fast as re.IGNORECASE; exact-case aliases are then checked
        # against the original surface in `lookup`. An alias starts only after a non-alphanumeric
        # character (the text is padded with a space): a pattern that opens with that character
        # class lets the regex engine skip through the letters inside words in C instead of trying
        # the whole pattern at every position, and the one-character test of the aliases' first
        # letters rejects most word starts before the trie is tried.
        firsts = "".join(sorted({form[0] for form in forms}))
        self._pattern = re.compile(rf"[^A-Za-z0-9](?=[{re.escape(firsts)}])"
                                   rf"(?=((?:{_trie_regex(sorted(forms))}){tail}{boundary}))")

    def lookup(self, surface: str) -> T | None:
        for candidate in (surface, surface[:-1]) if self._plural_s and surface.endswith("s") else (surface,):
            for exact in (True, False):
                payload = self._payloads.get((exact, alias_key(candidate, exact)))
                if payload is not None:
                    return payload
        return None

    def find(self, text: str, lowered: str | None = None) -> list[Hit[T]]:
        """Hits in text order; `lowered` is text.translate(ASCII_LOWER) if the caller has it."""
        hits: list[Hit[T]] = []
        padded = " " + (lowered if lowered is not None else text.translate(ASCII_LOWER))
        taken = 0  # matches do not overlap: the next one starts at or after the previous end
        for match in self._pattern.finditer(padded):
            start, end = match.start(1) - 1, match.end(1) - 1
            if start < taken:
                continue
            taken = end
            surface = text[start:end]
            payload = self.lookup(surface)
            if payload is not None:
                hits.append(Hit(start, end, surface, payload))
        return hits


class SpanSet:
    """Spans (possibly overlapping) with O(log n) overlap queries, so 1 MB inputs stay linear."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._max_end = list(accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect_left(self._starts, end)
        return before_end > 0 and self._max_end[before_end - 1] > start


class Span(Protocol):
    start: int
    end: int


def literal_starts(lowered: str, literals: list[str]) -> list[int]:
    """Sorted positions where any of the lowercase literals occurs in the lowercased text: a few plain
    substring searches cost much less than a regex alternation tried at every position."""
    found = set()
    for literal in literals:
        i = lowered.find(literal)
        while i >= 0:
            found.add(i)
            i = lowered.find(literal, i + 1)
    return sorted(found)


def matches_at_literals(pattern: re.Pattern[str], lowered: str, literals: Sequence[str]) -> Iterator[re.Match[str]]:
    """pattern.finditer(lowered), for a pattern whose every match is non-empty and starts with one of
    the lowercase `literals`: tried only where one of them is written, not at every position (a
    pattern that opens with a look-behind gives the regex engine no first character to skip to)."""
    taken = 0
    for start in literal_starts(lowered, literals):
        if start >= taken and (match := pattern.match(lowered, start)) is not None:
            yield match
            taken = match.end()


def spread_through_lists(text: str, ordered: Sequence[Span], confirmed: set[int], gap: re.Pattern[str]) -> None:
    """Confirm (by id) items written in a list with a confirmed neighbour ("Cora, Citeseer and PubMed",
    "A100, RTX 6000, 4090"): `gap` must match the whole text between two neighbours."""
    changed = True
    while changed:
        changed = False
        for sequence in (ordered, ordered[::-1]):
            for previous, item in zip(sequence, sequence[1:]):
                left, right = (previous, item) if previous.end <= item.start else (item, previous)
                if (id(previous) in confirmed and id(item) not in confirmed and left.end <= right.start
                        and gap.fullmatch(text, left.end, right.start)):
                    confirmed.add(id(item))
                    changed = True


def parse_alias(raw: str) -> tuple[str, bool, bool]:
    """(alias, exact_case, flagged) from a gazetteer alias with its optional '=' / '~' prefix.

    Short letter-only aliases (GLUE, MATH, Cora) and flagged common words are matched with exact
    case, because their lowercase forms are ordinary English ("glue code", "math", "pixel").
    """
    flagged = raw.startswith("~")
    alias = raw.lstrip("~=").strip()
    letters_only = not any(c.isdigit() for c in alias)
    exact = raw.startswith("=") or (letters_only and (flagged or len(alias) <= 4))
    return alias, exact, flagged


def with_canonical(raw_canonical: str, raw_aliases: list[str]) -> list[str]:
    """The aliases plus the canonical name, unless an alias already spells it with a prefix ("~Reddit")."""
    prefixed = {alias_key(parse_alias(raw)[0], False) for raw in raw_aliases if raw[:1] in "~="}
    if alias_key(parse_alias(raw_canonical)[0], False) in prefixed:
        return list(raw_aliases)
    return [*raw_aliases, raw_canonical]


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        # libyaml when present: the same data as safe_load, ~7x faster (these files are ~1 MB)
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
