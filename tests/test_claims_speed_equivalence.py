"""The speed shortcuts in the claims path answer exactly what the regexes they skip would answer.

Invented strings only; bench/claims_identity.py checks whole abstracts byte for byte."""

from __future__ import annotations

import re

import pytest

from agent.engines.local import speedup_rules as rules
from agent.engines.local.gazetteer import AliasIndex
from agent.screening import AI_WORD, FOLDS_TO_ASCII, folds_nothing_to_ascii, has_ai_word

AI_CASES = ["we use ai to", "ai first", "x ai", "tail ai_x", "main ai1 and", "a\u00a0ai.", "a\tai", "said ai",
            "rai ai-based", "\u2003ai", "aai", "ai", " ai", " aiai ai\u00e9", "plain\nai,"]


@pytest.mark.parametrize("text", AI_CASES)
def test_has_ai_word_is_the_regex(text):
    assert has_ai_word(text) == (AI_WORD.search(text) is not None)


def test_folds_nothing_to_ascii_is_the_set_test():
    for text in ["plain ascii", "caf\u00e9 na\u00efve", "\u212aelvin", "long \u017fs", "\u0130stanbul", ""]:
        assert folds_nothing_to_ascii(text) == (text.isascii() or FOLDS_TO_ASCII.isdisjoint(text))


def test_review_words_cover_every_review_alternative():
    # may_contain(_REVIEW_WORDS) skips review_paper: each of its alternatives must contain one word
    pattern = rules.lexicon().review_paper.pattern
    for alternative in re.split(r"\|(?![^()]*\))", pattern):
        assert any(word in alternative for word in rules._REVIEW_WORDS), alternative


def test_may_contain_says_true_when_case_folding_could_hide_a_word():
    assert rules.may_contain("This Survey covers", ("survey",))
    assert not rules.may_contain("This paper covers", ("survey",))
    assert rules.may_contain("This \u017furvey covers", ("survey",))  # long s folds to "s"


def _scan_reference(index: AliasIndex, text: str) -> list[tuple[int, int]]:
    """The scan as a look-behind pattern over the lowered text (the former implementation)."""
    body = index._pattern.pattern.split("(?=(", 1)[1][:-2]
    reference = re.compile(rf"(?<![A-Za-z0-9]){body}")
    return [m.span() for m in reference.finditer(text.lower()) if index.lookup(text[m.start():m.end()])]


@pytest.mark.parametrize("text", [
    "Zeta-Set and ZetaSet2, zeta set; xZetaSet ZetaSetZeta (Zeta Set)", "Zeta Sets.ZetaSet", "ZetaSet",
    "on OmegaBench-v2+ and OmegaBench+OmegaBench", "", "-ZetaSet-", "9ZetaSet ZetaSet9 Zeta_Set",
])
def test_alias_scan_keeps_leftmost_longest_non_overlapping_hits(text):
    index = AliasIndex([("ZetaSet", "z", False), ("Zeta Set 2", "z2", False), ("OmegaBench+", "o+", False),
                        ("OmegaBench", "o", False), ("+Omega", "p", False)], plural_s=True)
    assert [(h.start, h.end) for h in index.find(text)] == _scan_reference(index, text)
