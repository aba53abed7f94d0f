"""Round-5 topic signals: cue spread, the nearest-centroid score, held-out taggers (invented text)."""

from __future__ import annotations

import json

import numpy as np

from agent.engines.local.topic_cues import keyword_evidence, keyword_scan, load_taxonomy
from agent.engines.local.topic_profiles import LabelledProfiles
from agent.engines.local.topics import TopicTagger
from evals.train_topic_acceptor import held_out_unit

# Invented: quantization is discussed in three of four sentences, microcontrollers in one.
ABSTRACT = ("We study post-training quantization of recurrent speech models. "
            "Our quantizer picks a bit width per layer from a small calibration set. "
            "The models then run on a microcontroller with 256 kB of memory. "
            "At 4-bit precision the quantized models lose under one point of accuracy.")


def test_spread_is_the_share_of_sentences_with_a_cue_of_the_tag():
    found, shares = keyword_scan(None, ABSTRACT, load_taxonomy())
    spread = {t: s for t, (s, _) in shares.items()}
    assert spread["quantization"] == 0.75
    assert spread["edge-mobile"] == 0.25
    assert set(shares) == set(found)


def test_keyword_evidence_is_the_scan_without_the_spread():
    tax = load_taxonomy()
    assert keyword_evidence("A title about pruning", ABSTRACT, tax) == keyword_scan("A title about pruning", ABSTRACT, tax)[0]


def _tagger(tmp_path) -> TopicTagger:
    rows = [("p1", "An invented paper on low-bit integer kernels.", ["quantization"]),
            ("p2", "Another invented paper on rounding weights to four bits.", ["quantization"]),
            ("p3", "An invented paper on running networks on phones.", ["edge-mobile"]),
            ("p4", "An invented paper on translating sentences.", ["nlp"])]
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps({"id": i, "abstract": a, "topics": t}) + "\n" for i, a, t in rows),
                    encoding="utf-8")
    tagger = TopicTagger(fixture_paths=[path])
    tagger._labelled()
    # Stand-in vectors (no embedding model in a unit test): the two quantization papers point one way.
    tagger._fixture_vecs = np.array([[1.0, 0.1, 0.0], [0.9, 0.2, 0.0], [0.0, 0.1, 1.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    return tagger


def test_centroid_score_points_towards_the_tag_whose_papers_are_alike(tmp_path):
    tagger = _tagger(tmp_path)
    signal = tagger._profiles().centroid(np.array([1.0, 0.0, 0.1]), "A new invented paper.")
    assert signal["quantization"] > 0 > signal["edge-mobile"]
    assert "video" not in signal        # no labelled paper: no centroid, no score


def test_centroid_score_leaves_the_paper_itself_out(tmp_path):
    tagger = _tagger(tmp_path)
    # p3 is the only edge-mobile paper: scoring p3 itself, edge-mobile has no centroid left.
    signal = tagger._profiles().centroid(np.array([0.0, 0.1, 1.0]), "An invented paper on running networks on phones.")
    assert "edge-mobile" not in signal and "quantization" in signal


def test_without_drops_held_out_papers_from_votes_and_centroids(tmp_path):
    tagger = _tagger(tmp_path)
    tagger._profiles()
    held = tagger.without({"An invented paper on running networks on phones."})
    fixtures, vecs = held._neighbour_index()
    assert [f.id for f in fixtures] == ["p1", "p2", "p4"] and vecs.shape == (3, 3)
    assert "edge-mobile" not in held._profiles().centroid(np.array([0.0, 0.1, 1.0]), "Some other text.")
    assert len(tagger._labelled()) == 4            # the original tagger is untouched


def test_a_file_labelled_in_two_halves_is_held_out_as_one():
    assert held_out_unit("dev_ext_6_was_blind_4a") == held_out_unit("dev_ext_6_was_blind_4b")
    assert held_out_unit("dev_ext_1") == "dev_ext_1"
    assert held_out_unit("dev_ext_5_was_blind_3") != held_out_unit("dev_ext_6_was_blind_4a")


def test_own_work_share_counts_only_sentences_where_the_authors_speak_of_their_work():
    _, shares = keyword_scan(None, ABSTRACT, load_taxonomy())
    assert shares["quantization"][1] == 1.0      # both "we"/"our" sentences name quantization
    assert shares["edge-mobile"][1] == 0.0       # the microcontroller is named in a plain sentence


def test_probe_leaves_the_paper_itself_out_exactly():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(12, 5))
    topics = [["quantization"] if i % 3 else ["edge-mobile", "quantization"] for i in range(12)]
    texts = [f"invented abstract {i}" for i in range(12)]
    names = ["quantization", "edge-mobile", "nlp"]
    full = LabelledProfiles(names, topics, texts, vecs)
    rest = LabelledProfiles(names, topics[1:], texts[1:], vecs[1:])
    query = vecs[0] + 0.1           # e.g. the same paper embedded with its title
    scored_as_member = full.probe(query, texts[0])
    scored_without = rest.probe(query, "a paper nobody labelled")
    for tag in names:
        assert abs(scored_as_member[tag] - scored_without[tag]) < 1e-9


def test_probe_reads_a_tag_off_the_direction_of_its_papers():
    vecs = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    topics = [["nlp"], ["nlp"], ["video"], ["video"]]
    profiles = LabelledProfiles(["nlp", "video"], topics, ["a", "b", "c", "d"], vecs)
    scores = profiles.probe(np.array([0.95, 0.05]), "new")
    assert scores["nlp"] > 0.5 > scores["video"]
