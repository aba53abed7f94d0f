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


def test_topic_acceptor_ships_and_matches_its_features():
    from agent.engines.local.topic_acceptor import FEATURES, load_model

    model = load_model()
    assert model is not None and model["features"] == list(FEATURES)
    for mode in ("with_embeddings", "keywords_only"):
        assert len(model[mode]["weights"]) == len(FEATURES) and 0 < model[mode]["threshold"] < 1
    assert "blind_ext" not in model["trained_on"]  # the held-out group never trains anything


def test_acceptor_keeps_the_central_rule():
    """An invented abstract that mentions phones only in passing gets no edge-mobile tag."""
    from agent.engines.local.topics import tag_topics

    text = ("We propose a sparse attention kernel that skips masked blocks and fuses softmax into the "
            "matrix multiply. Similar kernels are often shipped in phone apps. It cuts attention latency by 2x.")
    assert "edge-mobile" not in [t.tag for t in tag_topics(None, text, use_embeddings=False)]


def test_training_fit_is_a_logistic_regression():
    from evals.train_topic_acceptor import fit

    rows = np.array([[1.0, x] for x in np.linspace(-3, 3, 40)])
    labels = (rows[:, 1] > 0).astype(float)
    w = fit(rows, labels)
    assert w[1] > 0 and abs(w[0]) < 1.0


def test_second_tags_from_the_definitions_shapes():
    """Invented abstracts: the second tag the old cue list missed is kept (issue 13)."""
    from agent.engines.local.topics import tag_topics

    def tags(title, text):
        return [t.tag for t in tag_topics(title, text, use_embeddings=False)]

    assert tags("Operator Scheduling for Tiny Devices",
                "We present a tool that changes the execution order of a network's operators to lower the peak "
                "memory of CNN inference on microcontrollers. The reordered models fit on boards with 256KB SRAM."
                ) == ["compiler-scheduling", "edge-mobile"]
    assert tags(None, "We propose a quantization-aware training recipe for vision transformers that quantizes "
                      "activations first and weights later. It trains 50x faster than existing QAT methods and "
                      "reaches 4-bit accuracy close to FP32 on ImageNet.") == ["quantization", "training-efficiency"]
    assert "efficient-architecture" in tags(None, "We introduce early-exit heads for convolutional networks so "
                                                  "that easy inputs leave after a few layers; adaptive inference "
                                                  "cuts the average compute by 40% with no accuracy loss.")
