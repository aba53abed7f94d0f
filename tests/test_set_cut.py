"""The per-question cut of bench/set_cut.py on invented candidate probabilities."""

import math

from bench.set_cut import complete, expected_cut, extended, p_complete


def test_p_complete_of_nothing_is_every_candidate_missing():
    assert math.isclose(p_complete([0.5, 0.2], 0), 0.5 * 0.8)


def test_p_complete_needs_no_member_below_the_cut_and_precision():
    # top-1 complete: it is a member and the other is not
    assert math.isclose(p_complete([0.9, 0.1], 1), 0.9 * 0.9)
    # top-2 with one member and one non-member has precision 0.5: only both members count
    assert math.isclose(p_complete([0.9, 0.1], 2), 0.9 * 0.1)


def test_expected_cut_stops_at_the_drop_in_probability():
    probs = {"gpu-kernels": 0.95, "sparse-attention": 0.9, "survey": 0.15, "compiler": 0.1}
    assert expected_cut(probs) == ["gpu-kernels", "sparse-attention"]


def test_expected_cut_lists_nothing_when_no_candidate_is_likely():
    assert expected_cut({"a": 0.05, "b": 0.02}) == []


def test_extended_adds_only_to_a_single_paper_answer():
    probs = {"x": 0.99, "y": 0.92, "z": 0.4}
    assert extended({"rule": ["x"]}, probs, 0.9) == ["x", "y"]
    assert extended({"rule": ["x", "z"]}, probs, 0.9) == ["x", "z"]


def test_complete_counts_recall_and_precision():
    row = {"kind": "set", "answers": ["a", "b", "c"]}
    assert complete(["a", "b", "c", "d"], False, row) == 1      # precision 0.75
    assert complete(["a", "b", "c", "d", "e"], False, row) == 0
    assert complete(["a", "b"], False, row) == 0
    assert complete([], True, {"kind": "unanswerable", "answers": []}) == 1


def test_added_grows_an_answer_of_any_length_by_at_most_three():
    from bench.set_cut import added

    probs = {"x": 0.99, "y": 0.92, "z": 0.4, "u": 0.95, "v": 0.97, "w": 0.96}
    assert added({"rule": ["x", "z"]}, probs, 0.9) == ["x", "z", "v", "w", "u"]


def test_best_k_is_the_hindsight_length_of_the_ranked_list():
    from bench.set_cut import answer

    row = {"kind": "set", "answers": ["a", "b"], "rule": ["a"], "declined": False,
           "cands": {"a": {"s": 3.0}, "b": {"s": 2.0}, "c": {"s": 1.0}}}
    import numpy as np

    model = (("s",), np.array([0.0]), np.array([1.0]), np.array([0.0, 1.0]))
    assert answer(row, model, "best_k") == (["a", "b"], False)
