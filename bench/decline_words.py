"""Fit the decline side of the set-question constraint words (agent/qa/constraint_words.py,
`decline_probability`) and measure it leave-one-FILE-out, end to end.

    PAPERS_HOME=/tmp/somewhere python -m bench.decline_words           # rows, LOFO figures, no write
    PAPERS_HOME=/tmp/somewhere python -m bench.decline_words --write   # also write the model
    PAPERS_HOME=/tmp/somewhere python -m bench.decline_words --ask     # `ask` per held-out file vs shipped

Needs a store built from the seeds (`python -m bench.qa_dev --build`).

The must-hold model (bench/constraint_words.py) is fitted on every group of every set question, with a
label that says whether the gold papers write the group. But a set answer is declined on one decision
only: a qualifier group that no paper of the subject writes, read as a constraint (agent/qa/set_concepts.py
`qualified`). That decision is what this model is fitted on. Rows: every such group, in every set or
not-covered question of the tuning files (bench.qa_dev.TUNING_FILES), recorded as `ask` reaches it.
Label 1 (the decline is right, and names what a reader would call not covered): the question is not
covered and the group shares a word with its labelled `missing`; label 0 (a wrong decline): the question
is answerable. A not-covered question's other groups are left out (neither label is honest).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.qa_calibrate import best_cutoff, fit, predict
from bench.qa_dev import ROOT, TUNING_FILES

L2 = 3.0


def rows(store, settings) -> list[tuple[str, str, str, dict, int]]:
    """(file, question id, group surface, features, label) for every group `qualified` could decline on."""
    from agent.qa import ask, constraint_words as cw, set_concepts as sc
    from agent.qa.text import term_set

    seen: list = []
    original = sc.qualified

    def recording(ids, qualifiers, index, subject=None, strict=False):
        n = max(1, len(index.docs))
        for i, g in enumerate(qualifiers):
            if sc._is_term(g, index, n) and not any(sc.meets_qualifier(g, pid, index, subject, strict) for pid in ids):
                seen.append((g, i, index))
        return original(ids, qualifiers, index, subject, strict)

    out = []
    sc.qualified = recording
    try:
        for file, _ in TUNING_FILES:
            for line in (ROOT / "evals" / "fixtures" / file).read_text().splitlines():
                q = json.loads(line)
                if q["kind"] not in ("set", "unanswerable"):
                    continue
                seen.clear()
                ask(q["question"], settings=settings, store=store)
                labelled = term_set(" ".join(q.get("missing") or []))
                done = set()
                for g, i, index in seen:
                    if (g.surface, i) in done or (q["kind"] == "unanswerable" and not term_set(g.surface) & labelled):
                        continue
                    done.add((g.surface, i))
                    feats = cw.decline_features(g, q["question"], index, first=i == 0)
                    out.append((file, q["id"], g.surface, feats, int(q["kind"] == "unanswerable")))
    finally:
        sc.qualified = original
    return out


def fit_model(raw: np.ndarray, y: np.ndarray, files: np.ndarray) -> dict:
    from agent.qa.constraint_words import DECLINE_FEATURES

    mean, scale = raw.mean(axis=0), np.maximum(raw.std(axis=0), 1e-3)
    x = (raw - mean) / scale
    held_p = np.empty(len(y))
    for held in dict.fromkeys(files):     # the cut-off from held-out probabilities, file by file
        test = files == held
        train = ~test
        held_p[test] = predict(fit(x[train], y[train], l2=L2), x[test]) if len(set(y[train])) == 2 else 0.5
    w = fit(x, y, l2=L2)
    return {"features": list(DECLINE_FEATURES), "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "weights": w[:-1].round(6).tolist(), "bias": round(float(w[-1]), 6),
            "lo": raw.min(axis=0).round(6).tolist(), "hi": raw.max(axis=0).round(6).tolist(),
            "cutoff": best_cutoff(held_p, y), "l2": L2, "n": int(len(y)), "right_declines": int(y.sum()),
            "trained_on": sorted(set(files.tolist()))}


def lofo(data, raw, y, files) -> np.ndarray:
    """Each row's decision (decline) under a model fitted on the other files."""
    from agent.qa.constraint_words import decline_probability

    out = np.zeros(len(y), dtype=bool)
    for held in dict.fromkeys(files):
        train = files != held
        m = fit_model(raw[train], y[train], files[train])
        out[files == held] = [decline_probability(data[i][3], m) >= m["cutoff"] for i in np.where(files == held)[0]]
    return out


def ask_figures(settings, store, model_for) -> dict[str, dict]:
    """Per tuning file: sets answered and complete, not-covered declined with `missing` named, with the
    decline model `model_for(file)` (None: no decline model, the round-5 code)."""
    from agent.qa import ask, constraint_words
    from evals.corpus_env import EvalCorpus
    from evals.qa_suite import score_answer

    corpus = EvalCorpus(settings, store, True)
    shipped = constraint_words.DECLINE_PATH
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        constraint_words.DECLINE_PATH = Path(tmp) / "decline_words.json"
        try:
            for file, _ in TUNING_FILES:
                m = model_for(file)
                if m is None:
                    constraint_words.DECLINE_PATH = Path(tmp) / "absent.json"
                else:
                    constraint_words.DECLINE_PATH = Path(tmp) / "decline_words.json"
                    constraint_words.DECLINE_PATH.write_text(json.dumps(m))
                constraint_words.decline_model.cache_clear()
                f = {"sets": 0, "answered": 0, "complete": 0, "uncovered": 0, "declined": 0, "named": 0}
                for line in (ROOT / "evals" / "fixtures" / file).read_text().splitlines():
                    q = json.loads(line)
                    if q["kind"] not in ("set", "unanswerable"):
                        continue
                    row = score_answer(q, corpus.paper_ids(q["answers"]), ask(q["question"], settings=settings, store=store))
                    if q["kind"] == "set":
                        f["sets"] += 1
                        f["answered"] += row["answered"] == 1.0
                        f["complete"] += bool(row["set_complete"])
                    else:
                        f["uncovered"] += 1
                        f["declined"] += row["declined"] == 1.0
                        f["named"] += bool(row["missing_named"])
                out[file] = f
                print(f"  {file:18} sets answered {f['answered']}/{f['sets']}, complete {f['complete']}/{f['sets']}; "
                      f"not covered declined {f['declined']}/{f['uncovered']}, missing named {f['named']}/{f['uncovered']}",
                      flush=True)
        finally:
            constraint_words.DECLINE_PATH = shipped
            constraint_words.decline_model.cache_clear()
    return out


def main() -> None:
    from agent.corpus import open_store
    from agent.qa import constraint_words
    from agent.qa.constraint_words import DECLINE_FEATURES, decline_probability
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    data = rows(store, settings)
    files = np.array([d[0] for d in data])
    raw = np.array([[d[3][k] for k in DECLINE_FEATURES] for d in data])
    y = np.array([d[4] for d in data], dtype=float)
    print(f"{len(data)} groups a set answer could decline on: {int(y.sum())} right declines, "
          f"{int(len(y) - y.sum())} on answerable questions")
    held = lofo(data, raw, y, files)
    for file in dict.fromkeys(files):
        t = files == file
        print(f"  held out {file:18} right declines kept {held[t & (y == 1)].sum()}/{(t & (y == 1)).sum()}, "
              f"wrong declines avoided {(~held[t & (y == 0)]).sum()}/{(t & (y == 0)).sum()}")
    print(f"  total: right declines kept {held[y == 1].sum()}/{int(y.sum())}, wrong declines avoided "
          f"{(~held[y == 0]).sum()}/{int(len(y) - y.sum())}")
    model = fit_model(raw, y, files)
    print("weights:", dict(zip(DECLINE_FEATURES, model["weights"])), "cutoff", model["cutoff"])
    if "-v" in sys.argv:
        for d, h in zip(data, held):
            print(f"  {d[1]:8s} label {d[4]} p {decline_probability(d[3], model):.2f} lofo-declines {int(h)} {d[2]}")
    if "--write" in sys.argv:
        constraint_words.DECLINE_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {constraint_words.DECLINE_PATH}")
    if "--ask" in sys.argv:
        print("current code (no decline model):")
        ask_figures(settings, store, lambda f: None)
        print("leave-one-file-out (decline model fitted on the other files):")
        ask_figures(settings, store, lambda f: fit_model(raw[files != f], y[files != f], files[files != f]))


if __name__ == "__main__":
    main()
