"""The ridge text model of topic tags (agent/engines/local/topic_text.py), on invented abstracts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from agent.engines.local.topic_text import TextProbe, TextSetup, text_terms
from agent.engines.local.topics import TopicTagger

NAMES = ["quantization", "compiler-scheduling", "edge-mobile"]
# Invented labelled papers: two per tag, sharing words within a tag (and a few across tags).
PAPERS = [("We round the weights to four bits with a learned scale per channel.", ["quantization"]),
          ("Low-bit weights and activations: a scale per channel keeps accuracy at four bits.", ["quantization"]),
          ("Our tensor compiler fuses operators and tunes the loop schedule of each kernel.", ["compiler-scheduling"]),
          ("A loop schedule search for tensor programs: the compiler fuses operators into one kernel.", ["compiler-scheduling"]),
          ("The network runs on a mobile phone within the battery budget of the device.", ["edge-mobile"]),
          ("On-device inference on phones: latency on the mobile device drops while the battery lasts.", ["edge-mobile"])]


def _probe(papers=PAPERS) -> TextProbe:
    return TextProbe(NAMES, [t for _, t in papers], [a for a, _ in papers])


def test_terms_are_words_and_word_pairs_of_unit_length_without_bare_numbers():
    terms = text_terms("Fused kernels", "We fuse 3 kernels into 1 kernel on int8.")
    assert "fused kernels" in terms and "fuse" in terms and "int8" in terms
    assert "3" not in terms and "1" not in terms
    assert math.isclose(sum(v * v for v in terms.values()), 1.0)


def test_a_new_text_scores_highest_for_the_tag_whose_papers_share_its_words():
    scores = _probe().scores(None, "A compiler that fuses operators and searches the loop schedule.")
    assert max(scores, key=scores.get) == "compiler-scheduling"
    scores = _probe().scores(None, "Weights at four bits with a scale per channel.")
    assert max(scores, key=scores.get) == "quantization"


def test_a_labelled_paper_is_never_its_own_training_row():
    # Leave-one-out: a labelled paper's score cannot depend on its own label.
    own = PAPERS[2][0]
    relabelled = [(a, ["edge-mobile"] if a == own else t) for a, t in PAPERS]
    assert np.allclose(list(_probe().scores(None, own).values()),
                       list(_probe(relabelled).scores(None, own).values()))
    # ... while another text with the same words (not the labelled paper) does see that label.
    same_words = own.replace(".", "!")
    assert _probe().scores(None, same_words)["compiler-scheduling"] > _probe().scores(None, own)["compiler-scheduling"]


def test_the_fit_is_deterministic():
    a, b = _probe(), _probe()
    assert a.vocab == b.vocab and np.array_equal(a.weights, b.weights) and np.array_equal(a.bias, b.bias)


def test_tagger_gives_the_text_signal_with_embeddings_only_and_refits_it_without_held_out_papers(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps({"id": f"p{i}", "abstract": a, "topics": t}) + "\n"
                            for i, (a, t) in enumerate(PAPERS)), encoding="utf-8")
    tagger = TopicTagger(fixture_paths=[path])
    tagger._labelled()
    tagger._fixture_vecs = np.eye(len(PAPERS), 8, dtype=np.float32)   # stand-in vectors: no model in a unit test
    tagger._protos = (NAMES, np.eye(len(NAMES), 8, dtype=np.float32))
    text = "An invented compiler fuses operators and tunes the loop schedule."
    with_vec = tagger.evidence(None, text, np.eye(1, 8, 7, dtype=np.float32)[0])
    assert with_vec["compiler-scheduling"].text > with_vec["edge-mobile"].text
    assert all(e.text == 0.0 for e in tagger.evidence(None, text, None).values())   # keyword-only: unchanged
    # the tagger's text model has one definition row per tag (TextSetup.priors), from the taxonomy
    assert len(tagger._text_model().setup.priors) == len([n for n in tagger.taxonomy if n != "other"])
    held = tagger.without({PAPERS[2][0], PAPERS[3][0]})
    assert len(held._text_model().row_of) == len(PAPERS) - 2


def test_a_cached_fit_is_the_same_model_and_is_read_not_refitted(tmp_path, monkeypatch):
    from agent.engines.local import topic_text
    from core.settings import reset_settings_cache

    monkeypatch.setenv("PAPERS_CACHE_DIR", str(tmp_path))
    reset_settings_cache()
    abstracts, topics = [a for a, _ in PAPERS], [t for _, t in PAPERS]
    plain = TextProbe(NAMES, topics, abstracts)
    TextProbe(NAMES, topics, abstracts, cache=True)                # fits and stores
    assert len(list((tmp_path / "arrays").glob("topic-text-*.npz"))) == 1
    monkeypatch.setattr(topic_text, "fit_arrays", lambda *a: (_ for _ in ()).throw(AssertionError("refitted")))
    again = TextProbe(NAMES, topics, abstracts, cache=True)        # reads
    assert again.vocab == plain.vocab and np.array_equal(again.weights, plain.weights)
    assert np.array_equal(again.leave_one_out, plain.leave_one_out)
    assert again.scores(None, "A compiler fuses operators.") == plain.scores(None, "A compiler fuses operators.")
    with pytest.raises(AssertionError):                            # other labels: another key
        TextProbe(NAMES, [["edge-mobile"]] + topics[1:], abstracts, cache=True)
    reset_settings_cache()


def test_claim_terms_name_the_hardware_class_and_the_speedup_metric_the_extractor_finds():
    from agent.engines.local.topic_text import claim_terms

    terms = claim_terms("Our invented planner trains a ranking model on 64 A100 GPUs and cuts training time by 2.7x.")
    assert terms["<hardware gpu>"] == 1 and terms["<metric training time>"] == 1
    assert not claim_terms("An invented survey of bread recipes.")
    text = "The invented pipeline runs on a Raspberry Pi 4 and lowers latency by 1.8x."
    assert "<hardware edge>" in text_terms(None, text, claim_weight=2.0)
    assert not any(t.startswith("<") for t in text_terms(None, text))        # off unless asked for


def test_a_claim_term_carries_its_tag_to_a_paper_that_shares_no_other_word():
    # Invented: the edge-mobile papers name an edge board, the others a datacenter GPU; the query
    # shares no word with either group but its edge board, so only the claim term can carry the tag.
    papers = [("Birds sing at dawn; our method ran on a Jetson Nano.", ["edge-mobile"]),
              ("Rivers flood in spring; measured on a Raspberry Pi 4.", ["edge-mobile"]),
              ("Clouds drift over hills; measured on an A100 GPU.", ["quantization"]),
              ("Snow melts in March; our method ran on a V100 GPU.", ["quantization"])]
    query = "Wolves howl at night, tested with a Raspberry Pi 3."
    with_claims = TextProbe(NAMES, [t for _, t in papers], [a for a, _ in papers],
                            setup=TextSetup(claim_weight=2.0)).scores(None, query)
    without = TextProbe(NAMES, [t for _, t in papers], [a for a, _ in papers],
                        setup=TextSetup(claim_weight=0.0)).scores(None, query)
    assert with_claims["edge-mobile"] - with_claims["quantization"] > without["edge-mobile"] - without["quantization"]


def test_a_tag_definition_row_lets_a_tag_score_where_no_labelled_paper_of_it_used_its_words():
    # Invented: only a quantization paper says "earbuds"; the edge-mobile definition says it too.
    papers = PAPERS + [("Earbuds and wearables get a four bit audio codec.", ["quantization"])]
    setup = TextSetup(priors=("quantization: low bit precision", "compiler scheduling: tensor compiler",
                              "edge mobile: deployment on earbuds, wearables and phones"))
    query = "Invented: earbuds and wearables run the model."
    plain = TextProbe(NAMES, [t for _, t in papers], [a for a, _ in papers])
    primed = TextProbe(NAMES, [t for _, t in papers], [a for a, _ in papers], setup=setup)
    gain = primed.scores(None, query)["edge-mobile"] - plain.scores(None, query)["edge-mobile"]
    assert gain > 0.05
    assert primed.leave_one_out.shape == (len(papers), len(NAMES))         # rows of papers only
