"""Fit the answerability model of agent/qa/answerability.py and print its precision and coverage.

    PAPERS_HOME=~/papers python -m bench.qa_calibrate --home            # report (leave-one-out)
    PAPERS_HOME=~/papers python -m bench.qa_calibrate --home --write    # also write agent/data/answerability.json
    PAPERS_HOME=~/papers python -m bench.qa_calibrate --home --all      # the ten tuning files (round 6: a tie)

Run on an ingested, locally extracted seed store (`python -m bench.qa_dev --build`).
Training questions: evals/fixtures/qa.jsonl, qa_dev.jsonl and the former blind files qa_blind.jsonl ..
qa_blind4.jsonl (all dev material since round 4). Round 5 measured joining qa_blind5/qa_blind6 and did
not adopt it: leave-one-file-out over the eight files 0.968 answered / 0.958 declined (vs 0.969 / 0.952 on
six), but held out, blind5 and blind6 score the same under the six-file model (which never saw them) as
under a seven-file one, while qa_dev's paraphrases lose one (row level) to two (end to end, bench.qa_lofo). Besides leave-one-out (one question out), the report
gives leave-one-FILE-out figures: each file scored by a model and cut-off fitted on the other files
only, which is how the decision meets a new blind file written by someone else. One row per look-up,
paraphrase, numeric or not-covered question, on its best hybrid hit:
- positive: an answerable question whose best hit is its answer paper;
- negative: a not-covered question with no named entity constraint (those with one are declined by
  the constraint check, not by this model);
- left out: an answerable question whose best hit is another paper (neither label is honest), and
  questions the question itself names a paper of (named questions are answered without the model).
Model: logistic regression on standardised features, balanced class weights, L2 penalty L2, fitted by
Newton steps (numpy only, deterministic). The cut-off is the one with the best balanced accuracy on
the leave-one-out probabilities (each row scored by a model fitted without it); the printed figures
are those leave-one-out figures, so they estimate how the decision does on questions it never saw.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bench.qa_dev import TUNING_FILES

ROOT = Path(__file__).resolve().parent.parent
SIX_FILES = ("qa.jsonl", "qa_dev.jsonl", "qa_blind.jsonl", "qa_blind2.jsonl", "qa_blind3.jsonl", "qa_blind4.jsonl")
# Round 6 measured the refit on all ten tuning files (`--all`: qa.jsonl .. qa_blind8.jsonl, 196 rows): its
# leave-one-file-out decisions equal, file by file, the current code's held-out ones (the six-file model
# leave-one-file-out on files 1-6, the shipped model on qa_blind5..8, which it never saw): 168/172
# answered, 22/24 declined either way (L2 1, 3 or 10 alike). A tie is no reason to change the shipped
# model, so it stays the six-file fit; `--all` prints the ten-file figures.
FILES = tuple(f for f, _ in TUNING_FILES) if "--all" in sys.argv else SIX_FILES
L2 = 3.0      # leave-one-file-out: 3 keeps more not-covered questions declined than 1 at the same coverage
STEPS = 30


def rows(store, settings) -> list[tuple[str, str, dict, int]]:
    from agent.qa import answerability
    from agent.qa.constraints import question_constraints
    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, paper_extraction, search_papers

    out = []
    for name in FILES:
        for line in (ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            if q["kind"] == "set" or (q["kind"] == "unanswerable" and question_constraints(q["question"])):
                continue
            ctx = QAContext(store, settings)
            cosines, bm25 = dense_scores(ctx, q["question"]), bm25_scores(ctx, q["question"])
            hits = fused_hits(ctx, search_papers(ctx, q["question"], k=10), cosines, bm25)   # as local.py's look-up
            best = hits[0]
            ev = answerability.evidence(q["question"], best, hits, cosines, bm25, ctx.stats(),
                                        paper_extraction(ctx, best.id).get("tldr"))
            gold = {store.resolve(ref).id for ref in q["answers"]}
            if ev.named or (q["kind"] != "unanswerable" and best.id not in gold):
                continue
            out.append((name, q["id"], ev.features, int(q["kind"] != "unanswerable")))
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = STEPS) -> np.ndarray:
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


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


def best_cutoff(p: np.ndarray, y: np.ndarray) -> float:
    """The cut-off with the best balanced accuracy; the middle of the best run of equals."""
    grid = np.round(np.arange(0.20, 0.81, 0.01), 2)
    scores = [((p[y == 1] >= c).mean() + (p[y == 0] < c).mean(), c) for c in grid]
    top = max(s for s, _ in scores)
    ties = [c for s, c in scores if s >= top - 1e-12]
    return float(ties[len(ties) // 2])


def report(ids: list[str], p: np.ndarray, y: np.ndarray, cut: float, title: str) -> None:
    ans = p >= cut
    pos, neg = y == 1, y == 0
    print(f"{title} at cut-off {cut:.2f}: coverage (answerable answered) {ans[pos].mean():.3f} "
          f"({ans[pos].sum()}/{pos.sum()}), not-covered declined {(~ans[neg]).mean():.3f} "
          f"({(~ans[neg]).sum()}/{neg.sum()}), precision of answers {y[ans].mean():.3f}, "
          f"precision of declines {(1 - y[~ans]).mean():.3f}")
    for qid, pi, lab in zip(ids, p, y):
        if (pi >= cut) != bool(lab):
            print(f"  wrong: {qid} p={pi:.2f} label={int(lab)}")


def fit_scaled(raw: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, mean, scale): the model fitted on standardised `raw`."""
    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-9
    return fit((raw - mean) / scale, y), mean, scale


def leave_one_out(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each row's probability under a model fitted without it."""
    loo = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        loo[i] = predict(fit(x[keep], y[keep]), x[i:i + 1])[0]
    return loo


def leave_one_file_out(files: list[str], raw: np.ndarray, y: np.ndarray) -> dict:
    """Each file scored by a model fitted on the other files, at the cut-off chosen as the shipped one
    is (best balanced accuracy of leave-one-out probabilities, over those files only): the estimate
    for a new question file written by someone else."""
    answered = np.zeros(len(y), dtype=bool)
    per_file = {}
    names = np.array(files)
    for held in dict.fromkeys(files):
        train, test = names != held, names == held
        w, mean, scale = fit_scaled(raw[train], y[train])
        cut = best_cutoff(leave_one_out((raw[train] - mean) / scale, y[train]), y[train])
        answered[test] = predict(w, (raw[test] - mean) / scale) >= cut
        pos, neg = test & (y == 1), test & (y == 0)
        per_file[held] = {"answered": f"{answered[pos].sum()}/{pos.sum()}", "declined": f"{(~answered[neg]).sum()}/{neg.sum()}",
                          "cutoff": cut}
    pos, neg = y == 1, y == 0
    return {"coverage": round(float(answered[pos].mean()), 3), "declined": round(float((~answered[neg]).mean()), 3),
            "precision": round(float(y[answered].mean()), 3), "per_file": per_file}


def main() -> None:
    from agent.corpus import open_store
    from agent.qa.answerability import FEATURES, MODEL_PATH
    from core.settings import get_settings

    if "--home" not in sys.argv:
        sys.exit("run with --home on an ingested and extracted store (PAPERS_HOME)")
    settings = get_settings()
    data = rows(open_store(settings), settings)
    files = [name for name, *_ in data]
    ids = [qid for _, qid, _, _ in data]
    raw = np.array([[f[k] for k in FEATURES] for _, _, f, _ in data])
    y = np.array([lab for *_, lab in data], dtype=float)
    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-9
    x = (raw - mean) / scale
    loo = leave_one_out(x, y)
    cut = best_cutoff(loo, y)
    print(f"{len(y)} questions: {int(y.sum())} answerable by their best hit, {int(len(y) - y.sum())} not covered")
    report(ids, loo, y, cut, "leave-one-out")
    lofo = leave_one_file_out(files, raw, y)
    print(f"leave-one-file-out: coverage (answerable answered) {lofo['coverage']:.3f}, not-covered declined "
          f"{lofo['declined']:.3f}, precision of answers {lofo['precision']:.3f}")
    for name, figs in lofo["per_file"].items():
        print(f"  {name}: answered {figs['answered']}, declined {figs['declined']} (cut-off {figs['cutoff']:.2f})")
    w = fit(x, y)
    report(ids, predict(w, x), y, cut, "in-sample")
    out = {"features": list(FEATURES), "mean": [round(float(v), 6) for v in mean],
           "scale": [round(float(v), 6) for v in scale], "weights": [round(float(v), 6) for v in w[:-1]],
           "bias": round(float(w[-1]), 6), "cutoff": cut, "l2": L2, "trained_on": list(FILES),
           "n": len(y), "positives": int(y.sum()),
           "loo": {"coverage": round(float((loo[y == 1] >= cut).mean()), 3),
                   "declined": round(float((loo[y == 0] < cut).mean()), 3),
                   "precision": round(float(y[loo >= cut].mean()), 3)},
           "leave_one_file_out": {k: v for k, v in lofo.items() if k != "per_file"}}
    print("weights:", dict(zip(FEATURES, out["weights"])), "bias:", out["bias"])
    if "--write" in sys.argv:
        MODEL_PATH.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
