"""Two recall-first decision rules over the set-membership candidates, measured leave-one-FILE-out
against the rule path (the rows of bench/set_membership.py; run that first, it caches them).

    PAPERS_HOME=/tmp/somewhere python -m bench.set_membership_alt

- `break`: the scorer of agent/qa/set_membership.py ranks the candidates the rule path left out; the
  top j join, j at the largest drop between neighbours among the first 6, when that drop is at least
  `gap` and the j-th is at or above `floor` (a natural break instead of one absolute threshold);
  rule members stay unless below `drop`.
- `add`: a second logistic model fitted on the left-out candidates only, with each evidence feature
  also relative to the weakest rule member's (a candidate as strong as what the rules found), adds the
  candidates at or above a threshold.

Parameters are chosen on the 8 training files (most complete questions; ties: the least change to
the rule path) and the 9th is scored. Neither beats the rule path (see the round-5 report), so
neither ships; the script keeps the measurement reproducible.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np

from bench import set_membership as sm

TOP = 6
BREAK_GRID = list(itertools.product([0.5, 0.6, 0.7, 0.8, 0.9, 1.01], [0.1, 0.2, 0.3, 0.4, 0.5], [0.0, 0.1, 0.2, 0.3]))
ADD_GRID = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]
RELATIVE = ("dense", "cover", "sent_cover", "bm25_rel", "hybrid_rr", "subj_n", "qual_any", "entity")


def complete(row: dict, ids: list[str], declined: bool) -> int:
    if row["kind"] == "unanswerable":
        return int(declined)
    answers = set(row["answers"])
    hit = len(set(ids) & answers)
    return int(not declined and bool(answers) and hit == len(answers) and hit / max(1, len(set(ids))) >= 0.75)


def break_ids(row: dict, probs: dict[str, float], floor: float, gap: float, drop: float) -> set[str]:
    cands = row["cands"]
    kept = {pid for pid, p in probs.items() if cands[pid]["rule"] and p >= drop}
    others = sorted(((p, pid) for pid, p in probs.items() if not cands[pid]["rule"]), reverse=True)[:TOP + 1]
    ps = [p for p, _ in others] + [0.0]
    best = None
    for j in range(1, min(TOP, len(others)) + 1):
        g = ps[j - 1] - ps[j]
        if ps[j - 1] >= floor and g >= gap and (best is None or g > best[0]):
            best = (g, j)
    return kept | ({pid for _, pid in others[:best[1]]} if best else set())


def break_outcome(row: dict, probs: dict | None, params) -> int:
    if probs is None or not row["cands"]:
        return complete(row, row["rule"], row["declined"])
    kept = break_ids(row, probs, *params)
    return complete(row, list(kept), False) if kept else complete(row, row["rule"], row["declined"])


def add_features(row: dict) -> dict[str, list[float]]:
    from agent.qa.set_membership import FEATURES

    cands = row["cands"]
    rule = [p for p in cands if cands[p]["rule"]]
    base = [f for f in FEATURES if f != "rule"]
    return {pid: [f[k] for k in base] + [f[k] - min((cands[p][k] for p in rule), default=0.0) for k in RELATIVE]
            for pid, f in cands.items() if not f["rule"]}


def add_fit(rows: list[dict], l2: float = 1.0):
    X, y = [], []
    for row in rows:
        if row["kind"] == "set" and not row["answers"]:
            continue
        for pid, v in add_features(row).items():
            X.append(v)
            y.append(1.0 if pid in row["answers"] else 0.0)
    return newton_logistic(np.array(X), np.array(y), l2)


def newton_logistic(X, y, l2: float):
    """L2 logistic regression on standardised features by Newton steps from zero (deterministic, no
    seed); the intercept is not penalised. Returns (mean, scale, weights with the intercept first)."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mean) / scale])
    w, reg = np.zeros(Z.shape[1]), np.full(Z.shape[1], l2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(Z @ w, -30, 30)))
        step = np.linalg.solve((Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg + 1e-9), Z.T @ (p - y) + reg * w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w


def add_outcome(row: dict, model, th: float) -> int:
    ids, declined = list(row["rule"]), row["declined"]
    if model is not None and row["cands"]:
        mean, scale, w = model
        for pid, v in add_features(row).items():
            if 1 / (1 + np.exp(-(w[0] + ((np.array(v) - mean) / scale) @ w[1:]))) >= th:
                ids, declined = ([] if declined else ids) + [pid], False
    return complete(row, ids, declined)


def lofo(rows: list[dict]) -> dict[str, dict[str, list[int]]]:
    """file -> kind -> [n, rule, break, add] completed."""
    from agent.qa.set_membership import probability

    out: dict = {}
    for file in sorted({r["file"] for r in rows}):
        train = [r for r in rows if r["file"] != file]
        scorer = sm.fit(train)
        probs = {id(r): {pid: probability(scorer, f) for pid, f in r["cands"].items()} for r in rows}
        pb = max(BREAK_GRID, key=lambda g: (sum(break_outcome(r, probs[id(r)], g) for r in train), g[0], -g[2], g[1]))
        add = add_fit(train)
        pa = max(ADD_GRID, key=lambda t: (sum(add_outcome(r, add, t) for r in train), t))
        for kind in ("set", "unanswerable"):
            held = [r for r in rows if r["file"] == file and r["kind"] == kind]
            out.setdefault(file, {})[kind] = [len(held), sum(complete(r, r["rule"], r["declined"]) for r in held),
                                             sum(break_outcome(r, probs[id(r)], pb) for r in held),
                                             sum(add_outcome(r, add, pa) for r in held)]
    return out


def main() -> None:
    cache = Path(os.environ.get("PAPERS_HOME") or "/tmp") / "set_membership_rows.json"
    rows = [r for r in json.loads(cache.read_text()) if not r["threshold"] and r["cands"]]
    table = lofo(rows)
    print(f"{'file':18} {'kind':13} {'n':>3} {'rule':>5} {'break':>6} {'add':>4}   (held-out file; threshold sets left out)")
    for file, kinds in table.items():
        for kind, (n, *figs) in kinds.items():
            if n:
                print(f"{file:18} {kind:13} {n:>3} " + " ".join(f"{v:>5}" for v in figs))
    for kind in ("set", "unanswerable"):
        tot = [sum(t[kind][i] for t in table.values()) for i in range(4)]
        print(f"{'all':18} {kind:13} {tot[0]:>3} " + " ".join(f"{v:>5}" for v in tot[1:]))


if __name__ == "__main__":
    main()
