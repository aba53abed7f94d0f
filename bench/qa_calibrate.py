"""Calibrate the answerability decision of agent/qa/answerability.py and print precision and coverage.

The decision: answer when the question names the best paper or the paper stands out of the dense
pack by PACK_MIN (chosen here: the cut-off with the best balanced accuracy, leave-one-out). The
logistic model (WEIGHTS, used to rank and show closest papers) is refitted and reported too.

    python -m bench.qa_calibrate            # on a throw-away seed store (ingest + local extraction)
    PAPERS_HOME=~/papers python -m bench.qa_calibrate --home   # on an existing, extracted store

Training questions: evals/fixtures/qa.jsonl and qa_dev.jsonl (never qa_blind.jsonl). A look-up,
paraphrase or numeric question is a positive when the best hybrid hit is its answer paper; an
unanswerable question without a named entity constraint is a negative (those with one are declined by
the constraint check, not by this model). Logistic regression with balanced class weights and a small
L2 penalty, fitted by Newton steps (numpy only); leave-one-out figures show how it generalises.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FILES = ("qa.jsonl", "qa_dev.jsonl")


def rows(store, settings) -> list[tuple[str, dict, int]]:
    from agent.qa import answerability
    from agent.qa.constraints import question_constraints
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, paper_extraction, search_papers

    out = []
    for name in FILES:
        for line in (ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            if q["kind"] == "set" or (q["kind"] == "unanswerable" and question_constraints(q["question"])):
                continue
            ctx = QAContext(store, settings)
            hits = search_papers(ctx, q["question"], k=10)
            best = hits[0]
            ev = answerability.evidence(q["question"], best, hits, dense_scores(ctx, q["question"]),
                                        bm25_scores(ctx, q["question"]), ctx.stats(),
                                        paper_extraction(ctx, best.id).get("tldr"))
            gold = {store.resolve(ref).id for ref in q["answers"]}
            label = int(q["kind"] != "unanswerable" and best.id in gold)
            out.append((q["id"], ev.features, label, ev.named))
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    weights = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    reg = l2 * np.eye(len(w))
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (weights * (p - y)) + reg @ w
        hess = (xb * (weights * p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w


def standout_cutoff(pack: np.ndarray, y: np.ndarray, named: np.ndarray, grid: np.ndarray) -> float:
    """The cut-off on `pack` with the best balanced accuracy (the smallest of equals)."""
    def balanced(cut: float) -> float:
        ans = (pack >= cut) | named
        return ans[y == 1].mean() + (~ans[y == 0]).mean()
    return float(max(grid, key=lambda c: (balanced(c), -c)))


def report_standout(data, y: np.ndarray, named: np.ndarray) -> None:
    from agent.qa.answerability import PACK_MIN

    pack = np.array([f.get("pack", 0.0) for _, f, _, _ in data])
    grid = np.round(np.arange(0.0, 0.15, 0.01), 2)
    pos, neg = y == 1, y == 0
    for cut in grid:
        ans = (pack >= cut) | named
        print(f"  pack >= {cut:.2f}: coverage {ans[pos].mean():.2f}, declined {(~ans[neg]).mean():.2f}")
    loo, chosen = [], set()
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        cut = standout_cutoff(pack[keep], y[keep], named[keep], grid)
        chosen.add(cut)
        loo.append(pack[i] >= cut or named[i])
    ans = np.array(loo)
    print(f"standout, leave-one-out (cut-offs chosen {sorted(chosen)}; in use {PACK_MIN}): coverage "
          f"{ans[pos].mean():.2f} ({ans[pos].sum()}/{pos.sum()}), declined {(~ans[neg]).mean():.2f} "
          f"({(~ans[neg]).sum()}/{neg.sum()}), precision of answers {y[ans].mean():.2f}")
    for (qid, *_), a, lab in zip(data, ans, y):
        if a != bool(lab):
            print(f"  wrong: {qid} label={int(lab)}")


def main() -> None:
    from agent.corpus import open_store
    from agent.qa.answerability import CUTOFF, WEIGHTS
    from core.settings import get_settings

    if "--home" not in sys.argv:
        sys.exit("run with --home on an ingested and extracted store (PAPERS_HOME)")
    settings = get_settings()
    data = rows(open_store(settings), settings)
    keys = list(WEIGHTS)
    x = np.array([[f[k] for k in keys] for _, f, _, _ in data])
    y = np.array([lab for _, _, lab, _ in data], dtype=float)
    named = np.array([n for *_, n in data])
    report_standout(data, y, named)
    w = fit(x, y)
    print("weights:", {k: round(float(v), 2) for k, v in zip(keys, w[:-1])}, "bias:", round(float(w[-1]), 2))
    loo = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        wi = fit(x[keep], y[keep])
        loo.append(1 / (1 + np.exp(-(x[i] @ wi[:-1] + wi[-1]))))
    loo = np.array(loo)
    answered = (loo >= CUTOFF) | named
    pos, neg = y == 1, y == 0
    print(f"leave-one-out at cutoff {CUTOFF}: coverage (positives answered) {answered[pos].mean():.2f} "
          f"({answered[pos].sum()}/{pos.sum()}), declined negatives {(~answered[neg]).mean():.2f} "
          f"({(~answered[neg]).sum()}/{neg.sum()}), precision of answers {y[answered].mean():.2f}")
    for cut in (0.35, 0.4, 0.45, 0.5, 0.55):  # the sweep behind CUTOFF
        ans = (loo >= cut) | named
        print(f"  cutoff {cut}: coverage {ans[pos].mean():.2f}, declined {(~ans[neg]).mean():.2f}")
    for (qid, *_), p, lab, nm in zip(data, loo, y, named):
        if ((p >= CUTOFF) or nm) != bool(lab):
            print(f"  wrong: {qid} p={p:.2f} named={nm} label={int(lab)}")


if __name__ == "__main__":
    main()
