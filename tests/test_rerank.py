"""Top-5 re-ranking of a look-up's candidates: the candidate features and the conditional-logit fit of
bench/qa_rerank.py (measured, not shipped). Questions and papers are invented; no fixture text."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from bench import qa_rerank as rerank


def _ctx(df: dict[str, int], n: int = 50):
    stats = SimpleNamespace(df=df, vocab=(), idf=lambda t: math.log((n + 1) / (df.get(t, 0) + 0.5)))
    ctx = SimpleNamespace(stats=lambda: stats)
    ctx.__dict__["_extractions"] = {"p1": {"tldr": "Sorting on graphics cards."}, "p2": {}}
    return ctx


def _paper(pid: str, title: str, abstract: str):
    return SimpleNamespace(id=pid, title=title, abstract=abstract, score=0.0)


@pytest.fixture
def no_synonyms(monkeypatch):
    monkeypatch.setattr("agent.qa.synonyms.lay_senses", lambda w: ())
    monkeypatch.setattr("agent.qa.synonyms.near_words", lambda w, vocab: ())


def test_candidate_features_are_relative_to_the_other_candidates(no_synonyms):
    ctx = _ctx({"sort": 3, "graphic": 5, "card": 5, "bird": 2, "song": 2})
    hits = [_paper("p2", "Bird song counting", "We count bird songs."),
            _paper("p1", "Fast sorting", "A sort kernel for graphics cards.")]
    feats = rerank.candidate_features(ctx, "How do I sort numbers on graphics cards?", hits,
                                      {"p1": 0.62, "p2": 0.40}, {"p1": 8.0})
    second, first = feats
    assert first["fused_rr"] == 0.5 and second["fused_rr"] == 1.0       # place in the fusion
    assert first["dense_rr"] == 1.0 and first["cos_gap"] == 0.0 and second["cos_gap"] < 0
    assert first["bm25_rel"] == 1.0 and second["bm25_rel"] == 0.0 and second["bm25_rr"] == 0.0
    assert first["concepts"] > second["concepts"]
    assert first["title_concepts"] > 0 and second["title_concepts"] == 0.0   # title + TL;DR only
    assert set(first) == set(rerank.FEATURES)


def test_conditional_logit_learns_which_feature_marks_the_right_candidate():
    rng = np.random.default_rng(0)
    xs, ys = [], []
    for _ in range(60):      # feature 0 is noise, feature 1 is highest on the right candidate
        x = rng.normal(size=(5, 2))
        y = int(rng.integers(5))
        x[y, 1] = x[:, 1].max() + 0.5
        xs.append(x)
        ys.append(y)
    w = rerank.fit(xs, ys, l2=0.01)
    assert w[1] > abs(w[0])
    rows = [("f", str(i), "paraphrase", x, y) for i, (x, y) in enumerate(zip(xs, ys))]
    assert rerank.right_first(rows, w).mean() == 1.0
    assert rerank.right_first(rows, None).mean() < 0.5                          # the given order is random here
