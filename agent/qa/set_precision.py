"""Precision of a list answer: each member the rule path listed is kept or left out by a small
logistic model with one indicator per constraint kind (how the set was decided: a named entity, a
topic/facet of the claims tables, a concept scan of the subject and its qualifiers). One model with
kind indicators, not one per kind: fitted per kind, each had too few lists to beat the rules
leave-one-file-out (bench/set_precision.py).

The rule path (agent/qa/local.py `_set`) lists the papers that meet the question's constraints as it
reads them. Its commonest wrong answer on new wordings is the right papers plus near-topic ones that
share the subject but not the qualifier the question adds. Each member is described relative to the
other members of its list:

- `own`, `own_rel`: IDF-weighted share of the question's content words said by one of the abstract's
  own sentences (first person or a result, not background; the title counts), and its ratio to the
  best member: the qualifier stated as the paper's own, not only the topic;
- `sent`, `sent_rel`: the same over two adjacent sentences, any kind; `cover`, `cover_rel`: over the
  whole paper; `cover_title`: over the title;
- `qual_near`, `subj_n`, `subj_title`: the concept reader's qualifier / subject evidence
  (agent/qa/set_membership.py `concept_features`);
- `rank_rel`: the member's rank by `own`+`sent` among the list (0 = first, 1 = last); `gap`: its
  `own`+`sent` below the weakest of the members the model is surest of (the top half);
- `log_n`: how many the rule path listed; `k_entity`, `k_facet`, `k_concept`: the kind;
- `mean_min`, `mean_avg`, `mean_rel_min`, `mean_z_min`: each constraint group's best-sentence MiniLM
  cosine (agent/qa/set_meaning.py), weakest / mean group, and compared among the list's members.

The model is agent/data/set_precision.json, fitted by `python -m bench.set_precision --write`
(leave-one-file-out figures there); no model, or `keep_at` 0, leaves the lists as the rules made
them. A list is never cut below one paper, and a one-paper list is not touched.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from agent.qa.fitted import load_json_model, logistic

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "set_precision.json"
FEATURES = ("own", "own_rel", "sent", "sent_rel", "cover", "cover_rel", "cover_title", "qual_near", "subj_n",
            "subj_title", "rank_rel", "gap", "log_n", "mean_min", "mean_rel_min", "mean_z_min", "mean_avg",
            "k_entity", "k_facet", "k_concept")
# the trace tool that decided a set -> the constraint kind whose model judges its members
KIND_OF = {"entity_filter": "entity", "query_claims": "facet", "concept_set": "concept"}


def kind_of(calls: list[dict]) -> str | None:
    """The constraint kind of a set answer, from the tools its route called (ctx.calls); claims-table
    filters (thresholds, baselines, quantities, metrics) check a value and are not judged here."""
    names = [c["tool"] for c in calls]
    if any(n in names for n in ("claim_threshold", "claim_baseline", "quantity_bound", "claim_metric")):
        return None
    return next((KIND_OF[n] for n in KIND_OF if n in names), None)


def member_features(question: str, ctx, ids: list[str], kind: str) -> dict[str, dict[str, float]]:
    """Member id -> FEATURES, each relative to the other members of the list `ids` (`kind`: the
    constraint kind that decided the list, one indicator feature per kind)."""
    from agent.qa.set_membership import concept_features, window_cover, concepts_of, content_terms

    papers = {p.id: p for p in ctx.store.get_many(ids)}
    terms, stats = content_terms(question), ctx.stats()
    concepts = concepts_of(question, ctx)
    out: dict[str, dict[str, float]] = {}
    for pid in ids:
        p = papers.get(pid)
        if p is None:
            continue
        c = concept_features(concepts, pid, ctx)
        out[pid] = {"own": own_cover(terms, p, stats), "sent": window_cover(terms, p, stats),
                    "cover": stats.coverage(terms, _terms(f"{p.title or ''} {p.abstract}")),
                    "cover_title": stats.coverage(terms, _terms(p.title or "")),
                    "qual_near": c["qual_near"], "subj_n": c["subj_n"], "subj_title": c["subj_title"],
                    "log_n": math.log1p(len(ids)), **{f"k_{k}": float(k == kind) for k in KIND_OF.values()}}
    _relative(out)
    _meaning(question, ctx, concepts, [papers[pid] for pid in out], out)
    return out


def _meaning(question: str, ctx, concepts, papers: list, out: dict[str, dict[str, float]]) -> None:
    """Each constraint group's best-sentence MiniLM cosine (agent/qa/set_meaning.py), compared among
    the list's members: a member must say every constraint, in any words."""
    from agent.qa import set_meaning
    from agent.qa.set_extend import sentence_embedder

    meaning = set_meaning.candidate_meaning(concepts, papers, question,
                                            sentence_embed=lambda texts: sentence_embedder(ctx.store)(texts))
    for pid, f in out.items():
        f.update({k: meaning.get(pid, {}).get(k, 0.0) for k in ("mean_min", "mean_rel_min", "mean_z_min", "mean_avg")})


def _relative(out: dict[str, dict[str, float]]) -> None:
    for key in ("own", "sent", "cover"):
        top = max((f[key] for f in out.values()), default=0.0)
        for f in out.values():
            f[f"{key}_rel"] = f[key] / top if top else 0.0
    score = {pid: f["own"] + f["sent"] for pid, f in out.items()}
    order = sorted(score, key=lambda pid: (-score[pid], pid))
    sure = order[: max(1, len(order) // 2)]
    floor = min(score[pid] for pid in sure) if sure else 0.0
    for i, pid in enumerate(order):
        out[pid]["rank_rel"] = i / (len(order) - 1) if len(order) > 1 else 0.0
        out[pid]["gap"] = max(0.0, floor - score[pid])


def own_cover(terms: set[str], paper, stats) -> float:
    """The best coverage of the question's words by one sentence the paper says as its own: the title,
    or a sentence in the first person or stating a result, not background (the TL;DR compressor's
    cues, agent/engines/local/tldr_compress.py)."""
    return max((stats.coverage(terms, s) for s in _own_sentences(paper.title or "", paper.abstract or "")), default=0.0)


@lru_cache(maxsize=5_000)
def _own_sentences(title: str, abstract: str) -> tuple[frozenset[str], ...]:
    from agent.qa.sets import is_background
    from core.text import split_sentences

    own = [s for s in split_sentences(abstract) if not is_background(s)]
    return tuple(_terms(s) for s in [title] + own)


def _terms(text: str) -> frozenset[str]:
    from agent.qa.set_membership import paper_terms as cached

    return cached(text)


def load_model(path: str = str(MODEL_PATH)) -> dict | None:
    return load_json_model(path)


probability = logistic


def kept(model: dict, feats: dict[str, dict[str, float]]) -> list[str]:
    """The members at or above the model's `keep_at` (the knob: how many to list), never none: the
    most probable member stays."""
    probs = {pid: probability(model, f) for pid, f in feats.items()}
    keep = [pid for pid, p in probs.items() if p >= model["keep_at"]]
    if not probs:
        return []
    return keep or [max(probs, key=lambda pid: (probs[pid], pid))]


def prune(question: str, ctx, r, answer):
    """`answer` with the members the model leaves out dropped (the rule answer unchanged when there
    is no model, the kind is not judged, the list has one paper, or the model keeps every member)."""
    model = load_model()
    kind = kind_of(ctx.calls)
    ids = list(dict.fromkeys(c.id for c in answer.citations))
    if model is None or model.get("keep_at", 0) <= 0 or kind is None or answer.insufficient or len(ids) < 2:
        return answer
    feats = member_features(question, ctx, ids, kind)
    keep = set(kept(model, feats))
    ctx.log("set_precision", kind=kind, kept=len(keep), listed=len(feats))
    if keep >= set(feats):
        return answer
    from agent.qa.set_membership import rebuilt

    out = rebuilt(question, ctx, r, answer, [pid for pid in ids if pid in keep])
    out.notes = list(answer.notes) + [f"{len(feats) - len(keep)} listed paper(s) left out by the precision model ({kind})"]
    return out
