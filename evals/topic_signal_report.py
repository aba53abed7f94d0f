"""Leave-one-file-out topic F1 per file AND per tag, for comparing topic signals (issue 13).

    python -m evals.topic_signal_report [--keywords-only] [--vectors-cache PATH]

Same protocol as evals/train_topic_acceptor.py (each held-out unit is left out of the acceptor, the
neighbours, the centroids, the probe and the text model), at the shipped threshold, with the pooled
counts per tag so a new signal can be judged where it is meant to help. Nothing here is shipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from evals.loaders import claim_sources, fixture_group, load_claims
from evals.train_topic_acceptor import fit, fixture_vectors, held_out_unit, paper_rows, predict


def f1(c: list[int]) -> float:
    tp, fp, fn = c
    return round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0


def lofo_counts(use_embeddings: bool, threshold: float, cache: str | None = None):
    """{file / unit / group / "tag:<name>": [tp, fp, fn]} over every held-out unit."""
    from agent.engines.local.topics import TopicTagger, default_fixture_paths

    sources = claim_sources()
    fixtures = [f for f in load_claims() if fixture_group(sources[f["id"]]) != "blind_ext"]
    files = [sources[f["id"]] for f in fixtures]
    units = [held_out_unit(f) for f in files]
    tagger = TopicTagger(fixture_paths=default_fixture_paths())
    if use_embeddings and cache and Path(cache).is_file():
        vecs = list(np.load(cache))
    else:
        vecs = fixture_vectors(fixtures, use_embeddings)
        if use_embeddings and cache:
            np.save(cache, np.array(vecs))
    counts: dict[str, list[int]] = {}
    for held in sorted(set(units)):
        inside = [i for i in range(len(fixtures)) if units[i] == held]
        papers = paper_rows(tagger.without({fixtures[i]["abstract"].strip() for i in inside}), fixtures,
                            use_embeddings, vecs)
        train = [i for i in range(len(papers)) if units[i] != held]
        w = fit(np.array([r for i in train for r in papers[i][1]]), np.array([v for i in train for v in papers[i][2]]))
        for i in inside:
            pred, gold = predict(w, papers[i][0], papers[i][1], threshold), set(fixtures[i]["topics"])
            keys = {files[i], held, fixture_group(files[i]), "all"}
            for key in keys:
                c = counts.setdefault(key, [0, 0, 0])
                c[0], c[1], c[2] = c[0] + len(pred & gold), c[1] + len(pred - gold), c[2] + len(gold - pred)
            for t in pred | gold:
                c = counts.setdefault(f"tag:{t}", [0, 0, 0])
                c[0], c[1], c[2] = c[0] + (t in pred and t in gold), c[1] + (t in pred and t not in gold), \
                    c[2] + (t in gold and t not in pred)
    return counts


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--keywords-only", action="store_true")
    args.add_argument("--threshold", type=float, default=0.5)
    args.add_argument("--vectors-cache", default=None, help="an .npy file for the fixture vectors (reused if present)")
    opts = args.parse_args(argv)
    counts = lofo_counts(not opts.keywords_only, opts.threshold, opts.vectors_cache)
    for key in sorted(k for k in counts if not k.startswith("tag:")):
        print(f"{key:28s} F1 {f1(counts[key])}  tp/fp/fn {counts[key]}")
    for key in sorted((k for k in counts if k.startswith("tag:")), key=lambda k: -sum(counts[k])):
        tp, fp, fn = counts[key]
        print(f"{key:28s} F1 {f1(counts[key])}  gold {tp + fn:3d}  tp/fp/fn {counts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
