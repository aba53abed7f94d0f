"""Which retrieved paper a look-up answers from, beyond the answerability model (agent/qa/local.py):
the paper whose own name the question writes, and a paper stating every fact the question asks."""

from __future__ import annotations

from agent.qa.tools import QAContext, all_sources, paper_extraction  # noqa: F401 (all_sources re-exported)
from agent.qa.types import Source


def with_unknown(missing: list, unknown: list) -> list:
    """Unmet constraints plus the names no paper uses, each said once ("TPUs" is part of "TPUs v5")."""
    said = [m.surface.lower() for m in missing]
    return missing + [c for c in unknown if not any(c.surface.lower() in m for m in said)]


FULL_COVERAGE = 0.95   # share of the question's words (IDF-weighted) the paper uses to "state every fact"


def states_every_fact(wanted: list, missing: list, ev) -> bool:
    """Retrieval is not sure, but the paper meets every named entity of the question (a dataset, a
    hardware product, a model size) and uses (nearly) all its words: the abstract states the fact asked."""
    entities = [c for c in wanted if c.kind in ("dataset", "hardware", "model")]
    return bool(entities) and not missing and ev.features.get("coverage", 0.0) >= FULL_COVERAGE


def singled_out(wanted: list, judged: list) -> bool:
    """Retrieval is not sure, but the question names an entity (a sized model "Mamba-3B", a dataset, a
    hardware product) that the first paper meets and no other candidate does, and that paper is rank 1
    for both BM25 and dense: the entity names the paper as a rare title word would."""
    entities = {(c.kind, c.value) for c in wanted if c.kind in ("dataset", "hardware", "model")}
    if not entities or not judged:
        return False
    best, ev, missing = judged[0]
    if missing or not ev.features.get("agree"):
        return False
    return all(any((c.kind, c.value) in entities for c in j[2]) for j in judged[1:])


def owners_first(question: str, ctx: QAContext, judged: list, hits, cosines, bm25, wanted, unknown) -> list:
    """When the question writes a name a paper gives itself, that paper is answered from (added when
    retrieval missed it); a paper that only mentions the name (as a baseline) is not "named"."""
    from agent.qa import answerability
    from agent.qa.constraints import paper_facts, unmet
    from agent.qa.figure_check import with_unreported

    owned = answerability.owners(question, all_sources(ctx), ctx.stats())
    if not owned:
        return judged
    ids = {s.id for s in owned}
    for src, ev, _ in judged:
        ev.owner = ev.named = src.id in ids
    if not any(j[0].id in ids for j in judged):
        src = owned[0]
        ext = paper_extraction(ctx, src.id)
        ev = answerability.evidence(question, src, hits, cosines, bm25, ctx.stats(), ext.get("tldr"))
        ev.owner = ev.named = True
        missing = unmet(wanted, paper_facts(src.title, src.abstract, ext, ext.get("tldr")))
        missing = with_unreported(missing, wanted, src.abstract, question)
        judged.insert(0, (src, ev, with_unknown(missing, unknown)))
    first = next(j for j in judged if j[0].id in ids)
    judged.remove(first)
    return [first] + judged


def judge_one(question: str, ctx: QAContext, src, hits, cosines, bm25, wanted, unknown) -> tuple:
    """(src, Evidence, unmet constraints) of one retrieved paper for a look-up."""
    from agent.qa import answerability, asked_entity, figure_subject
    from agent.qa.constraints import paper_facts, unmet
    from agent.qa.figure_check import with_unreported

    ext = paper_extraction(ctx, src.id)
    ev = answerability.evidence(question, src, hits, cosines, bm25, ctx.stats(), ext.get("tldr"))
    missing = unmet(wanted, paper_facts(src.title, src.abstract, ext, ext.get("tldr")))
    missing = with_unreported(missing, wanted, src.abstract, question)   # named, with no figure of it
    missing += asked_entity.unmet(question, ext)    # "what GPU ...?" and the paper names none
    missing += figure_subject.others_subject(question, src, ctx.stats())   # DeiT's figure, from a paper on DeiT-T
    return src, ev, with_unknown(missing, unknown)


def meeting_the_rest_first(question: str, ctx: QAContext, judged: list, hits, cosines, bm25, wanted, unknown) -> list:
    """A question naming a system no paper uses ("How fast is FooNet on KITTI?"): only the name is
    missing when papers meet the rest (the dataset), and those papers are the closest. Retrieval is
    run again without the unknown names (a made-up word pulls it anywhere), and papers whose only
    unmet constraints are the unknown names come first."""
    import re

    if not unknown or not wanted:
        return judged
    rest = question
    for c in unknown:
        rest = re.sub(rf"(?<![\w-]){re.escape(c.surface)}(?![\w-])", " ", rest)
    from agent.qa.tools import search_papers

    have = {j[0].id for j in judged}
    extra = [s for s in search_papers(ctx, rest, k=10) if s.id not in have][:5]
    judged = judged + [judge_one(question, ctx, s, hits, cosines, bm25, wanted, unknown) for s in extra]
    names_only = [j for j in judged if all(c.kind == "name" for c in j[2])]
    return names_only + [j for j in judged if j not in names_only]


FUSE_K = 60   # reciprocal-rank constant of the paper-level fusion below


def rank_fusion(runs: list[list[str]]) -> dict[str, float]:
    """Paper id -> reciprocal-rank fusion of its ranks in each run (best first)."""
    scores: dict[str, float] = {}
    for run in runs:
        for rank, pid in enumerate(run, 1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (FUSE_K + rank)
    return scores


def fused_hits(ctx: QAContext, hits: list[Source], cosines: dict[str, float], bm25: dict[str, float],
               k: int = 10) -> list[Source]:
    """The look-up's candidate papers: reciprocal-rank fusion, per paper, of the hybrid ranking and the
    dense and BM25 paper rankings. The store's hybrid search fuses chunks, and a chunk that both
    retrievers rank middling outscores one only dense ranks first: a paraphrase that shares few words
    with its paper (dense rank 1, no BM25 match) could fall out of the top 10. Fused per paper, each
    retriever's best papers keep a place. Score = the fused score (the `hybrid_gap` feature reads it).
    On the paraphrases of the six qa files: top-1 0.885 -> 0.904, top-5 0.962 -> 0.971 (bench.qa_paraphrase_retrieval)."""
    from dataclasses import replace

    runs = [[h.id for h in hits], sorted(cosines, key=lambda p: -cosines[p]), sorted(bm25, key=lambda p: -bm25[p])]
    allowed = set(ctx.scope) if ctx.scope is not None else None
    scores = rank_fusion([[p for p in run if allowed is None or p in allowed] for run in runs])
    order = sorted(scores, key=lambda p: (-scores[p], p))[:k]
    by_id = {h.id: h for h in hits}
    extra = [p for p in order if p not in by_id]
    if extra:
        by_id.update({p.id: Source.of(p) for p in ctx.store.get_many(extra)})
    return [replace(by_id[p], score=scores[p]) for p in order if p in by_id]
