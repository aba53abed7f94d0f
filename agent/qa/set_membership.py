"""Membership of a set question's answer, decided per candidate paper by a small calibrated scorer.

The rule path (agent/qa/local.py `_set`: claims tables, entity levels, concept groups, qualifiers)
proposes a set. It is lexical, so on new wordings it drops a member whose abstract says the subject
in other words, or keeps one that only shares a word. Here the candidates are gathered generously
(the rule set plus the top hybrid, BM25 and dense hits of the question) and each one is kept or
left out by a logistic regression over retrieval and constraint evidence:

- `rule`: the rule path listed it; `rule_declined`: the rule path found no paper meeting a
  constraint of the question; `log_rule_n`: how many it listed;
- `dense`, `dense_gap`: cosine of the paper's best chunk to the question, and the gap to the best one;
- `bm25_rel`, `hybrid_rr`: BM25 score relative to the best, reciprocal rank in the hybrid search;
- `cover`, `cover_title`: IDF-weighted share of the question's content words the paper (title +
  abstract + TL;DR) / its title uses;
- `entity`: share of the question's named entities (dataset, hardware product, sized model) the
  paper meets at their level (agent/qa/constraints.py), 1 when it names none.

The model is `agent/data/set_membership.json`, fitted by `python -m bench.set_membership --write`
(deterministic Newton steps; see that script for the leave-one-file-out figures). Threshold sets
("more than 10x") keep the claims table's exact answer: a number is checked, not scored.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from agent.qa.fitted import load_json_model, logistic

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "set_membership.json"
FEATURES = ("rule", "rule_declined", "log_rule_n", "dense", "dense_rel", "bm25_rel", "hybrid_rr", "cover",
            "cover_rel", "cover_title", "sent_cover", "sent_rel", "rare_hit", "entity", "subj_n", "subj_title",
            "qual_any", "qual_near")
ENABLED = True   # bench/set_membership.py turns it off to read the rule path alone
POOL = 20     # top hits of each retriever that become candidates besides the rule set


def candidate_features(question: str, ctx, rule_ids: list[str], rule_declined: bool) -> dict[str, dict[str, float]]:
    """Candidate paper id -> feature values (FEATURES)."""
    from agent.qa.tools import bm25_scores, dense_scores, search_papers

    hybrid = [s.id for s in search_papers(ctx, question, k=POOL)]
    cos, bm25 = dense_scores(ctx, question, k=POOL), bm25_scores(ctx, question, k=POOL)
    pool = list(dict.fromkeys(list(rule_ids) + hybrid + list(cos) + list(bm25)))
    if ctx.scope is not None:
        pool = [pid for pid in pool if pid in set(ctx.scope)]
    papers = {p.id: p for p in ctx.store.get_many(pool)}
    terms = content_terms(question)
    stats = ctx.stats()
    top_cos, top_bm = max(cos.values(), default=0.0), max(bm25.values(), default=0.0) or 1.0
    entities = _entities(question)
    met = _entity_share(ctx, entities, papers) if entities else {}
    rare = _rarest(terms, stats)
    concepts = concepts_of(question, ctx)
    out = {}
    for pid in pool:
        p = papers.get(pid)
        if p is None:
            continue
        text_terms = paper_terms(f"{p.title or ''} {p.abstract} {_tldr(ctx, pid)}")
        c = cos.get(pid, 0.0)
        out[pid] = {
            "rule": float(pid in rule_ids), "rule_declined": float(rule_declined),
            "log_rule_n": math.log1p(len(rule_ids)),
            "dense": c, "dense_rel": c / top_cos if top_cos else 0.0,
            "bm25_rel": bm25.get(pid, 0.0) / top_bm,
            "hybrid_rr": 1.0 / (1 + hybrid.index(pid)) if pid in hybrid else 0.0,
            "cover": stats.coverage(terms, text_terms),
            "cover_title": stats.coverage(terms, paper_terms(p.title or "")),
            "sent_cover": window_cover(terms, p, stats),
            "rare_hit": len(rare & text_terms) / len(rare) if rare else 0.0,
            "entity": met.get(pid, 1.0),
            **concept_features(concepts, pid, ctx),
        }
    for key, rel in (("cover", "cover_rel"), ("sent_cover", "sent_rel")):
        top = max((f[key] for f in out.values()), default=0.0)
        for f in out.values():
            f[rel] = f[key] / top if top else 0.0
    return out


def content_terms(question: str) -> set[str]:
    """The question's words that say what it is about (list-question frame words removed)."""
    from agent.qa.set_concepts import FRAME
    from agent.qa.text import term_set

    return term_set(question) - FRAME


def concepts_of(question: str, ctx):
    """The question read as a subject and qualifier groups (agent/qa/set_concepts.py), named
    entities taken out (their own feature says whether a paper meets them)."""
    from agent.qa import set_concepts as sc

    taken = [c.surface for c in _entities(question)]
    return sc.read(question, sc.term_index(ctx), taken)


def concept_features(concepts, pid: str, ctx) -> dict[str, float]:
    """How strongly the paper says the subject (mentions, title) and which share of the qualifier
    groups it says anywhere / near the subject."""
    from agent.qa import set_concepts as sc

    index = sc.term_index(ctx)
    if concepts.subject is None or pid not in index.docs:
        return {"subj_n": 0.0, "subj_title": 0.0, "qual_any": 1.0, "qual_near": 1.0}
    n, in_title = sc.mentions(concepts.subject, pid, index, loose=True)
    quals = concepts.qualifiers
    anywhere = [sc.meets_qualifier(g, pid, index) for g in quals]
    near = [sc.meets_qualifier(g, pid, index, concepts.subject) for g in quals]
    return {"subj_n": min(n, 3) / 3, "subj_title": float(in_title > 0),
            "qual_any": sum(anywhere) / len(quals) if quals else 1.0,
            "qual_near": sum(near) / len(quals) if quals else 1.0}


def _rarest(terms: set[str], stats, n: int = 2) -> set[str]:
    """The question's rarest words the store uses: what it is most specifically about."""
    used = sorted((t for t in terms if stats.df.get(t, 0) > 0), key=lambda t: (-stats.idf(t), t))
    return set(used[:n])


def window_cover(terms: set[str], paper, stats) -> float:
    """The best coverage of the question's words by two adjacent sentences (the title is one): the
    constraints said together, not scattered over the abstract."""
    pairs = _sentence_pairs(paper.title or "", paper.abstract or "")
    return max((stats.coverage(terms, pair) for pair in pairs), default=0.0)


@lru_cache(maxsize=5_000)
def _sentence_pairs(title: str, abstract: str) -> tuple[frozenset[str], ...]:
    """The words of each two adjacent sentences (title first), cached per paper text."""
    from core.text import split_sentences

    sets = [paper_terms(s) for s in [title] + (split_sentences(abstract) or [abstract])]
    return tuple(a | b for a, b in zip(sets, sets[1:] + [frozenset()]))


@lru_cache(maxsize=50_000)
def paper_terms(text: str) -> frozenset[str]:
    """Cached: a candidate's title, abstract and sentences recur from one question to the next."""
    from agent.qa.text import term_set

    return frozenset(term_set(text))


def _tldr(ctx, pid: str) -> str:
    from agent.qa.tools import paper_extraction

    return str(paper_extraction(ctx, pid).get("tldr") or "")


def _entities(question: str) -> list:
    from agent.qa.sets import entity_constraints

    return entity_constraints(question)


def _entity_share(ctx, entities: list, papers: dict) -> dict[str, float]:
    from agent.qa.constraints import meets
    from agent.qa.sets import all_facts

    facts = all_facts(ctx, papers)
    return {pid: sum(meets(c, facts[pid]) for c in entities) / len(entities) for pid in papers}


def load_model(path: str = str(MODEL_PATH)) -> dict | None:
    return load_json_model(path)


probability = logistic


def decide(model: dict, feats: dict[str, dict[str, float]]) -> dict[str, float]:
    """Kept candidate id -> probability. A member of the rule set stays unless its probability is
    below `drop_below`; another candidate joins at `add_at` or above: the rule path is overruled
    only where the evidence is clear."""
    probs = {pid: probability(model, f) for pid, f in feats.items()}
    return {pid: p for pid, p in probs.items()
            if p >= (model["drop_below"] if feats[pid]["rule"] else model["add_at"])}


# -- applying it to an answer ------------------------------------------------------------------------
_HEADER = re.compile(r"^(\d+) (papers? match(?:es)?)")


def rescore(question: str, ctx, r, answer):
    """The set answer with its membership decided by the scorer: members it leaves out are dropped,
    candidates it keeps are added with their best-matching sentence. The rule answer is returned
    unchanged when there is no model or when the scorer keeps nothing
    (a decline stays a decline: its `missing` says what is not covered)."""
    model = load_model()
    if model is None or (model["drop_below"] <= 0 and model["add_at"] > 1):   # the fit defers to the rules
        return answer
    rule_ids = [c.id for c in answer.citations] if not answer.insufficient else []
    feats = candidate_features(question, ctx, rule_ids, answer.insufficient)
    kept = decide(model, feats)
    ctx.log("set_membership", kept=len(kept), rule=len(rule_ids), candidates=len(feats))
    if not kept or set(kept) == set(rule_ids):
        return answer
    order = [pid for pid in rule_ids if pid in kept] + sorted((p for p in kept if p not in rule_ids),
                                                               key=lambda p: (-kept[p], p))
    return rebuilt(question, ctx, r, answer, order)


def rebuilt(question: str, ctx, r, answer, order: list[str]):
    from agent.qa.drafting import Draft, finish, strip_end
    from agent.qa.closest import support_sentences as _support
    from agent.qa.text import label, term_set
    from agent.qa.types import Source

    old = {c.id: c for c in answer.citations}
    lines = answer.answer.split("\n") if not answer.insufficient else []
    by_n = {c.n: c.id for c in answer.citations}
    line_of: dict[str, str] = {}
    for line in lines[1:]:
        m = re.search(r"\[(\d+)\]", line)
        if m and int(m.group(1)) in by_n:
            line_of.setdefault(by_n[int(m.group(1))], line)
    draft = Draft()
    n_word = "paper matches" if len(order) == 1 else "papers match"
    head = lines[0] if lines and _HEADER.match(lines[0]) else f"0 papers match ({r.describe() or 'scored'}):"
    draft.lines.append(_HEADER.sub(f"{len(order)} {n_word}", head, count=1))
    papers = {p.id: p for p in ctx.store.get_many([pid for pid in order if pid not in old])}
    for pid in order:
        if pid in old:
            c = old[pid]
            n = draft.cite(c, c.support)
            draft.lines.append(re.sub(rf"\[{c.n}\]", f"[{n}]", line_of.get(pid, f"- {strip_end(label(c.title, c.abstract, c.arxiv_id))} [{c.n}]")))
            continue
        src = Source.of(papers[pid])
        sup = _support(src.abstract, term_set(question), ctx, want=1)[0]
        n = draft.cite(src, sup)
        draft.lines.append(f"- {strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: {strip_end(sup)} [{n}].")
    out = finish(question, draft, draft.cited, r)
    out.notes = list(answer.notes) + [f"membership scored: {len(order)} kept of the candidates"]
    return out
