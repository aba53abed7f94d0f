"""Everyday words a corpus has a near synonym of do not make a question look off-corpus (issue 12).

Invented documents and questions; the real offline MiniLM model decides what is "near".
"""

from agent.qa.answerability import unknown_terms
from agent.qa.synonyms import everyday, vocabulary
from agent.qa.text import STOP, CorpusStats, term_set

DOCS = [
    "The scheduler determines which images are processed first and keeps many requests in flight.",
    "A compiler that determines tile sizes for images on many mobile processors.",
    "We cut the latency of many transformer layers entirely on the accelerator.",
    "Pruning removes layers entirely while the controller determines the budget.",
]


def test_vocabulary_keeps_words_several_documents_use():
    vocab = vocabulary(DOCS, STOP)
    assert {"determines", "images", "many", "entirely"} <= set(vocab)
    assert "scheduler" not in vocab          # one document only
    assert "the" not in vocab                # a stopword


def test_everyday_word_with_a_corpus_synonym():
    vocab = vocabulary(DOCS, STOP)
    assert everyday("pictures", vocab)       # ~ "images"
    assert everyday("decides", vocab)        # ~ "determines"
    assert not everyday("weather", vocab)    # a topic the corpus has nothing near
    assert not everyday("Images2", vocab)    # written like a name or code: never a paraphrase
    assert not everyday("pictures", ())      # no vocabulary, no synonym


def test_unknown_terms_drop_everyday_words_but_keep_topics_and_names():
    stats = CorpusStats.build(DOCS)
    question = "Which work decides how to shrink the layers for pictures of weather radar on a Zorblax9 board?"
    unknown = unknown_terms(question, term_set(question), stats)
    assert term_set("weather") <= unknown and term_set("Zorblax9") <= unknown
    assert not (term_set("pictures decides") & unknown)
    assert not (term_set("layers") & unknown)    # a word the corpus uses is never unknown


def test_vocabulary_keeps_only_the_most_used_words(monkeypatch):
    import agent.qa.synonyms as synonyms

    monkeypatch.setattr(synonyms, "VOCAB_MAX", 2)
    assert set(vocabulary(DOCS, STOP)) == {"determines", "many"}   # in 3 documents each; the rest in 2
