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


def _top_level_alternatives(source: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in source:
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def _group_source(pattern: str, opening: str) -> str:
    start = pattern.index(opening) + len(opening)
    depth = 1
    for i in range(start, len(pattern)):
        depth += pattern[i] == "("
        depth -= pattern[i] == ")"
        if depth == 0:
            return pattern[start:i]
    raise AssertionError("unbalanced")


def test_dataset_anchor_literals_start_every_trigger():
    from agent.engines.local import dataset_rules

    assert not dataset_rules._ANCHOR.flags & re.IGNORECASE  # matched on lowered text, case as written
    for alternative in _top_level_alternatives(_group_source(dataset_rules._ANCHOR.pattern, "(?P<trigger>")):
        inner = _top_level_alternatives(_group_source(alternative, "(?:")) if alternative.startswith("(?:") \
            else [alternative]
        for start in inner:
            assert start.startswith(dataset_rules._ANCHOR_LITERALS), start


def test_matches_at_literals_is_finditer():
    from agent.engines.local.gazetteer import matches_at_literals

    pattern = re.compile(r"(?<![a-z])(?:data\s?sets?|bench(?:marks?)?)(?:\s*,?\s*(?P<list>such as\s+))?")
    for text in ["two datasets, such as x", "metadata sets", "benchmarks and datasets datasets",
                 "data set data sets,such as ", "", "benchbench bench"]:
        fast = [m.span() for m in matches_at_literals(pattern, text, ("data", "bench"))]
        assert fast == [m.span() for m in pattern.finditer(text)], text


def test_verb_patterns_run_as_lowercase_twins_with_the_same_matches():
    from agent.engines.local.case_folding import folded

    lex = rules.lexicon()
    texts = ["We REDUCE latency and Achieves 3x; it Runs faster", "caf\u00e9 IMPROVES by 2x, RAN, is",
             "It \u017faves 2x (long s: the twin must not be used)", "\u212aEEPS memory", "shows-up XUSES uses", "We Show that OUR method, Compared To X, beats Y; This Paper"]
    for pattern in (lex.verbs, lex.clause_verbs, lex.comparators, lex.quality_before_comparator, lex.own_work,
                    lex.contribution, lex.finding):
        assert folded(pattern, "plain text")[0] is not pattern  # the fast twin is in use
        for text in texts:
            twin, haystack = folded(pattern, text)
            assert [m.span() for m in twin.finditer(haystack, 3)] == [m.span() for m in pattern.finditer(text, 3)]
            assert [m.span() for m in twin.finditer(haystack)] == [m.span() for m in pattern.finditer(text)]


def test_no_twin_for_patterns_that_case_folding_could_change():
    from agent.engines.local.case_folding import folded

    for source in (r"[A-Z]x", r"(?-i:AP)", r"caf\u00e9", "\u00e9t\u00e9", r"caf\xe9", r"\N{LATIN SMALL LETTER E WITH ACUTE}", r"\351", r"[0-_]", r"(?i:a)", r"a(?P<n>b)(?P=n)"):
        pattern = re.compile(source, re.IGNORECASE)
        assert folded(pattern, "text")[0] is pattern
    assert folded(re.compile(r"\bab\S", re.IGNORECASE), "Ab x")[0].flags & re.IGNORECASE == 0
