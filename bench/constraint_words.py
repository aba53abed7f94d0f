"""Fit the set-question constraint-word model (agent/qa/constraint_words.py) and measure it
leave-one-FILE-out.

    PAPERS_HOME=/tmp/somewhere python -m bench.constraint_words          # LOFO figures, no write
    PAPERS_HOME=/tmp/somewhere python -m bench.constraint_words --write  # refit on all files, write JSON
    PAPERS_HOME=/tmp/somewhere python -m bench.constraint_words --check  # the shipped JSON is the refit
    PAPERS_HOME=/tmp/somewhere python -m bench.constraint_words --ask    # LOFO set completeness of `ask`

Needs a store built from the seeds (`python -m bench.qa_dev --build`).

Rows: every concept group the set reader finds in every set question of the tuning files
(bench.qa_dev.TUNING_FILES). Label: 1 when at least half the question's gold papers write the group (any
of its alternatives, words apart allowed) and at least twice as large a share of them as of the store's
papers do, else 0 (framing: the gold papers write it no more than any paper does). The fit is deterministic (Newton steps from zero,
L2 on standardised features, classes weighted equally); the cut-off is the best balanced accuracy of
the training rows' leave-one-file-out probabilities.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.qa_calibrate import fit, predict
from bench.qa_dev import ROOT, TUNING_FILES

L2 = 3.0


def question_groups(question: str, index) -> list:
    """Every concept group of the question, as the topic/facet reader sees them (no words taken)."""
    from agent.qa import set_concepts as sc

    return sc.topic_groups(question, index, []).qualifiers


def must_label(group, gold: list[str], index) -> int:
    """1 when the gold papers write the group far more often than the store does (a constraint, even
    where one member says it in other words), 0 when they write it at about the store's rate (framing)."""
    from agent.qa import set_concepts as sc

    share = sum(sc.mentions(group, pid, index, loose=True)[0] > 0 for pid in gold) / len(gold)
    base = len(set().union(*(index.papers(p) for p in group.phrases))) / max(1, len(index.docs))
    return int(share >= GOLD_SHARE and share >= LIFT * base)


GOLD_SHARE, LIFT = 0.5, 2.0


def rows(store, settings) -> list[tuple[str, str, str, dict, int]]:
    from agent.qa import constraint_words as cw
    from agent.qa import set_concepts as sc
    from agent.qa.term_index import build_index
    from evals.corpus_env import EvalCorpus

    corpus = EvalCorpus(settings, store, True)
    index = build_index(store.all())
    shipped, cw.MODEL_PATH = cw.MODEL_PATH, Path("/nonexistent/constraint_words.json")   # rows never read the model
    cw.model.cache_clear()
    try:
        return _rows(corpus, index)
    finally:
        cw.MODEL_PATH = shipped
        cw.model.cache_clear()


# Round 6: the rows of rounds 4-5 came from answerable set questions only, so the model never saw the
# constraint of a question the corpus does not cover ("... on photonic chips") and learned that a
# word the gold papers do not write is framing. Not-covered questions the router reads as set questions
# add their labelled constraint (`missing`) as must-hold rows; a group no paper writes is kept (label 0
# on an answerable question: its gold papers say it otherwise; 1 when it is the labelled constraint).
# Measured leave-one-file-out end to end (`--uncovered-rows --ask-current --ask`): no file gains, qa_blind8
# loses two set answers (20/28 -> 18/28), so the shipped model keeps the round-5 rows (the default).
# The plain refit on all ten files (round-5 rows) was measured too: 149/164 sets answered vs 148 for the
# shipped eight-file model, leave-one-file-out, but in sample it turns a paraphrase of qa_blind8 into a
# decline; one question is noise, so the shipped model stays the eight-file fit (`--check` fails on
# purpose until a refit beats it by more). Adding burstiness features (log mean count in the papers that
# write a group, share writing it twice: Church & Gale) raised group accuracy on qa_blind7/8 held out but
# cost qa_blind8 three set answers end to end (17/28); not adopted.
UNCOVERED_ROWS = "--uncovered-rows" in sys.argv


def _rows(corpus, index) -> list:
    from agent.qa import constraint_words as cw
    from agent.qa.router import route, vocabulary
    from agent.qa.text import term_set

    vocab = vocabulary()
    out = []
    for file, _ in TUNING_FILES:
        for line in (ROOT / "evals" / "fixtures" / file).read_text().splitlines():
            q = json.loads(line)
            gold = [p for p in corpus.paper_ids(q["answers"]) if p in index.docs] if q["kind"] == "set" else []
            labelled = term_set(" ".join(q.get("missing") or [])) if q["kind"] == "unanswerable" else set()
            uncovered = UNCOVERED_ROWS and bool(labelled) and route(q["question"], vocab).kind == "set"
            if not gold and not uncovered:
                continue
            for i, g in enumerate(question_groups(q["question"], index)):
                written = any(index.papers(p) for p in g.phrases)
                if uncovered:
                    if not term_set(g.surface) & labelled:
                        continue      # another word of a not-covered question: neither label is honest
                    label = 1
                elif not written:
                    if not UNCOVERED_ROWS:
                        continue      # (round 5) no paper writes it: no gold paper can
                    label = 0
                else:
                    label = must_label(g, gold, index)
                out.append((file, q["id"], g.surface, cw.features(g, q["question"], index, first=i == 0), label))
    return out


def fit_model(raw: np.ndarray, y: np.ndarray, files: np.ndarray) -> dict:
    from agent.qa.constraint_words import FEATURES
    from bench.qa_calibrate import best_cutoff

    mean, scale = raw.mean(axis=0), np.maximum(raw.std(axis=0), 1e-3)
    x = (raw - mean) / scale
    loo = np.empty(len(y))
    for held in dict.fromkeys(files):     # the cut-off from held-out probabilities, file by file
        test = files == held
        loo[test] = predict(fit(x[~test], y[~test], l2=L2), x[test])
    w = fit(x, y, l2=L2)
    return {"features": list(FEATURES), "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "weights": w[:-1].round(6).tolist(), "bias": round(float(w[-1]), 6),
            "lo": raw.min(axis=0).round(6).tolist(), "hi": raw.max(axis=0).round(6).tolist(),
            "cutoff": best_cutoff(loo, y), "l2": L2, "trained_on": sorted(set(files.tolist()))}


def lofo(data, raw, y, files) -> dict[str, dict]:
    """Each file's groups scored by a model fitted on the other files."""
    from agent.qa.constraint_words import probability

    out = {}
    for held in dict.fromkeys(files):
        m = fit_model(raw[files != held], y[files != held], files[files != held])
        idx = np.where(files == held)[0]
        p = np.array([probability(data[i][3], m) for i in idx])
        keep = p >= m["cutoff"]
        lab = y[idx] == 1
        out[held] = {"groups": len(idx), "accuracy": float((keep == lab).mean()),
                     "must_kept": float(keep[lab].mean()) if lab.any() else None,
                     "framing_dropped": float((~keep[~lab]).mean()) if (~lab).any() else None, "cutoff": m["cutoff"]}
    return out


def ask_lofo(data, raw, y, files, settings, store, current: bool = False) -> None:
    """Per file, with the model fitted on the other files only (`current`: the shipped model): set
    questions answered and complete, not-covered questions declined with `missing` named."""
    from agent.qa import ask, constraint_words
    from evals.corpus_env import EvalCorpus
    from evals.qa_suite import score_answer

    corpus = EvalCorpus(settings, store, True)
    shipped = constraint_words.MODEL_PATH
    total = np.zeros(5, dtype=int)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for file, _ in TUNING_FILES:
                if not current:
                    held = files != file
                    constraint_words.MODEL_PATH = Path(tmp) / "constraint_words.json"
                    constraint_words.MODEL_PATH.write_text(json.dumps(fit_model(raw[held], y[held], files[held])))
                constraint_words.model.cache_clear()
                f = np.zeros(5, dtype=int)     # sets, answered, complete, not covered, declined
                for line in (ROOT / "evals" / "fixtures" / file).read_text().splitlines():
                    q = json.loads(line)
                    if q["kind"] not in ("set", "unanswerable"):
                        continue
                    row = score_answer(q, corpus.paper_ids(q["answers"]), ask(q["question"], settings=settings, store=store))
                    if q["kind"] == "set":
                        f += (1, row["answered"] == 1.0, bool(row["set_complete"]), 0, 0)
                    else:
                        f += (0, 0, 0, 1, row["declined"] == 1.0)
                total += f
                print(f"  {'shipped' if current else 'held out'} {file:18} sets answered {f[1]}/{f[0]}, complete {f[2]}/{f[0]}; "
                      f"not covered declined {f[4]}/{f[3]}", flush=True)
        finally:
            constraint_words.MODEL_PATH = shipped
            constraint_words.model.cache_clear()
    print(f"  total: sets answered {total[1]}/{total[0]}, complete {total[2]}/{total[0]}; not covered declined {total[4]}/{total[3]}")


def main() -> None:
    from agent.corpus import open_store
    from agent.qa import constraint_words
    from agent.qa.constraint_words import FEATURES
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    data = rows(store, settings)
    files = np.array([d[0] for d in data])
    raw = np.array([[d[3][k] for k in FEATURES] for d in data])
    y = np.array([d[4] for d in data], dtype=float)
    print(f"{len(data)} groups from {len({d[1] for d in data})} set questions; {int(y.sum())} must hold")
    for file, figs in lofo(data, raw, y, files).items():
        print(f"  held out {file}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                 for k, v in figs.items()))
    model = fit_model(raw, y, files)
    print("weights:", dict(zip(FEATURES, model["weights"])), "cutoff", model["cutoff"])
    if "-v" in sys.argv:
        from agent.qa.constraint_words import probability
        for d in data:
            print(f"  {d[1]:8s} {d[4]} {probability(d[3], model):.2f} {d[2]}")
    if "--check" in sys.argv:     # the shipped JSON is this fit (run after changing the reader or the files)
        same = json.loads(constraint_words.MODEL_PATH.read_text()) == json.loads(json.dumps(model))
        print("shipped model is the refit" if same else "shipped model differs from the refit: run --write")
        if not same:
            sys.exit(1)
    if "--write" in sys.argv:
        constraint_words.MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {constraint_words.MODEL_PATH}")
    if "--ask-current" in sys.argv:
        ask_lofo(data, raw, y, files, settings, store, current=True)
    if "--ask" in sys.argv:
        ask_lofo(data, raw, y, files, settings, store)


if __name__ == "__main__":
    main()
