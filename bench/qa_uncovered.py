"""Fit agent/data/uncovered_weight.json: when does a task phrase the paper does not write decline a
look-up, and when does retrieval outweigh it (agent/qa/uncovered_weight.py)?

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_uncovered [--write]   # after bench.qa_dev --build

Instances: every non-set question of the dev files with a task phrase that a paper does not write,
the paper being the gold paper of an answerable question (label 0: the miss should not decline) or
retrieval's first paper for a not-covered question (label 1: it should). Prints the rows,
leave-one-out and leave-one-file-out accuracy; --write stores the model fitted on all rows.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from bench.common import held_out
from bench.qa_dev import ROOT, TUNING_FILES

# `--skip F`: a held-out file stays out of the fit (as bench.qa_calibrate)
SKIP = held_out()
FILES = tuple(f for f, _ in TUNING_FILES if f not in SKIP)
L2 = float(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--l2=")), 3.0))   # as bench.qa_calibrate


def rows(store, settings) -> list[tuple[str, str, dict, int, dict]]:
    """(file, row id, features, stands, answerability features of the paper) per unmet task phrase.

    Every paper a look-up weighs (the first five hybrid hits, and the gold papers of an answerable
    question) is a decision: on the gold paper of an answerable question the miss must not decline
    (label 0); on any other paper, and on every paper of a not-covered question, it stands (label 1).
    Round 5 used the gold paper / the first hit only (12 rows); every weighed paper is the decision
    `ask` makes. The answerability features are kept so bench.qa_lofo can recompute `retrieval` under
    a held-out answerability model."""
    from agent.qa import answerability, uncovered_weight
    from agent.qa.constraints import paper_facts, question_constraints, unmet
    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, paper_extraction, search_papers

    out = []
    for name in FILES:
        for line in (ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            tasks = [c for c in question_constraints(q["question"]) if c.kind in uncovered_weight.WEIGHED_KINDS]
            if q["kind"] == "set" or not tasks:
                continue
            ctx = QAContext(store, settings)
            cosines, bm25 = dense_scores(ctx, q["question"]), bm25_scores(ctx, q["question"])
            hits = fused_hits(ctx, search_papers(ctx, q["question"], k=10), cosines, bm25)
            gold = {store.resolve(ref).id for ref in q["answers"]} if q["kind"] != "unanswerable" else set()
            papers = list({s.id: s for s in [store.resolve(ref) for ref in q["answers"]] * bool(gold) + hits[:5]}.values()) \
                if ALL_HITS else ([store.resolve(ref) for ref in q["answers"]] if gold else hits[:1])
            for src in papers:
                ext = paper_extraction(ctx, src.id)
                ev = answerability.evidence(q["question"], src, hits, cosines, bm25, ctx.stats(), ext.get("tldr"))
                if ev.named:
                    continue       # the model is not applied to a paper the question names
                for c in unmet(tasks, paper_facts(src.title, src.abstract, ext, ext.get("tldr"))):
                    feats = uncovered_weight.features(q["question"], c, f"{src.title or ''} {src.abstract}", ev, ctx.stats())
                    out.append((name, f"{q['id']} {src.id} {c.surface!r}", feats, int(src.id not in gold), ev.features))
    return out


ALL_HITS = "--gold-only" not in sys.argv


def fitted(raw: np.ndarray, y: np.ndarray) -> dict:
    from agent.qa.uncovered_weight import FEATURES
    from bench.qa_calibrate import fit

    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-9
    w = fit((raw - mean) / scale, y, l2=L2)
    return {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
            "weights": w[:-1].tolist(), "bias": float(w[-1]), "cutoff": 0.5, "l2": L2}


def main() -> None:
    from agent.corpus import open_store
    from agent.qa.uncovered_weight import FEATURES, MODEL_PATH, p_stands
    from core.settings import get_settings

    settings = get_settings()
    data = rows(open_store(settings), settings)
    raw = np.array([[d[2][k] for k in FEATURES] for d in data])
    y = np.array([d[3] for d in data], dtype=float)
    if "-v" in sys.argv:
        for (file, qid, f, lab, _) in data:
            print(f"{file:18} {qid:60} share {f['share']:.3f} retrieval {f['retrieval']:+.2f} stands={lab}")
    files = np.array([d[0] for d in data])
    shipped = json.loads(MODEL_PATH.read_text())
    current = np.array([p_stands(dict(zip(FEATURES, r)), shipped) >= shipped["cutoff"] for r in raw])
    lofo = np.zeros(len(y), dtype=bool)
    for held in dict.fromkeys(files):
        train = files != held
        if len(set(y[train])) < 2:
            lofo[~train] = True      # nothing to learn from: the miss stands (the rule without the model)
            continue
        m = fitted(raw[train], y[train])
        lofo[~train] = [p_stands(dict(zip(FEATURES, r)), m) >= 0.5 for r in raw[~train]]
    print(f"{len(y)} rows, {int(y.sum())} stand, {int(len(y) - y.sum())} overturned on the right paper")
    print("file               current: overturned / stands kept | leave-one-file-out: overturned / stands kept")
    for held in dict.fromkeys(files):
        t = files == held
        o, st = t & (y == 0), t & (y == 1)
        print(f"  {held:18} {(~current[o]).sum()}/{o.sum()}  {current[st].sum()}/{st.sum()}   |   "
              f"{(~lofo[o]).sum()}/{o.sum()}  {lofo[st].sum()}/{st.sum()}")
    o, st = y == 0, y == 1
    print(f"  total              {(~current[o]).sum()}/{o.sum()}  {current[st].sum()}/{st.sum()}   |   "
          f"{(~lofo[o]).sum()}/{o.sum()}  {lofo[st].sum()}/{st.sum()}")
    model = fitted(raw, y) | {"n": len(y), "stands": int(y.sum()), "trained_on": list(FILES),
                              "rows": "every weighed paper" if ALL_HITS else "gold paper / first hit"}
    print("weights:", dict(zip(FEATURES, model["weights"])), "bias:", model["bias"])
    if "--write" in sys.argv:
        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
