"""How many tags should an abstract get? Leave-one-file-out comparison of decision policies.

    python -m evals.topic_policies            # with embeddings (the default tagging mode)
    python -m evals.topic_policies --keywords-only

The acceptor (agent/data/topic_acceptor.json) gives each candidate tag a probability; the shipped
policy keeps every candidate at or above one global threshold (the best one if none is, when it
reaches `min_top`). This report measures alternatives on the same held-out protocol as
evals/train_topic_acceptor.py (each dev-ext file held out of the model, the neighbours, the
centroids and the probe), with every free parameter chosen on the training files only, from the
probabilities of an inner leave-one-file-out refit of the acceptor over them (the inner folds hold a
file out of the model, not of the neighbours: slightly optimistic for the tuned policies, which only
makes a negative result stronger):
- global: the shipped threshold; global-inner: one threshold chosen on the inner folds;
- per-tag: a threshold per tag with >= PER_TAG_MIN gold papers, chosen on the inner folds;
- by-rank: one threshold for the second most probable tag, another for the rest;
- expected-F1: the k that maximises the expected F1 of a top-k answer given the probabilities.
Nothing here is shipped; it records why one global threshold stays (README, issue 13).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from evals.loaders import claim_sources, fixture_group, load_claims
from evals.train_topic_acceptor import MIN_TOP, THRESHOLD, fit, fixture_vectors, held_out_unit, paper_rows

GRID = tuple(round(x, 3) for x in np.arange(0.25, 0.71, 0.05))
PER_TAG_MIN = 20


def keep_above(tags: list[str], probs: np.ndarray, threshold_of) -> set[str]:
    """Tags whose probability reaches their threshold; else the best one if it reaches MIN_TOP."""
    if not tags:
        return set()
    kept = {t for t, p in zip(tags, probs) if p >= threshold_of(t)}
    best = int(np.argmax(probs))
    return kept or ({tags[best]} if probs[best] >= MIN_TOP else {"other"})


def keep_by_rank(tags: list[str], probs: np.ndarray, second: float, rest: float) -> set[str]:
    """The most probable tag (if it reaches MIN_TOP), the second if >= `second`, others if >= `rest`."""
    if not tags:
        return set()
    order = np.argsort(-probs)
    kept = {tags[order[0]]} if probs[order[0]] >= MIN_TOP else set()
    kept |= {tags[j] for r, j in enumerate(order[1:], 1) if probs[j] >= (second if r == 1 else rest)}
    return kept or {"other"}


def keep_expected_f1(tags: list[str], probs: np.ndarray) -> set[str]:
    """Top-k with the k maximising E[F1] ~ 2·Σ_{i≤k} p_i / (k + Σ p) (independent tags)."""
    if not tags:
        return set()
    order = np.argsort(-probs)
    if probs[order[0]] < MIN_TOP:
        return {"other"}
    k = max(range(1, len(order) + 1), key=lambda n: 2 * probs[order[:n]].sum() / (n + probs.sum()))
    return {tags[j] for j in order[:k]}


def micro_f1(predicted: dict[int, set[str]], gold: list[list[str]]) -> float:
    tp = fp = fn = 0
    for i, pred in predicted.items():
        g = set(gold[i])
        tp, fp, fn = tp + len(pred & g), fp + len(pred - g), fn + len(g - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def choose(candidates, decide, tags_probs: dict[int, tuple], gold) -> object:
    """The parameter with the best inner F1 (ties: the first listed)."""
    return max(candidates, key=lambda c: round(micro_f1({i: decide(*tp, c) for i, tp in tags_probs.items()}, gold), 4))


def policies(inner: dict[int, tuple], gold: list[list[str]]) -> dict:
    """Each policy as a function (tags, probs) -> kept tags, its parameters fitted on `inner`."""
    g = choose(GRID, lambda t, p, th: keep_above(t, p, lambda _: th), inner, gold)
    per_tag: dict[str, float] = {}
    counts: dict[str, int] = {}
    for i in inner:
        for t in gold[i]:
            counts[t] = counts.get(t, 0) + 1
    for tag in sorted(t for t, n in counts.items() if n >= PER_TAG_MIN):
        per_tag[tag] = choose(GRID, lambda t, p, th: keep_above(t, p, lambda x: th if x == tag else per_tag.get(x, g)),
                              inner, gold)
    ranks = choose([(a, b) for a in GRID for b in GRID], lambda t, p, ab: keep_by_rank(t, p, *ab), inner, gold)
    return {"global": lambda t, p: keep_above(t, p, lambda _: THRESHOLD),
            "global-inner": lambda t, p: keep_above(t, p, lambda _: g),
            "per-tag": lambda t, p: keep_above(t, p, lambda x: per_tag.get(x, g)),
            "by-rank": lambda t, p: keep_by_rank(t, p, *ranks),
            "expected-F1": keep_expected_f1}


def probabilities(papers, train: list[int], predict: list[int]) -> dict[int, tuple]:
    """(tags, acceptor probabilities) of the `predict` papers from a model fitted on `train`."""
    rows = [i for i in train if papers[i][0]]
    w = fit(np.array([r for i in rows for r in papers[i][1]]), np.array([v for i in rows for v in papers[i][2]]))
    return {i: (papers[i][0], 1 / (1 + np.exp(-np.clip(np.array(papers[i][1]) @ w, -30, 30)))
                if papers[i][0] else np.array([])) for i in predict}


def compare(use_embeddings: bool) -> dict[str, dict[str, float]]:
    """Policy -> {"dev_ext": pooled F1, <held-out unit>: F1} over the dev-ext files held out in turn."""
    from agent.engines.local.topics import TopicTagger, default_fixture_paths

    sources = claim_sources()
    fixtures = [f for f in load_claims() if fixture_group(sources[f["id"]]) != "blind_ext"]
    units = [held_out_unit(sources[f["id"]]) for f in fixtures]
    gold = [f["topics"] for f in fixtures]
    tagger, vecs = TopicTagger(fixture_paths=default_fixture_paths()), fixture_vectors(fixtures, use_embeddings)
    predicted: dict[str, dict[int, set[str]]] = {}
    for held in sorted(u for u in set(units) if fixture_group(u) == "dev_ext"):
        inside = [i for i, u in enumerate(units) if u == held]
        papers = paper_rows(tagger.without({fixtures[i]["abstract"].strip() for i in inside}), fixtures,
                            use_embeddings, vecs)
        train = [i for i, u in enumerate(units) if u != held]
        inner: dict[int, tuple] = {}
        for other in sorted({units[i] for i in train}):
            inner.update(probabilities(papers, [i for i in train if units[i] != other],
                                       [i for i in train if units[i] == other]))
        outer = probabilities(papers, train, inside)
        for name, decide in policies(inner, gold).items():
            predicted.setdefault(name, {}).update({i: decide(*outer[i]) for i in inside})
    return {name: {"dev_ext": round(micro_f1(pred, gold), 3),
                   **{u: round(micro_f1({i: p for i, p in pred.items() if units[i] == u}, gold), 3)
                      for u in sorted({units[i] for i in pred})}}
            for name, pred in predicted.items()}


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--keywords-only", action="store_true")
    opts = args.parse_args(argv)
    for name, figures in compare(not opts.keywords_only).items():
        print(f"{name:13s} leave-one-file-out topic F1: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
