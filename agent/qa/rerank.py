"""Re-ranking of a look-up's top candidates by a small fitted score (issue 12: a paraphrase's right paper
is often ranked 2-5 by the fusion of agent/qa/lookup_pick.py).

Each candidate is described without the question's exact words, relative to the other candidates, so
a score fitted on one set of question files can carry to another's wording:
- `fused_rr`: 1 / its place in the fusion; `dense_rr`, `bm25_rr`: 1 / its rank in each retriever;
- `cos_gap`: its dense cosine below the best candidate's; `bm25_rel`: its BM25 score over the best's;
- `concepts`: the IDF-weighted share of the question's content words the paper meets itself, by a lay
  sense or a near synonym (agent/qa/answer_features.py); `title_concepts`: the same on title + TL;DR
  only (a paper whose title and TL;DR meet the question is about it, not merely mentioning it).
The model (`agent/data/rerank.json`, fitted by `python -m bench.qa_rerank --skip HELD --write`) is a
conditional logit over the candidates.

Round 9 measured it and does NOT ship it (no model file; `ask` does not call `rerank`): fitted
leave-one-file-out on the twelve dev files (qa_blind11 held out), right-first on the 210 questions whose
right paper is in the fusion's top 5 moved by at most one question per kind (paraphrases 140/153 ->
139-141/153 by penalty and feature subset; look-ups 41 -> 41-42/42, numeric 14 -> 14-15/15), and not
at all on the paraphrase probes (qa_paraphrase_probe9 26/31, qa_newuser8 7/7). Fitted on all dev files
and wired in after the fusion, it changed the first paper of 4 dev questions and left every
`bench.qa_dev` figure identical. In the misses the fusion's first paper usually has as good rank
evidence as the right one (BM25 rank 1 against dense rank 1) and concept shares differ by a few points:
these features cannot tell them apart. It would also cost about 85 ms CPU per look-up (p50; the near
synonyms of `concept_share` are looked up per candidate), more than a warm `ask` (65 ms).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "rerank.json"
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


@lru_cache(maxsize=1)
def model() -> dict | None:
    return json.loads(MODEL_PATH.read_text()) if MODEL_PATH.exists() else None


def rerank(ctx, question: str, hits: list, cosines: dict[str, float], bm25: dict[str, float], k: int = 5) -> list:
    """`hits` with its first `k` re-ordered by the fitted score (unchanged without a model file)."""
    m = model()
    if m is None or len(hits) < 2:
        return hits
    feats = candidate_features(ctx, question, hits[:k], cosines, bm25)
    score = [sum(w * f[name] for name, w in zip(m["features"], m["weights"])) for f in feats]
    order = sorted(range(len(feats)), key=lambda i: (-score[i], i))
    return [hits[i] for i in order] + hits[k:]
