"""One meaning for `sources[].score` / `citations[].score` in every answer shape.

score = how relevant the paper is to the question as retrieval sees it: per-paper reciprocal-rank
fusion of the hybrid, dense and BM25 rankings of the question (the look-up's own fusion,
agent/qa/lookup_pick.py), divided by its maximum. Range 0..1, higher = more relevant: 1.0 is rank 1
for all three retrievers, 0.0 a paper none of them ranks in its top RANKED (a set member found
through the claims tables alone, say). A set answer that ranks by a speedup says so in each
source's `speedup` / `speedup_metric`, never in `score`.
"""

from __future__ import annotations

from agent.qa.lookup_pick import FUSE_K, rank_fusion
from agent.qa.tools import QAContext, bm25_scores, dense_scores, search_papers
from agent.qa.types import Answer

RANKED = 30           # papers per retriever that get a non-zero score
_MAX = 3.0 / (FUSE_K + 1)


def relevance_of(ctx: QAContext, question: str) -> dict[str, float]:
    """Paper id -> relevance 0..1 of the paper to `question` (within the session filter)."""
    scope, calls = ctx.scope, len(ctx.calls)
    ctx.scope = None     # a follow-up's scope decides which papers are listed, not how relevant they are
    try:
        runs = [[s.id for s in search_papers(ctx, question, k=RANKED)]]
    except Exception:    # noqa: BLE001 — scoring must never fail an answer (e.g. a question of stop words)
        runs = []
    finally:
        ctx.scope = scope
    for scores in (dense_scores(ctx, question, k=RANKED), bm25_scores(ctx, question, k=RANKED)) if runs else ():
        runs.append(sorted(scores, key=lambda p: (-scores[p], p)))
    del ctx.calls[calls:]    # bookkeeping, not a tool call of the answer
    fused = rank_fusion(runs)
    return {pid: round(min(1.0, s / _MAX), 4) for pid, s in fused.items()}


def score_sources(answer: Answer, ctx: QAContext) -> Answer:
    """Sets every source's and citation's `score` to its relevance to the question."""
    if not (answer.sources or answer.citations):
        return answer
    rel = relevance_of(ctx, answer.question)
    for src in (*answer.sources, *answer.citations):
        src.score = rel.get(src.id, 0.0)
    return answer
