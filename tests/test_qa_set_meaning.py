"""The per-constraint meaning check (agent/qa/set_meaning.py), on invented papers and a toy embedder
whose dimensions are concepts, so two wordings of one concept land on the same vector."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from agent.qa import set_meaning
from agent.qa.set_concepts import Concepts
from agent.qa.set_groups import Group

CONCEPTS = ({"gradient", "gradients", "differentiable"}, {"robot", "manipulator", "arm"}, {"image", "images", "vision"})


def toy_embed(texts):
    rows = []
    for text in texts:
        words = set(text.lower().replace(".", " ").split())
        v = np.array([float(bool(words & c)) for c in CONCEPTS] + [0.1])
        rows.append(v / np.linalg.norm(v))
    return np.array(rows, dtype=np.float32)


def paper(pid, title, abstract):
    return SimpleNamespace(id=pid, title=title, abstract=abstract)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(set_meaning, "_SENTENCES", {})


def concepts(subject, *qualifiers, must=1.0):
    return Concepts(Group([("x",)], subject), [Group([("y",)], q, must=must) for q in qualifiers])


def test_weakest_constraint_decides_and_paraphrase_counts():
    both = paper("p1", "Tuning a manipulator", "We optimise the controller with gradients. It grasps cups.")
    one = paper("p2", "A differentiable renderer", "We render images. It is fast.")
    feats = set_meaning.candidate_meaning(concepts("differentiable", "robot arm"), [both, one], embed=toy_embed)
    assert feats["p1"]["mean_min"] > 0.9            # "with gradients" meets "differentiable" in other words
    assert feats["p2"]["mean_min"] < 0.2            # says the subject, never the robot
    assert feats["p2"]["mean_subj"] > 0.9
    assert feats["p1"]["mean_rel_min"] == pytest.approx(1.0)
    assert feats["p1"]["mean_z_min"] > feats["p2"]["mean_z_min"]


def test_spelled_alternatives_any_one_meets_the_group():
    vision = paper("p3", "Seeing better", "A vision model for drones.")
    feats = set_meaning.candidate_meaning(concepts("robot / images"), [vision, paper("p4", "Other", "Nothing here.")],
                                          embed=toy_embed)
    assert feats["p3"]["mean_min"] > 0.9
    assert feats["p4"]["mean_min"] < 0.2


def test_soft_qualifier_is_not_a_constraint():
    c = concepts("differentiable", "robot", must=0.2)
    assert set_meaning.constraint_phrases(c) == ["differentiable"]


def test_no_groups_falls_back_to_the_question_and_none_is_neutral():
    p = paper("p5", "Gradient methods", "Differentiable physics.")
    empty = Concepts(None, [])
    assert set_meaning.candidate_meaning(empty, [p], embed=toy_embed)["p5"] == dict.fromkeys(set_meaning.FEATURES, 0.0)
    feats = set_meaning.candidate_meaning(empty, [p], fallback="which papers use gradients", embed=toy_embed)
    assert feats["p5"]["mean_min"] > 0.9


def test_sentence_vectors_are_cached_per_paper():
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return toy_embed(texts)

    p = paper("p6", "A robot", "It moves. It sees images.")
    set_meaning.sentence_vectors([p], counting)
    set_meaning.sentence_vectors([p], counting)
    assert calls == [3]
