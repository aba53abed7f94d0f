"""How many candidates should a set answer list? Leave-one-FILE-out figures for per-question cuts
over the set-membership scorer's candidates (agent/qa/set_membership.py), against the rule path.

    PAPERS_HOME=/tmp/somewhere python -m bench.set_membership          # once: writes the candidate rows
    PAPERS_HOME=/tmp/somewhere python -m bench.set_cut [--hold qa_blind9.jsonl] [--score-held]

Cuts, each with its pointwise model fitted on the other files (never on the scored file):
- `expected`: a calibrated (not class-balanced) logistic membership probability per candidate, then
  the list length k that maximises P(complete) = P(no member ranked below k) * P(precision of the
  top k >= 0.75), the members counted as independent Bernoulli draws; k = 0 keeps the rule answer.
- `extend`: keep the rule answer, and when it lists exactly one paper add the candidates whose
  probability is at least a threshold (chosen on the training files).
- `add`: the rule answer of any length plus the candidates at or above a threshold (at most three).
- `best_k`: not a cut: the hindsight-best length of the ranked list, an upper bound on ranking alone.
The held-out file (`--hold`, `none` for all eleven files) takes no part in any fit or choice;
`--score-held` scores it once with models fitted on all the other files. `--meaning` reads the rows
with the per-constraint meaning features (agent/qa/set_meaning.py, added by bench/set_meaning.py) and
compares feature sets: `lexical` (set_membership FEATURES), `lexical+meaning`, `rule+meaning`.

Round 7 (rows of the rule path at 92fd3a3, store built by bench.qa_dev --build), set questions completed
of 164 on the ten dev files, LOFO, columns rule / expected / extend / add / best_k:
  lexical          94 / 83 / 93 / 92 / 118     not-covered kept declined 115 / 113 / 115 / 115 of 118
  lexical+meaning  94 / 84 / 96 / 91 / 116     115 / 113 / 115 / 115
  rule+meaning     94 / 91 / 94 / 97 / 111     115 / 115 / 115 / 115
lexical+meaning extend by file vs rule: qa_blind7 7 -> 9, qa_blind8 6 -> 7, qa_dev 6 -> 5 (d15 gets an
extra paper), the rest equal. Held-out qa_blind9 (fitted on the ten): rule 2, lexical extend 2,
lexical+meaning extend 3 of 28. Over all eleven files (`--hold none`): rule 96, lexical extend 95,
lexical+meaning extend 102 (+7: b4_03 b4_08 b7_02 b7_14 b7_26 b8_16 b9_08; -1: d15), add 91, not-covered
121 of 124 in every column. Within-question ranking AUC, members vs other candidates (all / members
the rule path missed vs other non-rule candidates): sent_rel 0.908 / 0.869, bm25_rel 0.900 / 0.866,
weakest-group meaning cosine 0.803 / 0.741, its pool-relative form 0.822 / 0.775, mean over groups
0.834 / 0.808; sent_rel + 0.1 * z-scored mean 0.929 / 0.890: the meaning check is weaker than the
lexical features alone but adds to them. Not shipped in round 7: the gain is +2 (ten files) to +6
(eleven) with one loss, and at ask time it embeds every candidate's sentences: 20-39 candidates took
2.9-6.9 s wall per question with an empty sentence cache (one thread, shared machine), against a 100 ms
warm ask budget; it needs sentence vectors stored at index time (store/) before it can ship.
Earlier (rows at abcc40b): rule 89 / expected 78 / extend 89 of 164; qa_blind9 2 / 4 / 2 of 28.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import numpy as np

L2 = 1.0
MAX_K = 8
EXTEND_AT = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01)     # 1.01: never extend
CUTS = ("rule", "expected", "extend", "add", "best_k")


def complete(ids: list[str], declined: bool, row: dict) -> int:
    """Scored as evals/qa_suite.py: a set is complete with recall 1 and precision >= 0.75; a not-covered
    question when it stays declined."""
    if row["kind"] == "unanswerable":
        return int(declined)
    answers = set(row["answers"])
    hit = len(set(ids) & answers)
    return int(not declined and bool(answers) and hit == len(answers) and hit / max(1, len(set(ids))) >= 0.75)


def fit_lr(rows: list[dict], features: tuple[str, ...]) -> tuple:
    """Plain (unweighted) L2 logistic regression on standardised features, Newton steps from zero:
    its probabilities are calibrated to the candidate pool, which the expected cut needs."""
    X = np.array([[f[k] for k in features] for r in rows if r["answers"] or r["kind"] != "set"
                  for f in r["cands"].values()])
    y = np.array([float(pid in r["answers"]) for r in rows if r["answers"] or r["kind"] != "set"
                  for pid in r["cands"]])
    from bench.set_membership_alt import newton_logistic

    return (features, *newton_logistic(X, y, L2))


def probabilities(row: dict, model: tuple) -> dict[str, float]:
    features, mean, scale, w = model
    out = {}
    for pid, f in row["cands"].items():
        z = w[0] + ((np.array([f[k] for k in features]) - mean) / scale) @ w[1:]
        out[pid] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, float(z)))))
    return out


def p_complete(ps: list[float], k: int) -> float:
    """P(the top k of candidates ranked by membership probability `ps` (descending) is a complete
    answer), members independent: none below k, and at most a third as many non-members as members
    in the top k (precision >= 0.75)."""
    tail = math.exp(sum(math.log(max(1e-12, 1 - p)) for p in ps[k:]))
    if k == 0:
        return tail
    dist = [1.0]                      # Poisson-binomial: P(m members among the top k)
    for p in ps[:k]:
        nxt = [0.0] * (len(dist) + 1)
        for m, v in enumerate(dist):
            nxt[m] += v * (1 - p)
            nxt[m + 1] += v * p
        dist = nxt
    return tail * sum(v for m, v in enumerate(dist) if m > 0 and 3 * (k - m) <= m)


def expected_cut(probs: dict[str, float], max_k: int = MAX_K) -> list[str]:
    """The candidates of the most probably complete list (empty: no list beats listing nothing)."""
    order = sorted(probs, key=lambda pid: (-probs[pid], pid))
    ps = [probs[pid] for pid in order]
    k = max(range(0, min(max_k, len(ps)) + 1), key=lambda n: (p_complete(ps, n), -n))
    return order[:k]


def extended(row: dict, probs: dict[str, float], at: float) -> list[str]:
    """The rule answer, and when it lists one paper, the candidates at `at` or above (at most three)."""
    if len(row["rule"]) != 1:
        return row["rule"]
    extra = sorted((p for p in probs if p not in row["rule"] and probs[p] >= at), key=lambda p: -probs[p])
    return row["rule"] + extra[:3]


def added(row: dict, probs: dict[str, float], at: float) -> list[str]:
    """The rule answer of any length and the candidates at `at` or above (at most three more)."""
    extra = sorted((p for p in probs if p not in row["rule"] and probs[p] >= at), key=lambda p: -probs[p])
    return row["rule"] + extra[:3]


def answer(row: dict, model: tuple, cut: str, at: float = 1.01) -> tuple[list[str], bool]:
    """The ids listed and whether the answer declines, under `cut` ("rule", "expected", "extend", "add")."""
    if cut == "rule" or not row["cands"]:
        return row["rule"], row["declined"]
    probs = probabilities(row, model)
    if cut == "best_k":         # hindsight: the best length of the ranked list (an upper bound, not a cut)
        order = sorted(probs, key=lambda pid: (-probs[pid], pid))
        k = max(range(1, min(MAX_K, len(order)) + 1), key=lambda n: complete(order[:n], False, row))
        return (order[:k], False) if complete(order[:k], False, row) else (row["rule"], row["declined"])
    if cut == "expected":
        kept = expected_cut(probs)
        return (kept, False) if kept else (row["rule"], row["declined"])
    grow = extended if cut == "extend" else added
    return (grow(row, probs, at), False) if not row["declined"] else (row["rule"], True)


def lofo(rows: list[dict], features: tuple[str, ...]) -> dict[str, dict[str, tuple[int, int]]]:
    """file -> cut -> (completed, questions) for set and not-covered questions, every fitted part
    (weights, the extend threshold) fitted without the scored file."""
    files = sorted({r["file"] for r in rows})
    folds = {f: fit_lr([r for r in rows if r["file"] != f], features) for f in files}
    out = {}
    for f in files:
        train = [r for r in rows if r["file"] != f]
        held = [r for r in rows if r["file"] == f]
        out[f] = {cut: _tally(held, folds[f], cut, _threshold(train, folds, cut)) for cut in CUTS}
    return out


def _threshold(train: list[dict], folds: dict, cut: str) -> float:
    """The extend/add threshold that completes the most training questions, each scored by the model
    fitted without its own file (ties: the higher, the less change)."""
    if cut not in ("extend", "add"):
        return 1.01
    return max(EXTEND_AT, key=lambda a: (sum(complete(*answer(r, folds[r["file"]], cut, a), r) for r in train), a))


def _tally(rows: list[dict], model: tuple, cut: str, at: float) -> dict[str, tuple[int, int]]:
    return {kind: (sum(complete(*answer(r, model, cut, at), r) for r in rows if r["kind"] == kind),
                   sum(r["kind"] == kind for r in rows)) for kind in ("set", "unanswerable")}


def print_table(table: dict) -> None:
    cuts = CUTS
    print(f"{'file':18} {'kind':13} " + " ".join(f"{c:>9}" for c in cuts))
    for kind in ("set", "unanswerable"):
        for f, t in table.items():
            print(f"{f:18} {kind:13} " + " ".join(f"{t[c][kind][0]:>4}/{t[c][kind][1]:<4}" for c in cuts))
        tot = {c: sum(t[c][kind][0] for t in table.values()) for c in cuts}
        print(f"{'all':18} {kind:13} " + " ".join(f"{tot[c]:>9}" for c in cuts))


def main() -> None:
    from agent.qa import set_meaning
    from agent.qa.set_membership import FEATURES

    meaning = "--meaning" in sys.argv     # rows with the per-constraint meaning features (bench/set_meaning.py)
    name = "set_meaning_rows.json" if meaning else "set_membership_rows.json"
    rows = json.loads((Path(os.environ.get("PAPERS_HOME") or "/tmp") / name).read_text())
    hold = sys.argv[sys.argv.index("--hold") + 1] if "--hold" in sys.argv else "qa_blind9.jsonl"
    dev = [r for r in rows if r["file"] != hold]
    feature_sets = {"lexical": FEATURES}
    if meaning:
        feature_sets.update({"lexical+meaning": FEATURES + set_meaning.FEATURES,
                             "rule+meaning": ("rule", "rule_declined", "log_rule_n") + set_meaning.FEATURES})
    for label, features in feature_sets.items():
        print(f"{label}: leave-one-file-out over the dev files ({hold} held out):")
        print_table(lofo(dev, features))
        if "--score-held" in sys.argv:
            model, held = fit_lr(dev, features), [r for r in rows if r["file"] == hold]
            folds = {f: fit_lr([r for r in dev if r["file"] != f], features) for f in {r["file"] for r in dev}}
            print(f"held-out {hold} (fitted on all dev files):")
            print_table({hold: {c: _tally(held, model, c, _threshold(dev, folds, c)) for c in CUTS}})


if __name__ == "__main__":
    main()
