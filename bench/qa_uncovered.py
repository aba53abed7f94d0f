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

from bench.qa_dev import ROOT, TUNING_FILES

L2 = float(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--l2=")), 3.0))   # as bench.qa_calibrate


def rows(store, settings) -> list[tuple[str, str, dict, int]]:
    from agent.qa import answerability, uncovered_weight
    from agent.qa.constraints import paper_facts, question_constraints, unmet
    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, paper_extraction, search_papers

    out = []
    for name, _ in TUNING_FILES:
        for line in (ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            tasks = [c for c in question_constraints(q["question"]) if c.kind in uncovered_weight.WEIGHED_KINDS]
            if q["kind"] == "set" or not tasks:
                continue
            ctx = QAContext(store, settings)
            cosines, bm25 = dense_scores(ctx, q["question"]), bm25_scores(ctx, q["question"])
            hits = fused_hits(ctx, search_papers(ctx, q["question"], k=10), cosines, bm25)
            papers = [store.resolve(ref) for ref in q["answers"]] if q["kind"] != "unanswerable" else hits[:1]
            for src in papers:
                ext = paper_extraction(ctx, src.id)
                ev = answerability.evidence(q["question"], src, hits, cosines, bm25, ctx.stats(), ext.get("tldr"))
                for c in unmet(tasks, paper_facts(src.title, src.abstract, ext, ext.get("tldr"))):
                    feats = uncovered_weight.features(q["question"], c, f"{src.title or ''} {src.abstract}", ev, ctx.stats())
                    out.append((name, f"{q['id']} {c.surface!r}", feats, int(q["kind"] == "unanswerable")))
    return out


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
    raw = np.array([[f[k] for k in FEATURES] for _, _, f, _ in data])
    y = np.array([lab for *_, lab in data], dtype=float)
    for (file, qid, f, lab) in data:
        print(f"{file:18} {qid:50} share {f['share']:.3f} retrieval {f['retrieval']:+.2f} stands={lab}")
    files = [d[0] for d in data]
    hits = {"loo": [], "lofo": []}
    for i in range(len(y)):
        for key, keep in (("loo", np.arange(len(y)) != i), ("lofo", np.array([f != files[i] for f in files]))):
            if len(set(y[keep])) < 2:
                hits[key].append(None)
                continue
            m = fitted(raw[keep], y[keep])
            hits[key].append(int((p_stands(dict(zip(FEATURES, raw[i])), m) >= 0.5) == bool(y[i])))
    for key, got in hits.items():
        ok = [g for g in got if g is not None]
        keep_ok = [g for g, lab in zip(got, y) if g is not None and lab == 0]
        stand_ok = [g for g, lab in zip(got, y) if g is not None and lab == 1]
        print(f"{key}: right {sum(ok)}/{len(ok)}; misses overturned on the right paper {sum(keep_ok)}/{len(keep_ok)}, "
              f"not-covered misses kept {sum(stand_ok)}/{len(stand_ok)}")
    model = fitted(raw, y) | {"n": len(y), "stands": int(y.sum()), "trained_on": [f for f, _ in TUNING_FILES]}
    print("weights:", dict(zip(FEATURES, model["weights"])), "bias:", model["bias"])
    if "--write" in sys.argv:
        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
