"""Word-independent answerability features (agent/qa/answer_features.py) and the answer-removed rows of
bench/qa_calibrate.py. Questions and papers are invented; no fixture text."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from agent.qa import answer_features
from agent.qa.answer_features import concept_share, rank_features, reciprocal_rank
from agent.qa.text import term_set


def _stats(df: dict[str, int], n: int = 100):
    import math

    return SimpleNamespace(df=df, vocab=(), idf=lambda t: math.log((n + 1) / (df.get(t, 0) + 0.5)))


def test_reciprocal_rank_reads_the_papers_place_not_its_score():
    scores = {"a": 0.9, "b": 0.5, "c": 0.4}
    assert reciprocal_rank("a", scores) == 1.0
    assert reciprocal_rank("c", scores) == 1 / 3
    assert reciprocal_rank("z", scores) == 0.0     # not ranked by that retriever
    both = rank_features("a", scores, {"a": 12.0, "b": 3.0})
    assert both == {"dense_rr": 1.0, "bm25_rr": 1.0, "rr_sum": 1.0}
    split = rank_features("b", scores, {"b": 12.0})    # rank 2 for dense, rank 1 for BM25
    assert split["dense_rr"] == 0.5 and split["bm25_rr"] == 1.0 and split["rr_sum"] == 0.75


def test_an_everyday_word_is_met_by_its_technical_sense(monkeypatch):
    # "my phone" is met by a paper that writes "mobile" (lay senses), not by one about servers
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ("mobile",) if w == "phone" else ())
    monkeypatch.setattr("agent.qa.synonyms.near_words", lambda w, vocab: ())
    stats = _stats({"phone": 0, "mobil": 10, "blur": 2, "photo": 3, "server": 20})
    question = "Which work removes blur from photos taken on my phone?"
    mobile_paper = term_set("Work that removes blur from photos taken on mobile devices.")
    server_paper = term_set("Work that removes blur from photos taken on a server.")
    assert concept_share(question, mobile_paper, stats) > concept_share(question, server_paper, stats)
    assert concept_share(question, mobile_paper, stats) == 1.0


def test_a_near_synonym_in_the_corpus_vocabulary_counts_as_met(monkeypatch):
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ())
    monkeypatch.setattr("agent.qa.synonyms.near_terms",
                        lambda words, vocab, within, index: {w: ({"quick"} & within) if w == "speedy" else set() for w in words})
    stats = _stats({"speedi": 0, "quick": 5, "sort": 4})
    doc = term_set("A quick sort on graphics cards.")
    assert concept_share("A speedy sort?", doc, stats) == 1.0
    assert concept_share("A speedy sort?", term_set("A sort on graphics cards."), stats) < 1.0


def test_question_words_drop_stopwords_and_keep_each_word_once():
    words = answer_features.question_words("Which paper makes the the cache smaller?")
    assert "cache" in words and "the" not in words and "which" not in words


def test_answer_removed_rows_weigh_the_share_they_are_given():
    from bench.qa_calibrate import best_cutoff, sample_weights

    y = np.array([1, 1, 0, 0, 0, 0], dtype=float)
    groups = np.array(["paraphrase", "lookup", "unanswerable", "removed", "removed", "removed"])
    w = sample_weights(y, groups, synthetic=0.25)
    assert abs(w[y == 1].sum() - 3.0) < 1e-9                     # positives: half of the weight
    assert abs(w[2] - 3.0 * 0.75) < 1e-9 and abs(w[3:].sum() - 3.0 * 0.25) < 1e-9
    zero = sample_weights(y, groups, synthetic=0.0)
    assert not zero[3:].any()                                    # reported, not fitted
    # the cut-off ignores answer-removed rows at share 0 and weighs them otherwise
    p = np.array([0.9, 0.8, 0.1, 0.7, 0.7, 0.7])
    assert best_cutoff(p, y, groups, synthetic=0.0) < 0.7   # 0.76 when the removed rows count as negatives
    assert best_cutoff(p, y, groups, synthetic=0.5) > 0.7


def _paper(pid: str, title: str, abstract: str):
    return SimpleNamespace(id=pid, title=title, abstract=abstract)


def test_concept_gap_answers_the_paper_that_meets_what_its_rivals_do_not(monkeypatch):
    # the paper about exactly this meets "frost" and "turbine" where its rivals meet only "wind" / "power"
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ())
    monkeypatch.setattr("agent.qa.synonyms.near_words", lambda w, vocab: ())
    stats = _stats({"frost": 1, "turbin": 3, "wind": 10, "power": 30, "forecast": 8})
    question = "How do I forecast frost on wind turbine blades?"
    exact = _paper("a", "Blade frost forecasting", "We forecast frost on wind turbine blades.")
    rivals = [_paper("b", "Wind power", "We forecast wind power output."),
              _paper("c", "Solar", "We forecast solar power.")]
    gap = answer_features.concept_gap(question, exact, [exact, *rivals], stats)
    assert gap > 0.3


def test_concept_gap_declines_a_first_paper_no_better_than_the_next(monkeypatch):
    # the paper asked about is absent: the first remaining paper is one of several on the topic
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ())
    monkeypatch.setattr("agent.qa.synonyms.near_words", lambda w, vocab: ())
    stats = _stats({"frost": 1, "turbin": 3, "wind": 10, "power": 30, "forecast": 8})
    question = "How do I forecast frost on wind turbine blades?"
    first = _paper("b", "Wind power", "We forecast wind power output of a turbine.")
    second = _paper("d", "Turbine loads", "We forecast loads on wind turbine towers.")
    gap = answer_features.concept_gap(question, first, [first, second], stats)
    assert gap <= 0.0
    assert answer_features.concept_gap(question, first, [first], stats) == 0.0   # no rival ranked


def test_the_measured_gap_model_answers_a_clear_gap_and_declines_a_topic_tie():
    # twins with the same retrieval evidence: the first paper meets what its rivals do not (answer) or
    # meets no more of the question than they do (decline); invented feature values, not a fixture's.
    # The shipped round-10 fit with concept_gap (agent/data/answerability.json)
    from agent.qa import answerability

    m = answerability.model()
    assert "concept_gap" in m["features"]
    base = dict(zip(m["features"], m["mean"]))
    lo, hi = -1.0, 1.0      # a dense margin at which a middling gap (0.15) sits on the cut-off
    for _ in range(40):
        mid = (lo + hi) / 2
        below = answerability.probability(dict(base, margin=mid, concept_gap=0.15), m) < m["cutoff"]
        lo, hi = (mid, hi) if below else (lo, mid)
    base["margin"] = hi
    exact, topic = dict(base, concept_gap=0.35), dict(base, concept_gap=-0.05)
    assert answerability.probability(exact, m) >= m["cutoff"] > answerability.probability(topic, m)


def test_task_miss_weighing_reads_the_score_it_was_fitted_on():
    # a refit answerability model may be sure (0.99) where the model the task-miss weighing was fitted
    # on was not (0.01): the weighing reads the latter; invented question and paper
    from agent.qa import uncovered_weight
    from agent.qa.answerability import Evidence
    from agent.qa.constraints import Constraint

    stats = _stats({"kite": 1, "surf": 2, "detect": 10})
    ev = Evidence({}, probability=0.99)
    ev.task_probability = 0.01
    c = Constraint("task", "kite surfing detection", "surfing detection")
    feats = uncovered_weight.features("Which paper does kite surfing detection?", c, "A paper on detection.", ev, stats)
    assert feats["retrieval"] < -4
    ev.task_probability = None      # no separate score: the model's own
    assert uncovered_weight.features("Which paper does kite surfing detection?", c, "A paper.", ev, stats)["retrieval"] > 4


def test_near_terms_give_near_words_read_against_the_judged_papers(monkeypatch):
    # invented vocabulary and vectors: "speedy" is near "quick" and "rapid", far from "sort"; reading only
    # the judged papers' terms gives what the full pass gives for those papers, and skips a name
    from agent.qa import synonyms

    vocab = ("quick", "rapid", "sort")
    rows = np.array([[1.0, 0.0, 0.0], [0.9, 0.436, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    vectors = {"speedy": [0.95, 0.31, 0.0], "quick": rows[0], "rapid": rows[1], "sort": rows[2]}
    monkeypatch.setattr(synonyms, "_matrix", lambda v: rows)
    monkeypatch.setattr("store.embeddings.embed",
                        lambda texts, threads=None: np.array([vectors[t] for t in texts], dtype=np.float32))
    synonyms._VECTORS.clear()
    synonyms.near_words.cache_clear()
    full = {t for w in synonyms.near_words("speedy", vocab) for t in term_set(w)}
    assert full == term_set("quick rapid")
    within = term_set("A quick sort.")
    index = answer_features.vocab_terms(vocab)
    assert synonyms.near_terms(["speedy", "sort"], vocab, within, index) == {"speedy": full & within, "sort": set()}
    assert synonyms.near_terms(["Set5"], vocab, within, index) == {"Set5": set()}     # a name is never a synonym


def test_one_pass_gives_the_share_and_the_gap_of_two_passes(monkeypatch):
    # invented papers: the combined pass must equal concept_share and concept_gap computed apart
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ())
    stats = _stats({"kite": 1, "surf": 3, "wind": 5, "forecast": 8})
    paper = lambda i, text: SimpleNamespace(id=i, title="", abstract=text)
    best = paper("a", "Wind forecasting for kite surfing.")
    hits = [best, paper("b", "Wind forecasting."), paper("c", "Surfing videos.")]
    question = "Which work forecasts wind for kite surfing?"
    doc = term_set("Wind forecasting for kite surfing, with a summary.")
    share, gap = answer_features.concept_features(question, doc, best, hits, stats)
    assert share == concept_share(question, doc, stats)
    assert gap == answer_features.concept_gap(question, best, hits, stats) > 0
    assert answer_features.concept_features(question, doc, best, [best], stats)[1] == 0.0    # no rival
