"""first_chars.dispatch_by_first_char: the same match as the whole alternation, at every position."""

import re

from agent.engines.local.first_chars import dispatch_by_first_char

# Invented lexicon: named groups around alternations, a word boundary and a look-behind before the
# first character, a case-insensitive range, an alternative with an unbounded first character (\w),
# and an inline case-sensitive group.
_PATTERN = re.compile(r"(?P<slow>\bstall(?:s|ed)?\b|(?<!-)\bwait[\s-]+times?\b)|"
                      r"(?P<quick>\bquick(?:er|ly)\b|\b[q-r]apid\b|\w+-fast\b)|"
                      r"(?P<size>(?-i:\bMB\b)|\bsize\b)|(?P<early>\bst\w*)", re.IGNORECASE)
_TEXT = ("Stalls fell while wait times were rapid; a Rapid, blazing-fast QUICKER path cut the size to "
         "3 MB (not 3 mb) and the pre-wait time, then standing stalled.")


def _spans(match):
    return match and (match.span(), match.lastgroup)


def test_same_match_as_the_whole_alternation_at_every_position():
    dispatch = dispatch_by_first_char(_PATTERN)
    assert dispatch is not _PATTERN.match  # the pattern was split, not passed through
    for pos in range(len(_TEXT) + 1):
        assert _spans(dispatch(_TEXT, pos)) == _spans(_PATTERN.match(_TEXT, pos)), pos


def test_earlier_alternative_still_wins_and_case_rules_hold():
    dispatch = dispatch_by_first_char(_PATTERN)
    # "stalled" can start both `slow` (stall...ed) and the later `early` (st\w*): the earlier wins
    assert _spans(dispatch("stalled", 0)) == ((0, 7), "slow")
    assert _spans(dispatch("STALLS", 0)) == ((0, 6), "slow")
    assert dispatch("mb", 0) is None and _spans(dispatch("MB", 0)) == ((0, 2), "size")
    # an alternative with no bounded first character is tried everywhere
    assert _spans(dispatch("ultra-fast", 0)) == ((0, 10), "quick")


def test_pattern_that_can_match_empty_is_passed_through():
    pattern = re.compile(r"(?P<a>x*)|(?P<b>y)")
    assert dispatch_by_first_char(pattern) == pattern.match
