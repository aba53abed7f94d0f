"""Leave-one-file-out trials of extra acceptor features on cached tagger evidence, and a label audit.

    python -m evals.topic_trials [--mode keywords_only] [--exclude dev_ext_12] [--cache PATH] [TRIAL ...]
    python -m evals.topic_trials --audit [--exclude dev_ext_12]

The tagger's evidence (keywords, embeddings, neighbours, centroid, probe, text model) for every labelled
paper is computed once per held-out unit, as evals/train_topic_acceptor.py's leave-one-file-out does it
(the unit out of the neighbours, centroids, probe and text model), and kept in `--cache` (a pickle).
Each TRIAL then appends columns to the acceptor's FEATURES rows and refits the acceptor per held-out
unit in seconds, so a candidate feature is judged on the same protocol as the shipped acceptor, per
file and per tag, without recomputing the signals (~3 min) for each one. Nothing here is shipped.

`--audit` counts, per held-out unit, the papers labelled distributed-training and how many of them also
carry training-efficiency: both readings fit LABELLING §4, and the files disagree (issue 13).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import numpy as np

from agent.engines.local.topic_acceptor import CANDIDATES, candidate_rows, candidates, central_rule
from evals.loaders import fixture_group
from evals.train_topic_acceptor import L2_BY_MODE, THRESHOLDS, fit, fixture_vectors, held_out_unit, predict, training_set

Trial = Callable[[list, dict[str, Any], dict[str, Any]], list[list[float]]]


def evidence_rows(tagger, fixtures: list[dict], vecs: list, use: bool) -> list[tuple[list, dict]]:
    """Per fixture: the acceptor's candidates (as accept() picks them) and the evidence of each."""
    from agent.engines.local.topics import rank_candidates

    out = []
    for fx, vec in zip(fixtures, vecs):
        ev = tagger.evidence(fx.get("title"), fx["abstract"], vec)
        cands = candidates(rank_candidates(ev, use)[:CANDIDATES], ev, tagger.central, central_rule(use) == "hard")
        out.append((cands, {c[1]: ev[c[1]] for c in cands}))
    return out


def build_cache(mode: str, exclude: tuple[str, ...]) -> dict[str, Any]:
    """Evidence of every labelled paper with each held-out unit left out of the tagger (the slow part)."""
    from agent.engines.local.topics import TopicTagger

    use = mode == "with_embeddings"
    fixtures, files, _, _, paths = training_set(exclude)
    tagger = TopicTagger(fixture_paths=paths)
    vecs = fixture_vectors(fixtures, use)
    units = [held_out_unit(f) for f in files]
    lofo = {}
    for unit in sorted(set(units)):
        view = tagger.without({fixtures[i]["abstract"].strip() for i in range(len(fixtures)) if units[i] == unit})
        lofo[unit] = evidence_rows(view, fixtures, vecs, use)
    return {"mode": mode, "fixtures": fixtures, "files": files, "units": units, "lofo": lofo,
            "taxonomy": (tagger.kinds, tagger.central)}


def label_table(topics: list[list[str]]) -> dict[str, Any]:
    """Tag and tag-pair counts of the training papers' labels (for co-occurrence trials)."""
    single: Counter = Counter(t for tags in topics for t in tags)
    pairs: Counter = Counter((a, b) for tags in topics for a in tags for b in tags if a != b)
    return {"single": single, "pairs": pairs, "n": max(1, len(topics))}


def rows_of(cache: dict, entries: list, trial: Trial | None, floor: float,
            ctx: dict[str, Any]) -> list[tuple[list[str], list]]:
    out = []
    for cands, ev in entries:
        base = candidate_rows(cands, ev, cache["taxonomy"], floor)
        extra = trial(cands, ev, ctx) if trial else [[] for _ in cands]
        out.append(([c[1] for c in cands], [b + e for b, e in zip(base, extra)]))
    return out


def _add(counts: dict, key: str, pred: set, gold: set) -> None:
    c = counts.setdefault(key, [0, 0, 0])
    c[0], c[1], c[2] = c[0] + len(pred & gold), c[1] + len(pred - gold), c[2] + len(gold - pred)


def trial_counts(cache: dict, trial: Trial | None) -> dict[float, dict[str, list[int]]]:
    """Per threshold, [tp, fp, fn] per group, per held-out unit and per tag (dev-ext papers) ("tag:<name>")."""
    from agent.engines.local.topics import ABS_MIN, ABS_MIN_KEYWORDS_ONLY

    mode, fixtures, units, files = cache["mode"], cache["fixtures"], cache["units"], cache["files"]
    floor = ABS_MIN if mode == "with_embeddings" else ABS_MIN_KEYWORDS_ONLY
    counts: dict[float, dict[str, list[int]]] = {th: {} for th in THRESHOLDS}
    for unit, entries in sorted(cache["lofo"].items()):
        train = [i for i in range(len(fixtures)) if units[i] != unit]
        ctx = {**label_table([fixtures[i]["topics"] for i in train]), "taxonomy": cache["taxonomy"], "floor": floor}
        rows = rows_of(cache, entries, trial, floor, ctx)
        w = fit(np.array([r for i in train for r in rows[i][1]]),
                np.array([float(t in fixtures[i]["topics"]) for i in train for t in rows[i][0]]), L2_BY_MODE[mode])
        for i in (i for i in range(len(fixtures)) if units[i] == unit):
            gold, group = set(fixtures[i]["topics"]), fixture_group(files[i])
            for th in THRESHOLDS:
                pred = predict(w, rows[i][0], rows[i][1], th)
                _add(counts[th], group, pred, gold)
                _add(counts[th], "unit:" + unit, pred, gold)
                for tag in (pred | gold) if group == "dev_ext" else ():
                    _add(counts[th], "tag:" + tag, pred & {tag}, gold & {tag})
    return counts


def f1(c: list[int]) -> float:
    return round(2 * c[0] / (2 * c[0] + c[1] + c[2]), 4) if sum(c) else 1.0


# -- trials: each returns extra columns per candidate (same order), from its evidence only ---------------
def _top_by_text(cands: list, ev: dict) -> str | None:
    return max((c[1] for c in cands), key=lambda t: ev[t].text) if cands else None


def neighbour_pairs(cands: list, ev: dict, ctx: dict) -> list[list[float]]:
    """Of the nearest labelled neighbours carrying the paper's first tag (by the text model), the share
    that also carry this candidate: tag co-occurrence read locally, among papers like this one."""
    first = _top_by_text(cands, ev)
    with_first = set(ev[first].neighbour_ids) if first else set()
    return [[len(with_first & set(ev[c[1]].neighbour_ids)) / len(with_first)
             if with_first and c[1] != first else 0.0] for c in cands]


def label_cooccurrence(cands: list, ev: dict, ctx: dict) -> list[list[float]]:
    """P(candidate | the paper's first tag by the text model) minus P(candidate), from the training labels
    (add-one smoothed), alone and times the candidate's text score; 0 for the first tag itself."""
    first, n = _top_by_text(cands, ev), ctx["n"]
    out = []
    for c in cands:
        if c[1] == first:
            out.append([0.0, 0.0])
            continue
        prior = ctx["single"][c[1]] / n
        lift = (ctx["pairs"][(first, c[1])] + prior) / (ctx["single"][first] + 1) - prior
        out.append([lift, lift * ev[c[1]].text])
    return out


def second_tag_weights(cands: list, ev: dict, ctx: dict) -> list[list[float]]:
    """The candidate's own FEATURES row again, zero for the paper's first tag by the text model: the
    acceptor gets separate weights for the second and later tags."""
    first = _top_by_text(cands, ev)
    rows = candidate_rows(cands, ev, ctx["taxonomy"], ctx["floor"]) if cands else []
    return [[v * (c[1] != first) for v in row] for c, row in zip(cands, rows)]


def relative_cues(cands: list, ev: dict, ctx: dict) -> list[list[float]]:
    """Cue spread and keyword score relative to the paper's best candidate (a tag with half the cues)."""
    best_spread = max((ev[c[1]].spread for c in cands), default=0.0) or 1.0
    best_kw = max((ev[c[1]].keywords for c in cands), default=0.0) or 1.0
    return [[ev[c[1]].spread / best_spread, ev[c[1]].keywords / best_kw] for c in cands]


TRIALS: dict[str, Trial | None] = {"base": None, "neighbour_pairs": neighbour_pairs,
                                   "label_cooccurrence": label_cooccurrence,
                                   "second_tag_weights": second_tag_weights, "relative_cues": relative_cues}


def audit(exclude: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Per held-out unit: (papers labelled distributed-training, of them also training-efficiency),
    each distinct abstract once."""
    fixtures, files, *_ = training_set(exclude)
    seen: set[str] = set()
    out: dict[str, tuple[int, int]] = {}
    for fx, name in zip(fixtures, files):
        if fx["abstract"] in seen or "distributed-training" not in fx["topics"]:
            continue
        seen.add(fx["abstract"])
        n, both = out.get(held_out_unit(name), (0, 0))
        out[held_out_unit(name)] = (n + 1, both + ("training-efficiency" in fx["topics"]))
    return dict(sorted(out.items()))


def report(name: str, counts: dict[float, dict[str, list[int]]], per_tag: bool) -> None:
    for th, c in counts.items():
        units = " ".join(f"{k[5:]}={f1(v):.3f}" for k, v in sorted(c.items()) if k.startswith("unit:"))
        print(f"{name} threshold {th}: dev_ext {f1(c['dev_ext'])} in_sample {f1(c['in_sample'])}  {units}")
    th = max(counts, key=lambda t: (f1(counts[t]["dev_ext"]), t))
    for key, (tp, fp, fn) in sorted(counts[th].items()) if per_tag else ():
        if key.startswith("tag:"):
            print(f"  {key[4:]:24s} P {tp / (tp + fp) if tp + fp else 0:.3f} R {tp / (tp + fn) if tp + fn else 0:.3f}"
                  f"  tp {tp} fp {fp} fn {fn}  (threshold {th})")


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("trials", nargs="*", metavar="TRIAL", help=f"default: base; any of {', '.join(TRIALS)}")
    args.add_argument("--mode", choices=("with_embeddings", "keywords_only"), default="with_embeddings")
    args.add_argument("--exclude", action="append", default=[], metavar="PREFIX")
    args.add_argument("--cache", metavar="PATH", help="keep the per-unit evidence here (built when missing)")
    args.add_argument("--audit", action="store_true", help="the distributed-training / training-efficiency count")
    opts = args.parse_args(argv)
    unknown = [t for t in opts.trials if t not in TRIALS]
    if unknown:
        args.error(f"unknown trial {unknown[0]!r} (known: {', '.join(TRIALS)})")
    if opts.audit:
        for unit, (n, both) in audit(tuple(opts.exclude)).items():
            print(f"{unit:28s} distributed-training {n:3d}, also training-efficiency {both:3d}")
        return 0
    path = Path(opts.cache) if opts.cache else None
    if path and path.is_file():
        cache = pickle.loads(path.read_bytes())
    else:
        cache = build_cache(opts.mode, tuple(opts.exclude))
        if path:
            path.write_bytes(pickle.dumps(cache))
    for name in opts.trials or ["base"]:
        report(name, trial_counts(cache, TRIALS[name]), per_tag=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
