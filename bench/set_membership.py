"""Fit the set-membership scorer (agent/qa/set_membership.py) on the tuning files' set questions and
report leave-one-FILE-out figures (fit on the other files, score the held-out one).

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --build     # once: ingest + extract the seeds
    PAPERS_HOME=/tmp/somewhere python -m bench.set_membership      # figures only
    PAPERS_HOME=/tmp/somewhere python -m bench.set_membership --write   # also agent/data/set_membership.json

Rows: for every set question (and every not-covered question the router sends down the set path,
whose candidates are all negatives, so the scorer learns to leave a decline alone), the rule path's
answer with the scorer off, then one row per candidate paper with its features and whether the
question's labelled answer holds it. The model: logistic regression on standardised features,
L2-penalised, class-balanced, Newton steps from zero (deterministic); the two thresholds (drop a rule member
below, add another candidate at or above) are the pair that completes the most training questions
(ties: the least change to the rule path). A question counts complete as in
evals/qa_suite.py (recall 1, precision >= 0.75, not declined); a not-covered question counts when it
stays declined.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

from bench.common import held_out as skipped_files
from bench.qa_dev import ROOT, TUNING_FILES

L2 = 1.0
DROP_BELOW = [round(0.05 * i, 2) for i in range(0, 11)]      # 0: never drop a rule member
ADD_AT = [round(0.05 * i, 2) for i in range(10, 20)] + [1.01]  # 1.01: never add one


def collect(settings, skip: tuple[str, ...] = ()) -> list[dict]:
    from agent.corpus import open_store
    from agent.qa import ask, set_membership, thresholds
    from agent.qa.tools import QAContext
    from bench.set_failures import path_of
    from evals.corpus_env import EvalCorpus

    store = open_store(settings)
    corpus = EvalCorpus(settings, store, True)
    out = []
    set_membership.ENABLED = False
    try:
        for file, _ in TUNING_FILES:
            if file in skip:        # the held-out file: no rows at all, so no fit or choice can see it
                continue
            for line in (ROOT / "evals" / "fixtures" / file).read_text().splitlines():
                q = json.loads(line)
                if q["kind"] not in ("set", "unanswerable"):
                    continue
                answer = ask(q["question"], settings=settings, store=store)
                rule = [c.id for c in answer.citations] if not answer.insufficient else []
                row = {"file": file, "id": q["id"], "kind": q["kind"], "answers": corpus.paper_ids(q["answers"]),
                       "route": answer.route, "rule": rule, "declined": answer.insufficient,
                       "threshold": thresholds.find(q["question"]) is not None, "cands": {},
                       "path": path_of(answer.tools)}
                if answer.route == "set" and not row["threshold"]:
                    ctx = QAContext(store, settings, None)
                    row["cands"] = set_membership.candidate_features(q["question"], ctx, rule, answer.insufficient)
                out.append(row)
    finally:
        set_membership.ENABLED = True
    return out


def _xy(rows: list[dict]):
    from agent.qa.set_membership import FEATURES

    X, y = [], []
    for row in rows:
        if row["kind"] == "set" and not row["answers"]:
            continue
        for pid, f in row["cands"].items():
            X.append([f[k] for k in FEATURES])
            y.append(1.0 if pid in row["answers"] else 0.0)
    return np.array(X), np.array(y)


def fit(rows: list[dict]) -> dict:
    from agent.qa.set_membership import FEATURES

    X, y = _xy(rows)
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mean) / scale])
    pos = max(1.0, y.sum())
    sw = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * max(1.0, len(y) - pos)))
    w = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(Z @ w, -30, 30)))
        grad = Z.T @ (sw * (p - y)) + reg * w
        hess = (Z * (sw * p * (1 - p))[:, None]).T @ Z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    model = {"features": list(FEATURES), "mean": [round(float(v), 6) for v in mean],
             "scale": [round(float(v), 6) for v in scale], "bias": round(float(w[0]), 6),
             "weights": [round(float(v), 6) for v in w[1:]], "drop_below": 0.0, "add_at": 1.01}
    # the most completed training questions; ties: the least change to the rule path
    grid = [(d, a) for d in DROP_BELOW for a in ADD_AT]
    best = max(grid, key=lambda da: (sum(outcome(r, {**model, "drop_below": da[0], "add_at": da[1]}) for r in rows),
                                     -da[0], da[1]))
    model["drop_below"], model["add_at"] = best
    return model


def fit_lofo_thresholds(rows: list[dict]) -> dict:
    """Weights fitted on all rows; the thresholds are the pair that completes the most questions
    when each file is scored by weights fitted on the other files (held-out choice, so a pair that
    only helps the files it was fitted on is not taken; ties: the least change to the rule path)."""
    files = sorted({r["file"] for r in rows})
    folds = {f: fit([r for r in rows if r["file"] != f]) for f in files}
    grid = [(d, a) for d in DROP_BELOW for a in ADD_AT]

    def held_out(da) -> int:
        return sum(outcome(r, {**folds[r["file"]], "drop_below": da[0], "add_at": da[1]}) for r in rows)

    model = fit(rows)
    model["drop_below"], model["add_at"] = max(grid, key=lambda da: (held_out(da), -da[0], da[1]))
    return model


def final_ids(row: dict, model: dict | None) -> tuple[list[str], bool]:
    """The answer's ids and whether it declines, as `rescore` would return them."""
    from agent.qa.set_membership import decide

    if model is None or not row["cands"]:
        return row["rule"], row["declined"]
    kept = decide(model, row["cands"])
    if not kept:
        return row["rule"], row["declined"]
    return list(kept), False


def outcome(row: dict, model: dict | None) -> int:
    ids, declined = final_ids(row, model)
    if row["kind"] == "unanswerable":
        return int(declined)
    answers = set(row["answers"])
    hit = len(set(ids) & answers)
    return int(not declined and bool(answers) and hit == len(answers) and hit / max(1, len(set(ids))) >= 0.75)


def report(rows: list[dict]) -> None:
    files = [f for f, _ in TUNING_FILES]
    full = fit(rows)
    table = {}
    for file in files:
        held = [r for r in rows if r["file"] == file]
        lofo = fit([r for r in rows if r["file"] != file])
        table[file] = {}
        for kind in ("set", "unanswerable"):
            qs = [r for r in held if r["kind"] == kind]
            table[file][kind] = {"n": len(qs), "rule": sum(outcome(r, None) for r in qs),
                                 "in_fit": sum(outcome(r, full) for r in qs), "lofo": sum(outcome(r, lofo) for r in qs)}
    print(f"{'file':18} {'kind':13} {'n':>3} {'rule':>5} {'in-fit':>7} {'LOFO':>5}")
    for file, kinds in table.items():
        for kind, t in kinds.items():
            if t["n"]:
                print(f"{file:18} {kind:13} {t['n']:>3} {t['rule']:>5} {t['in_fit']:>7} {t['lofo']:>5}")
    for kind in ("set", "unanswerable"):
        tot = {k: sum(table[f][kind][k] for f in files) for k in ("n", "rule", "in_fit", "lofo")}
        print(f"{'all':18} {kind:13} {tot['n']:>3} {tot['rule']:>5} {tot['in_fit']:>7} {tot['lofo']:>5}")
    print("in-fit model:", json.dumps({k: full[k] for k in ("features", "weights", "bias", "drop_below", "add_at")}))


def main() -> None:
    from core.settings import get_settings

    cache = Path(os.environ.get("PAPERS_HOME") or "/tmp") / "set_membership_rows.json"   # per store
    skip = skipped_files()
    if "--cached" in sys.argv and cache.exists():   # rows cached by a run without --skip: drop the held-out files
        rows = [r for r in json.loads(cache.read_text()) if r["file"] not in skip]
    else:
        rows = collect(get_settings(), skip)
        cache.write_text(json.dumps(rows))
    report(rows)
    model = fit_lofo_thresholds(rows)
    print("shipped thresholds (chosen on held-out files):", model["drop_below"], model["add_at"])
    if "--write" in sys.argv:
        from agent.qa.set_membership import MODEL_PATH

        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
