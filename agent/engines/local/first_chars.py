"""A big case-insensitive alternation matched at one position, trying only the alternatives that can
start with the character written there.

The regex engine tries every alternative of `a|b|c...` in turn at a position; an alternative that opens
with `\\b` or a look-behind gives it no first character to reject it by, so a lexicon of a few hundred
alternatives costs tens of microseconds per position even where none can match. Reading each
alternative's possible first characters from the parsed pattern, and compiling per character the
alternation of those that can start with it (in the original order, so the first alternative that
matches is the same one), gives the same match for a fraction of the work. An alternative whose first
character cannot be bounded (`\\w`, `.`, a negated set) is kept in every bucket: the result is exact.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # the stdlib's own regex parser: the pattern's structure, no re-implementation
from typing import Callable

_ANY = None  # first set of an alternative that may start with any character
_ZERO_WIDTH = {sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT}
_CHAR_LIMIT = 0x250  # chars a bounded set may list; a wider range counts as "any"


def _chars_of_set(items: list) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is sre_parse.LITERAL:
            out.add(chr(av))
        elif op is sre_parse.RANGE and av[1] < _CHAR_LIMIT:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\w, \d, \s), a wide range: unbounded
            return _ANY
    return out


def _first(seq: list) -> tuple[set[str] | None, bool]:
    """(first characters of the sequence, or _ANY; whether it can match the empty string)."""
    out: set[str] = set()
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item gives the first character
        if op is sre_parse.LITERAL:
            return out | {chr(av)}, False
        if op is sre_parse.IN:
            chars = _chars_of_set(av)
            return (_ANY if chars is _ANY else out | chars), False
        if op is sre_parse.SUBPATTERN:
            head, nullable = _first(list(av[-1]))
        elif op is sre_parse.BRANCH:
            head, nullable = _branches_first(av[1])
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT):
            head, nullable = _first(list(av[2]))
            nullable = nullable or av[0] == 0
        else:  # ANY, GROUPREF, ATOMIC_GROUP, ...: unbounded
            return _ANY, False
        if head is _ANY:
            return _ANY, False
        out |= head
        if not nullable:
            return out, False
    return out, True


def _branches_first(branches: list) -> tuple[set[str] | None, bool]:
    out: set[str] = set()
    nullable = False
    for branch in branches:
        head, empty = _first(list(branch))
        if head is _ANY:
            return _ANY, False
        out |= head
        nullable = nullable or empty
    return out, nullable


_ASCII = [chr(c) for c in range(128)]


def _case_variants(chars: set[str], flags: int) -> set[str]:
    """Every ASCII character the pattern characters match (a non-ASCII text character takes the
    whole pattern): under IGNORECASE "K" (Kelvin sign) also matches "k"."""
    out = set()
    for c in chars:
        if c.isascii():
            out.update((c, c.lower(), c.upper()) if flags & re.IGNORECASE else (c,))
        else:
            out.update(a for a in _ASCII if re.fullmatch(re.escape(c), a, flags & re.IGNORECASE))
    return out


def _top_level_alternatives(pattern: str) -> list[str] | None:
    """The pattern's top-level alternatives as source text, or None unless its parentheses balance
    without ever closing more than they opened (so a `(` at the start closes only at the end)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]" or pattern[i - 1] == "[" or pattern[i - 2:i] == "[^"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return None
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts if depth == 0 else None


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>(.*)\)", re.S)


def _pieces(alternative: str) -> tuple[str, str, list[str]]:
    """("(?P<name>", ")", its inner alternatives) for an alternative that is one named group around
    an alternation, else ("", "", [the alternative])."""
    whole = _NAMED_GROUP.fullmatch(alternative)
    inner = _top_level_alternatives(whole.group(2)) if whole else None
    if whole and inner is not None:
        return f"(?P<{whole.group(1)}>", ")", inner
    return "", "", [alternative]


def dispatch_by_first_char(pattern: re.Pattern[str]) -> Callable[[str, int], re.Match[str] | None]:
    """`match(text, pos)` equivalent to pattern.match(text, pos), for a pattern whose every match
    consumes at least one character (an empty match would start with no character to dispatch on)."""
    alternatives = _top_level_alternatives(pattern.pattern)
    if alternatives is None:
        return pattern.match
    groups = []  # (open, close, [(inner alternative, its first characters or _ANY)])
    for alternative in alternatives:
        opening, closing, inner = _pieces(alternative)
        heads = []
        for piece in inner:
            head, nullable = _first(list(sre_parse.parse(piece, pattern.flags)))
            if nullable:
                return pattern.match  # an alternative may match empty: keep the whole pattern
            heads.append((piece, _ANY if head is _ANY else _case_variants(head, pattern.flags)))
        groups.append((opening, closing, heads))

    def restricted(char: str | None) -> str:
        parts = []
        for opening, closing, heads in groups:
            kept = [piece for piece, head in heads if head is _ANY or (char is not None and char in head)]
            if kept:
                parts.append(opening + "|".join(kept) + closing)
        return "|".join(parts)

    chars = set().union(*(head for _, _, heads in groups for _, head in heads if head is not _ANY))
    compiled: dict[str, re.Pattern[str] | None] = {}
    by_char = {}
    for char in chars:
        source = restricted(char)
        if source not in compiled:
            compiled[source] = re.compile(source, pattern.flags) if source else None
        by_char[char] = compiled[source]
    rest_source = restricted(None)
    rest = re.compile(rest_source, pattern.flags) if rest_source else None

    def match(text: str, pos: int) -> re.Match[str] | None:
        if pos >= len(text):
            return None
        char = text[pos]
        sub = by_char.get(char, rest) if char.isascii() else pattern
        return sub.match(text, pos) if sub is not None else None

    return match
