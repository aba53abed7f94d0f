"""Boosted-tree TL;DR picker (tldr_trees, issue 15 round 9): on invented candidate groups whose best
candidate is an interaction a linear score cannot express, the trees pick it, the pure-Python
`margin` reproduces the training margins, and two fits are identical."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench import tldr_trees as tt

pytest.importorskip("sklearn")


def xor_groups(n_groups: int = 60):
    """Each invented abstract has four candidates, one per (cue, early) pair; the good one has a
    contribution cue XOR an early position (both together is worst), with a third, noisy feature."""
    rng = np.random.default_rng(7)
    rows, ys = [], []
    for _ in range(n_groups):
        for cue in (0.0, 1.0):
            for early in (0.0, 1.0):
                rows.append([cue, early, float(rng.normal())])
                ys.append(0.6 if cue != early else 0.1 if cue else 0.3)
    return np.array(rows), [4] * n_groups, np.array(ys)


@pytest.mark.parametrize("loss", ["softmax", "lambda"])
def test_trees_learn_an_interaction_and_margin_reproduces_training(loss):
    X, sizes, y = xor_groups()
    config = {"loss": loss, "rounds": 60, "lr": 0.3, "depth": 2, "leaf": 5}
    trees = tt.fit_trees(X, sizes, y, config)
    trees = json.loads(json.dumps(trees))               # survives the JSON round trip
    scores = np.array([tt.margin(list(x), trees) for x in X])
    top = tt.picked(scores, sizes, np.c_[y, y, y])
    assert (top[:, 0] == 0.6).all()
    assert trees == json.loads(json.dumps(tt.fit_trees(X, sizes, y, config)))


def test_margin_walks_a_hand_written_tree():
    tree = {"f": [1, -1, -1], "t": [0.5, 0.0, 0.0], "l": [1, -1, -1], "r": [2, -1, -1], "v": [0.0, -1.0, 2.0]}
    assert tt.margin([9.0, 0.5], [tree]) == -1.0        # equal to the threshold goes left
    assert tt.margin([9.0, 0.7], [tree, tree]) == 4.0


def test_lambda_gradients_push_the_better_candidate_up():
    g, h = tt._lambdas(np.array([0.0, 1.0, 0.5]), np.array([0.9, 0.1, 0.1]))
    assert g[0] < 0 < g[1] and (h > 0).all()             # gradient descent raises candidate 0
