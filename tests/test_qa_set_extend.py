"""The one-paper extension of set answers (agent/qa/set_extend.py): when it applies, which candidates it
adds, and the sentence vectors it keeps in the store. Invented papers, a toy embedder, no model files."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from agent.qa import set_extend


def _answer(ids, insufficient=False):
    return SimpleNamespace(insufficient=insufficient, citations=[SimpleNamespace(id=i) for i in ids])


def test_only_a_one_paper_list_is_extended():
    assert set_extend.applies(_answer(["a"]))
    assert not set_extend.applies(_answer(["a", "b"]))
    assert not set_extend.applies(_answer([], insufficient=True))
    assert not set_extend.applies(_answer(["a"], insufficient=True))     # a closest paper is no member


def test_candidates_at_the_threshold_are_added_most_probable_first_at_most_max_add(monkeypatch):
    from agent.qa import set_membership, set_meaning

    model = {"features": ["x"], "mean": [0.0], "scale": [1.0], "bias": 0.0, "weights": [4.0], "add_at": 0.6,
             "max_add": 2}
    x = {"rule": 3.0, "near1": 1.0, "near2": 0.5, "near3": 0.3, "far": -2.0, "other_gpu": 5.0}
    feats = {p: {"x": v, "entity": 0.0 if p == "other_gpu" else 1.0} for p, v in x.items()}   # a named entity unmet
    monkeypatch.setattr(set_membership, "candidate_features", lambda q, ctx, rule, declined: feats)
    monkeypatch.setattr(set_extend, "admissible", lambda q, ctx, r, ids: ids - {"near1"})     # e.g. excluded
    monkeypatch.setattr(set_membership, "concepts_of", lambda q, ctx: None)
    monkeypatch.setattr(set_meaning, "candidate_meaning", lambda *a, **k: {})
    ctx = SimpleNamespace(store=SimpleNamespace(get_many=lambda ids: []), log=lambda *a, **k: None)
    assert set_extend.extended_ids("Which papers …?", ctx, ["rule"], model) == ["near2", "near3"]


def test_sentence_vectors_are_kept_in_the_store_and_read_back_without_embedding(tmp_path, monkeypatch):
    from agent.engines.local import topics
    from store import text_vectors
    from store.papers import PaperStore

    calls = []

    def toy(texts):
        calls.append(list(texts))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32).reshape(len(texts), 2)

    monkeypatch.setattr(topics, "embed_each", toy)
    monkeypatch.setattr(text_vectors, "model_key", lambda recipe: f"toy:{recipe}")
    store = PaperStore.open(tmp_path / "papers.db")
    embed = set_extend.sentence_embedder(store)
    first = embed(["We prune channels.", "It runs on phones."])
    again = set_extend.sentence_embedder(store)(["It runs on phones.", "We prune channels."])
    assert calls == [["We prune channels.", "It runs on phones."]]      # the second call read the store
    assert np.allclose(again, first[::-1])
