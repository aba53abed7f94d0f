"""Phrase shapes of list questions written in a user's own words (agent/qa/set_groups.py,
set_concepts.py, constraint_words.py): asides, example lists, a fronted clause, and the fitted
constraint-word model. Invented papers and wordings, not the fixture files'."""

from __future__ import annotations

import json

from agent.qa import constraint_words as cw
from agent.qa import set_concepts as sc
from agent.qa.router import route, vocabulary
from agent.qa.term_index import build_index

from setcorpus import P, members

PAPERS = [
    P("bt1", "Pruning Heads of BERT", "We prune attention heads of BERT and keep its accuracy."),
    P("bt2", "Private Inference for Transformers", "A protocol runs BERT inference under two-party computation."),
    P("bt3", "Probing What BERT Knows", "We analyse the layers of BERT on probing tasks."),
    P("he1", "Encrypted Aggregation", "Clients send updates under homomorphic encryption to the server."),
    P("mp1", "Secure Joint Training", "Parties train a model jointly with secure multi-party computation."),
    P("cr1", "Cryptographic Proofs of Learning", "Cryptographic commitments prove that a model was trained."),
    P("ot1", "Fast Image Models", "We speed up image classifiers on phones and keep data on the device."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and compilers with images of the data.") for i in range(8)]
INDEX = build_index(PAPERS)


def test_a_whether_aside_lists_what_counts_it_does_not_add_constraints():
    question = "Which papers work with BERT models, whether speeding them up, analysing them or running them privately?"
    concepts = sc.read(question, INDEX)
    assert concepts.subject is not None and concepts.subject.surface == "BERT"
    assert not concepts.qualifiers
    assert members(question, INDEX) == {"bt1", "bt2", "bt3"}


def test_a_purpose_clause_after_a_comma_is_an_aside():
    assert "private" not in sc.split_exclusion("Which papers use homomorphic encryption, to keep data private?")[0]
    assert "so that" not in sc.split_exclusion("Which papers reorder channels so that accuracy stays high?")[0]


def test_examples_after_such_as_are_alternatives_written_whole():
    question = ("Which papers use cryptographic techniques, such as homomorphic encryption or secure "
                "multi-party computation, to keep data private?")
    concepts = sc.read(question, INDEX)
    alternatives = [" ".join(p) for p in concepts.subject.phrases]
    assert "homomorph encrypt" in alternatives or any("homomorph" in a and "encrypt" in a for a in alternatives)
    assert not concepts.qualifiers      # "encryption" is not split off as a second constraint
    assert members(question, INDEX) == {"he1", "mp1", "cr1"}


def test_a_fronted_clause_keeps_a_list_question_a_set():
    vocab = vocabulary(None)
    assert route("Apart from image models, which papers speed up training on phones?", vocab).kind == "set"
    assert route("In LLM serving, which papers cut the time to the first token?", vocab).kind == "set"
    assert route("Which work first proposed paged attention?", vocab).kind != "set"


def test_a_facet_in_an_exclusion_clause_filters_out():
    question = "Apart from federated learning, which papers train models on a smartphone?"
    start = question.index("federated")
    assert sc.excluded_span((start, start + len("federated learning")), question)
    end = question.index("smartphone")
    assert not sc.excluded_span((end, end + len("smartphone")), question)


def test_the_shipped_constraint_word_model_matches_its_features():
    model = json.loads(cw.MODEL_PATH.read_text())
    assert tuple(model["features"]) == cw.FEATURES
    assert len(model["weights"]) == len(model["mean"]) == len(model["scale"]) == len(cw.FEATURES)
    assert 0.0 < model["cutoff"] < 1.0 and model["trained_on"]


def test_a_framing_word_scores_below_a_named_phrase():
    question = "Which papers make it possible to run BERT privately?"
    named = cw.probability(cw.features(sc.Group([("bert",)], "BERT"), question, INDEX))
    framing = cw.probability(cw.features(sc.Group([("possibl",)], "possible"), question, INDEX))
    assert framing < cw.model()["cutoff"] <= named


def test_an_unmet_framing_word_is_not_named_missing_but_an_unmet_term_is():
    framing = sc.Group([("privat",)], "privately", must=0.0)
    term = sc.Group([("homomorph", "encrypt")], "homomorphic encryption", must=1.0)
    _, missing, ignored = sc.qualified({"bt1", "bt3"}, [framing], INDEX)
    assert not missing and framing in ignored
    keep, missing, _ = sc.qualified({"bt1", "bt3"}, [term], INDEX)
    assert keep == set() and missing == [term]


def test_a_figure_frame_is_no_concept():
    text = sc.split_exclusion("Which papers report by what percentage they cut memory use?")[0]
    assert "percentage" not in text and "memory" in text
    assert "much" not in sc.split_exclusion("Which papers say by how much they lower latency?")[0]


class _Ctx:
    store = None


def test_a_metric_word_inside_a_noun_phrase_asks_for_no_metric_claim():
    from agent.qa.set_shapes import metric_asked

    assert not metric_asked("Which papers exploit the texture memory of mobile GPUs?", "memory", _Ctx())
    assert metric_asked("Which papers cut memory use on phones?", "memory", _Ctx())
    assert metric_asked("Which papers report the energy reduction of their accelerator?", "energy", _Ctx())


class _Facet:
    def __init__(self, question: str, surface: str):
        start = question.index(surface)
        self.span = (start, start + len(surface))


def test_a_topic_that_is_one_item_of_a_spelled_list_is_not_the_asked_tag():
    from agent.qa.set_shapes import listed_alternative

    q = "Which papers handle outliers in the weights, activations or KV cache of language models?"
    assert listed_alternative(_Facet(q, "KV cache"), q)
    q = "Which papers compress the KV cache of language models?"
    assert not listed_alternative(_Facet(q, "KV cache"), q)
    q = "Apart from federated learning, which papers train on phones or watches?"
    assert not listed_alternative(_Facet(q, "federated learning"), q)
