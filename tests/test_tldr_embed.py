"""MiniLM features of TL;DR candidates (issue 15, round 10) on invented vectors: no model is loaded."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench import tldr_embed as te


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_the_sentence_closest_to_the_abstract_ranks_first():
    # Invented abstract: s0 background, s1 the contribution (close to the whole), s2 a side detail.
    sents = np.stack([unit(1, 0, 0), unit(0.2, 1, 0.1), unit(0, 0, 1)])
    feats = te.sentence_embedding_features(sents, unit(0.3, 1, 0.2))
    assert [f["e_abs_top"] for f in feats] == [0.0, 1.0, 0.0]
    assert feats[1]["e_abs_rank"] == 0.0 and feats[1]["e_abs_gap"] == 0.0
    assert feats[2]["e_abs_gap"] > 0 and set(feats[0]) == set(te.SENTENCE_FEATURES)


def test_a_sentence_that_restates_the_others_is_central():
    # Two near-duplicates and one outlier: the duplicates share the walk, the outlier gets only the teleport.
    sents = np.stack([unit(1, 0.1, 0), unit(1, 0, 0.1), unit(0, 0, -1)])
    feats = te.sentence_embedding_features(sents, unit(1, 0, 0))
    assert feats[0]["e_lexrank"] > 1 > feats[2]["e_lexrank"]
    assert feats[0]["e_max_other"] > 0.9 and feats[2]["e_max_other"] <= 0.1
    assert math.isclose(sum(f["e_lexrank"] for f in feats), 3.0)       # n times a distribution
    assert feats[0]["e_first"] == 0.0 and feats[1]["e_first"] == pytest.approx(feats[0]["e_max_other"])


def test_lexrank_of_a_symmetric_graph_is_uniform():
    sim = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]])
    assert np.allclose(te.lexrank(sim), 1 / 3)


def test_one_sentence_and_no_sentences():
    one = te.sentence_embedding_features(np.stack([unit(1, 1)]), unit(1, 1))
    assert one[0]["e_abs"] == pytest.approx(1.0) and one[0]["e_lexrank"] == 1.0 and one[0]["e_centroid"] == 0.0
    assert te.sentence_embedding_features(np.zeros((0, 2)), unit(1, 0)) == []


def test_candidate_cosines_rank_within_the_abstract():
    cands = np.stack([unit(1, 0), unit(1, 1), unit(0, 1)])
    feats = te.candidate_embedding_features(cands, unit(1, 0.2))
    assert feats[0]["ce_rank"] == 0.0 and feats[0]["ce_gap"] == 0.0 and feats[2]["ce_rank"] == 1.0


def test_study_merges_sentence_features_into_each_candidate_and_bootstrap_is_seeded():
    from bench.tldr_embed_cache import texts_of
    from bench.tldr_embed_study import bootstrap, with_embeddings

    abstract = ("Sparse attention is slow on small GPUs. We propose a tiling kernel for block-sparse attention. "
                "It runs twice as fast as dense attention on long sequences.")
    sentences, whole, cands = texts_of(abstract, True)
    assert whole == [abstract] and len(sentences) == 3 and cands
    emb = {"0_sent": np.stack([unit(1, 0, 0), unit(0, 1, 0.2), unit(0, 0.3, 1)]), "0_abs": unit(0, 1, 0.5)[None]}
    group = {"rec": 0, "features": [{"pos_first": 0.0}, {"pos_first": 1.0}], "sent": [1, 0], "cand": [0, 1]}
    merged = with_embeddings([group], emb)[0]["features"]
    assert merged[0]["e_abs_top"] == 1.0 and merged[1]["e_abs_top"] == 0.0 and merged[1]["pos_first"] == 1.0
    diff = np.array([0.1, -0.05, 0.0, 0.2])
    assert bootstrap(diff, 500) == bootstrap(diff, 500) and bootstrap(diff, 500)[0] == pytest.approx(6.25)
