"""A decline's "not covered" never names the question's own verb, and a speed word is met by any speed
metric (agent/qa/missing_phrase.py). Invented sentences; no store."""

from __future__ import annotations

from agent.qa.answerability import uncovered_phrase
from agent.qa.missing_phrase import _WORD, question_verbs, verb_terms
from agent.qa.text import CorpusStats

_DOCS = ["Walrus compacts the key-value store of a burrow index to bound its memory.",
         "Okapi forests attain 77.4% top-1 accuracy on the Heron benchmark.",
         "Okapi forests serve queries with 3.1x higher throughput than Pagoda trees.",
         "Okapi forests use 3.1x less memory than Pagoda trees."]
STATS = CorpusStats.build(_DOCS)


def _verbs(question: str) -> list[str]:
    words = [m.group(0) for m in _WORD.finditer(question)]
    return [words[i] for i in sorted(question_verbs(words))]


def test_the_verb_after_an_auxiliary_and_a_pronoun_is_the_questions_own():
    assert _verbs("how can we squeeze the key-value store of a burrow index") == ["squeeze"]
    q = "how can we squeeze the key-value store of a burrow index?"
    assert uncovered_phrase(q, _DOCS[0], STATS) is None          # the paper words it "compacts"
    # ... and a noun the paper lacks is still named
    assert uncovered_phrase("how can we squeeze the key-value store of a gopher index?", _DOCS[0],
                            STATS) == "gopher index"


def test_a_fronted_object_leaves_the_verb_last_after_its_subject():
    assert _verbs("What accuracy do Okapi forests hit on Heron") == ["hit"]
    assert uncovered_phrase("What accuracy do Okapi forests hit on Heron?", _DOCS[1], STATS) is None
    assert uncovered_phrase("What accuracy do Okapi forests hit on Ibis?", _DOCS[1], STATS) == "Ibis"
    # a verb of the stop list ends the run itself: the subject's last word is no verb
    assert _verbs("What accuracy do Okapi forests achieve on Heron") == []
    # a yes/no or "how does X verb Y" question keeps its object after the verb: no verb is dropped there
    assert _verbs("Does Walrus compact memory") == []
    assert _verbs("How does Walrus compact memory") == []
    assert verb_terms("What accuracy does the Okapi model reach, on Heron?") == {"reach"}


def test_a_speed_word_is_met_by_any_speed_metric_but_not_by_a_resource_figure():
    q = "How much faster are Okapi forests than Pagoda trees?"
    assert uncovered_phrase(q, _DOCS[2], STATS) is None           # throughput is a speed
    assert uncovered_phrase(q, _DOCS[3], STATS) == "faster"       # memory is not
