"""Top-5 re-ranking of single-paper questions (issue 12): does a small fitted score over word-independent
candidate features put the right paper first more often than the look-up's fusion, held out file by file?

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_rerank --skip qa_blind11.jsonl     # after `bench.qa_dev --build`

Rows: each look-up, paraphrase and numeric question of the tuning files (bench/qa_dev.py) but `--skip`,
and of the paraphrase probes (scored by a model fitted on every tuning file, never fitted on), whose
right paper is among the fusion's top 5 (`agent/qa/lookup_pick.fused_hits`); questions naming their
paper are left out (local.py answers those from the named paper whatever the order). Candidate features
(`candidate_features` below) read ranks and shares only, never the question's words. Model: a conditional
logit (softmax over the five candidates), L2-penalised, fitted by gradient steps (numpy only).
Reported: right-first of the fusion and of the re-ranking, leave-one-file-out, per kind.

Each candidate is described relative to the other candidates, so a score fitted on one set of question
files can carry to another's wording:
- `fused_rr`: 1 / its place in the fusion; `dense_rr`, `bm25_rr`: 1 / its rank in each retriever;
- `cos_gap`: its dense cosine below the best candidate's; `bm25_rel`: its BM25 score over the best's;
- `concepts`: the IDF-weighted share of the question's content words the paper meets itself, by a lay
  sense or a near synonym (agent/qa/answer_features.py); `title_concepts`: the same on title + TL;DR
  only (a paper whose title and TL;DR meet the question is about it, not merely mentioning it).

Round 9 measured it and does NOT ship it (round 10 moved the features here from agent/qa/rerank.py and
dropped the unused run-time `rerank` and its model file path): fitted leave-one-file-out on the twelve dev
files (qa_blind11 held out), right-first on the 210 questions whose right paper is in the fusion's top 5
moved by at most one question per kind (paraphrases 140/153 -> 139-141/153 by penalty and feature subset;
look-ups 41 -> 41-42/42, numeric 14 -> 14-15/15), and not at all on the paraphrase probes
(qa_paraphrase_probe9 26/31, qa_newuser8 7/7). Fitted on all dev files and wired in after the fusion, it
changed the first paper of 4 dev questions and left every `bench.qa_dev` figure identical. In the misses
the fusion's first paper usually has as good rank evidence as the right one (BM25 rank 1 against dense
rank 1) and concept shares differ by a few points: these features cannot tell them apart. It would also
cost about 85 ms CPU per look-up (p50; the near synonyms of `concept_share` are looked up per candidate),
more than a warm `ask` (65 ms).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bench.common import held_out
from bench.qa_dev import TUNING_FILES

ROOT = Path(__file__).resolve().parent.parent
SKIP = held_out()
FILES = tuple(f for f, _ in TUNING_FILES if f not in SKIP)
PROBES = ("bench/probes/qa_paraphrase_probe9.jsonl", "bench/probes/qa_newuser8.jsonl")
KINDS = ("lookup", "paraphrase", "numeric")
ASKED = next((tuple(sys.argv[i + 1].split(",")) for i, a in enumerate(sys.argv) if a == "--features"), None)
L2 = float(next((sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--l2"), 0.01))
FEATURES = ("fused_rr", "dense_rr", "bm25_rr", "cos_gap", "bm25_rel", "concepts", "title_concepts")


def candidate_features(ctx, question: str, hits: list, cosines: dict[str, float], bm25: dict[str, float]) -> list[dict]:
    """One feature dict per candidate of `hits` (in fusion order)."""
    from agent.qa import answer_features
    from agent.qa.text import term_set
    from agent.qa.tools import paper_extraction

    stats = ctx.stats()
    top_cos = max((cosines.get(h.id, 0.0) for h in hits), default=0.0)
    top_bm = max((bm25.get(h.id, 0.0) for h in hits), default=0.0)
    out = []
    for place, h in enumerate(hits, 1):
        tldr = paper_extraction(ctx, h.id).get("tldr") or ""
        f = answer_features.rank_features(h.id, cosines, bm25)
        f.pop("rr_sum")
        f["fused_rr"] = 1.0 / place
        f["cos_gap"] = cosines.get(h.id, min(cosines.values(), default=0.0)) - top_cos
        f["bm25_rel"] = bm25.get(h.id, 0.0) / top_bm if top_bm > 0 else 0.0
        f["concepts"] = answer_features.concept_share(question, term_set(f"{h.title or ''} {h.abstract} {tldr}"), stats)
        f["title_concepts"] = answer_features.concept_share(question, term_set(f"{h.title or ''} {tldr}"), stats)
        out.append(f)
    return out


def groups(store, settings, files) -> list[tuple[str, str, str, np.ndarray, int]]:
    """(file, id, kind, candidate features [5 x F], index of the right paper or -1) per question."""
    from agent.qa import answerability
    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, search_papers

    out = []
    for name in files:
        path = ROOT / name if "/" in name else ROOT / "evals" / "fixtures" / name
        for line in path.read_text().splitlines():
            q = json.loads(line)
            if q["kind"] not in KINDS:
                continue
            ctx = QAContext(store, settings)
            gold = {store.resolve(ref).id for ref in q["answers"]}
            cosines, bm25 = dense_scores(ctx, q["question"]), bm25_scores(ctx, q["question"])
            hits = fused_hits(ctx, search_papers(ctx, q["question"], k=10), cosines, bm25)[:5]
            if len(hits) < 2 or any(answerability.names_paper(q["question"], h, ctx.stats()) for h in hits):
                continue
            feats = candidate_features(ctx, q["question"], hits, cosines, bm25)
            x = np.array([[f[k] for k in FEATURES] for f in feats])
            right = next((i for i, h in enumerate(hits) if h.id in gold), -1)
            out.append((name, q["id"], q["kind"], x, right))
    return out


def fit(xs: list[np.ndarray], ys: list[int], l2: float = L2, steps: int = 300) -> np.ndarray:
    """Conditional logit weights (no bias: a softmax over candidates has none), gradient steps on the
    mean log-likelihood of the right candidate, plus an L2 penalty."""
    w = np.zeros(xs[0].shape[1])
    n = len(xs)
    for _ in range(steps):
        grad, hess = l2 * w, l2 * np.eye(len(w))
        for x, y in zip(xs, ys):
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = p @ x
            grad = grad + (mean - x[y]) / n
            hess = hess + ((x * p[:, None]).T @ x - np.outer(mean, mean)) / n
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def right_first(rows, w: np.ndarray | None) -> np.ndarray:
    """Per row: is the right paper first (fusion order when `w` is None)?"""
    out = []
    for _, _, _, x, right in rows:
        first = 0 if w is None else int(np.argmax(x @ w - 1e-9 * np.arange(len(x))))
        out.append(right == first)
    return np.array(out)


def _cached(name: str, make):
    """`--cache DIR`: keep the candidate rows between fits (building them embeds every question)."""
    import pickle

    if "--cache" not in sys.argv:
        return make()
    # the held-out files are part of the key: rows cached without --skip must not come back with it
    held = "".join(f"-{f.removesuffix('.jsonl')}" for f in SKIP)
    path = Path(sys.argv[sys.argv.index("--cache") + 1]) / f"rerank-{name}{held}.pkl"
    if not path.exists():
        path.write_bytes(pickle.dumps(make()))
    return pickle.loads(path.read_bytes())


def main() -> None:
    from agent.corpus import open_store
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    rows = _cached("tuning", lambda: groups(store, settings, FILES))
    use = [FEATURES.index(f) for f in ASKED] if ASKED else list(range(len(FEATURES)))
    train = [(a, b, c, x[:, use], y) for a, b, c, x, y in rows if y >= 0]
    names = np.array([r[0] for r in train])
    kinds = np.array([r[2] for r in train])
    held = np.zeros(len(train), dtype=bool)
    for f in dict.fromkeys(names):
        idx = np.flatnonzero(names != f)
        w = fit([train[i][3] for i in idx], [train[i][4] for i in idx])
        held[names == f] = right_first([r for r in train if r[0] == f], w)
    base = right_first(train, None)
    print(f"{len(rows)} questions, {len(train)} with the right paper in the top 5; features {FEATURES}")
    for kind in KINDS:
        k = kinds == kind
        print(f"  {kind}: right-first fusion {base[k].sum()}/{k.sum()}, re-ranked (LOFO) {held[k].sum()}/{k.sum()}")
    for f in dict.fromkeys(names):
        k = names == f
        if (base[k] != held[k]).any():
            print(f"    {f}: fusion {base[k].sum()}/{k.sum()} -> {held[k].sum()}/{k.sum()}")
    w = fit([r[3] for r in train], [r[4] for r in train])
    print("weights (all files):", dict(zip(ASKED or FEATURES, np.round(w, 3).tolist())))
    probes = [(a, b, c, x[:, use], y) for a, b, c, x, y in _cached("probes", lambda: groups(store, settings, PROBES))
              if y >= 0]
    for name in PROBES:
        sub = [r for r in probes if r[0] == name]
        print(f"  probe {name}: right-first fusion {right_first(sub, None).sum()}/{len(sub)}, "
              f"re-ranked {right_first(sub, w).sum()}/{len(sub)}")


if __name__ == "__main__":
    main()
