"""The set-membership scorer (agent/qa/set_membership.py): its features on the small real corpus, the
keep/drop/add decision, and the rebuilt answer (count, citations renumbered, filters kept). The shipped
model defers to the rule path (its thresholds were chosen on held-out files), so these tests use
invented models to exercise the mechanism."""

from __future__ import annotations

import re

from qa_support import qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask, set_membership
from agent.qa.router import route, vocabulary
from agent.qa.tools import QAContext

XILINX = ["004_74f5bfe55f112bb8.txt#20", "004_74f5bfe55f112bb8.txt#51", "004_74f5bfe55f112bb8.txt#55"]
QUESTION = "Name all the works whose prototypes were built on Xilinx boards."


def _model(weights: dict[str, float], bias: float, drop_below: float, add_at: float) -> dict:
    feats = list(set_membership.FEATURES)
    return {"features": feats, "mean": [0.0] * len(feats), "scale": [1.0] * len(feats), "bias": bias,
            "weights": [weights.get(f, 0.0) for f in feats], "drop_below": drop_below, "add_at": add_at}


def test_features_cover_rule_members_and_retrieval_candidates(qa_settings, qa_store):
    ans = ask(QUESTION, qa_settings, store=qa_store)
    rule = [c.id for c in ans.citations]
    feats = set_membership.candidate_features(QUESTION, QAContext(qa_store, qa_settings, None), rule, False)
    assert set(rule) <= set(feats) and len(feats) > len(rule)
    for pid, f in feats.items():
        assert set(f) == set(set_membership.FEATURES)
        assert f["rule"] == float(pid in rule) and 0.0 <= f["cover"] <= 1.0 and 0.0 <= f["entity"] <= 1.0


def test_decide_keeps_rule_members_above_drop_and_adds_others_at_add():
    feats = {"a": {f: 0.0 for f in set_membership.FEATURES}, "b": {f: 0.0 for f in set_membership.FEATURES},
             "c": {f: 0.0 for f in set_membership.FEATURES}}
    feats["a"]["rule"] = 1.0
    feats["c"]["cover"] = 1.0
    model = _model({"rule": 2.0, "cover": 4.0}, -1.0, drop_below=0.5, add_at=0.9)
    assert set(set_membership.decide(model, feats)) == {"a", "c"}     # b: p=0.27 < add_at
    assert set(set_membership.decide({**model, "drop_below": 0.8}, feats)) == {"c"}   # a: p=0.73 < 0.8


def test_rescore_rebuilds_the_listing_with_renumbered_citations(qa_settings, qa_store, monkeypatch):
    ctx = QAContext(qa_store, qa_settings, None)
    set_membership.ENABLED = False
    try:
        rule = ask(QUESTION, qa_settings, store=qa_store)
    finally:
        set_membership.ENABLED = True
    first = rule.citations[0].id
    # a model that keeps only the first rule member: the others fall below drop_below
    monkeypatch.setattr(set_membership, "load_model", lambda: _model({"rule": 1.0}, -0.5, 0.6, 1.01))
    monkeypatch.setattr(set_membership, "candidate_features",
                        lambda q, c, ids, declined: {pid: {**{f: 0.0 for f in set_membership.FEATURES},
                                                           "rule": 1.0 if pid == first else 0.0} for pid in ids})
    r = route(QUESTION, vocabulary(qa_store))
    out = set_membership.rescore(QUESTION, ctx, r, rule)
    assert [c.id for c in out.citations] == [first] and not out.insufficient
    assert out.answer.startswith("1 paper matches (") and "[1]" in out.answer and "[2]" not in out.answer
    assert out.answer.split("\n")[0].split("(", 1)[1] == rule.answer.split("\n")[0].split("(", 1)[1]


def test_the_shipped_model_defers_to_the_rule_path(qa_settings, qa_store):
    model = set_membership.load_model()
    assert model is not None and model["features"] == list(set_membership.FEATURES)
    ans = ask(QUESTION, qa_settings, store=qa_store)
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in XILINX}
    assert re.match(r"3 papers match \(", ans.answer)
