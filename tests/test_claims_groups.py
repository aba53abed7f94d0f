"""Fixture groups (in-sample / dev-ext / blind-ext), their gate, and leave-one-out at run time."""

from __future__ import annotations

import numpy as np

from agent.engines.local import topics
from evals.thresholds import check, load_thresholds
from evals.results import SuiteResult


def test_blind_ext_files_are_never_topic_neighbours(tmp_path, monkeypatch):
    root = tmp_path / "evals" / "fixtures" / "claims"
    root.mkdir(parents=True)
    for name in ("labels_000a.jsonl", "dev_ext_1.jsonl", "blind_ext_1.jsonl"):
        (root / name).write_text("", encoding="utf-8")
    fake_module = tmp_path / "agent" / "engines" / "local" / "topics.py"
    monkeypatch.setattr(topics, "__file__", str(fake_module))
    assert [p.name for p in topics.default_fixture_paths()] == ["dev_ext_1.jsonl", "labels_000a.jsonl"]


def test_a_scored_abstract_is_never_its_own_neighbour(monkeypatch):
    """Leave-one-out: the fixture with the input's own abstract is skipped, the others vote."""
    tagger = topics.TopicTagger(fixture_paths=[])
    own = topics._Fixture("arXiv:0000.00000", "An invented abstract about pruning kernels.", ["pruning-sparsity"])
    other = topics._Fixture("arXiv:0000.00002", "Another invented abstract about quantized GEMM.", ["quantization"])
    vecs = np.array([[1.0, 0.0], [0.9, np.sqrt(1 - 0.81)]])
    monkeypatch.setattr(tagger, "_neighbour_index", lambda: ([own, other], vecs))
    votes = tagger._neighbour_signal(np.array([1.0, 0.0]), own.abstract)
    assert "pruning-sparsity" not in votes and votes["quantization"][1] == ["arXiv:0000.00002"]


def test_group_thresholds_parse_and_absent_group_is_skipped(tmp_path):
    gate = tmp_path / "t.toml"
    gate.write_text("[claims.speedups]\nf1 = 0.9\n[claims.dev_ext.speedups]\nf1 = 0.9\n"
                    "[claims.blind_ext.speedups]\nf1 = 0.95\n", encoding="utf-8")
    thresholds = load_thresholds(gate)
    assert ("claims", "dev_ext.speedups", "f1") in thresholds
    res = SuiteResult("claims", metrics={"speedups": {"f1": 1.0}, "dev_ext.speedups": {"f1": 0.92}},
                      unavailable={"blind_ext.speedups": "no blind_ext fixtures in this checkout"})
    checks = check([res], thresholds)
    assert {c.name for c in checks} == {"claims.speedups.f1", "claims.dev_ext.speedups.f1"}
    assert all(c.passed for c in checks)
