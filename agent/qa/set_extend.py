"""A set answer the rule path gave as one paper, extended by the candidates a calibrated model is sure of.

A one-paper list is the commonest shape of an incomplete answer on new wordings: the rules found the
paper that says the question's words, and missed the one that says them in its own ("rearranges
channels" for "reorders channels"). Here each candidate of the question (the rule paper, the top
hybrid, dense and BM25 hits; agent/qa/set_membership.py) gets a membership probability from a
logistic model over the lexical features of set_membership.py plus the per-constraint meaning
features of agent/qa/set_meaning.py (each constraint group's best-sentence MiniLM cosine), and those
at or above the fitted threshold are added, at most three. Longer rule answers and declines are
left alone: that is where the model did not beat the rules (bench/set_cut.py).

Sentence vectors come from the store's text-vector table (store/text_vectors.py): a paper's sentences
are embedded once, then read back. The model is agent/data/set_extend.json, fitted by
`python -m bench.set_extend --write` (leave-one-file-out figures in that script).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from agent.qa.fitted import load_json_model, logistic

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "set_extend.json"


def load_model(path: str = str(MODEL_PATH)) -> dict | None:
    return load_json_model(path)


probability = logistic


def applies(answer) -> bool:
    """Only a one-paper list is extended (a decline says what is not covered; longer lists stay)."""
    return not answer.insufficient and len({c.id for c in answer.citations}) == 1


def checked(question: str) -> bool:
    """A set the claims tables answer exactly ("compared against X", "under 100 ms"): the baseline or
    the figure is checked, not scored (thresholds never reach here)."""
    from agent.qa import baselines, quantities

    return baselines.asked(question) is not None or quantities.find(question) is not None


def extended_ids(question: str, ctx, rule_ids: list[str], model: dict, r=None) -> list[str]:
    """The candidates to add to the one-paper answer `rule_ids`, most probable first."""
    from agent.qa import set_meaning
    from agent.qa.set_membership import candidate_features, concepts_of

    feats = candidate_features(question, ctx, rule_ids, False)
    papers = ctx.store.get_many(list(feats))
    meaning = set_meaning.candidate_meaning(concepts_of(question, ctx), papers, question,
                                            sentence_embed=lambda texts: sentence_embedder(ctx.store)(texts))
    probs = {pid: probability(model, {**f, **meaning.get(pid, {})}) for pid, f in feats.items()}
    ctx.log("set_extend", candidates=len(probs), at=model["add_at"])
    sure = {p for p, v in probs.items() if p not in rule_ids and v >= model["add_at"] and feats[p]["entity"] >= 1}
    add = sorted(admissible(question, ctx, r, sure), key=lambda p: (-probs[p], p))
    return add[: model.get("max_add", 3)]


def admissible(question: str, ctx, r, ids: set[str]) -> set[str]:
    """The candidates the question's hard parts allow: not excluded ("excluding those that use X",
    "but not on ImageNet"), inside the session filter and the question's years. The model weighs
    evidence; these are not evidence to weigh."""
    if not ids:
        return ids
    from agent.qa import set_concepts as sc
    from agent.qa.constraints import meets
    from agent.qa.set_membership import concepts_of
    from agent.qa.sets import all_facts, excluded_entities

    keep = set(ids) - sc.excluded_members(set(ids), concepts_of(question, ctx), sc.term_index(ctx))
    out = excluded_entities(question)
    if out and keep:
        facts = all_facts(ctx, {p.id: p for p in ctx.store.get_many(sorted(keep))})
        keep = {pid for pid in keep if not any(meets(c, facts[pid]) for c in out)}
    year = getattr(r, "year", None)
    if keep and (ctx.flt is not None or year):
        from agent.qa.tools import merge_filters
        from store.papers import PaperFilter

        keep &= {p.id for p in ctx.store.list(merge_filters(ctx.flt, PaperFilter(year=year) if year else None))}
    return keep


def sentence_embedder(store):
    """MiniLM sentence vectors read from the store's text-vector table (store/text_vectors.py
    `stored_embedder`, the topic tagger's recipe, so a stored vector is the one a fresh run computes);
    one embedder per store, so its model key is computed once, not on every question. A read-only
    store still answers (fresh vectors are only not kept)."""
    found = _EMBEDDERS.get(store)
    if found is None:
        from agent.engines.local.topics import EMBED_RECIPE, embed_each
        from store.text_vectors import stored_embedder

        found = _EMBEDDERS[store] = stored_embedder(store, embed_each, EMBED_RECIPE, read_only_ok=True)
    return found


_EMBEDDERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def extend(question: str, ctx, r, answer):
    """`answer` with the model's sure candidates added when the rule path listed one paper."""
    model = load_model()
    if model is None or model["add_at"] > 1 or not applies(answer) or checked(question):
        return answer
    rule_ids = [answer.citations[0].id]
    add = extended_ids(question, ctx, rule_ids, model, r)
    if not add:
        return answer
    from agent.qa.set_membership import rebuilt

    out = rebuilt(question, ctx, r, answer, rule_ids + add)
    out.notes = list(answer.notes) + [f"{len(add)} more paper{'s' if len(add) > 1 else ''} added by the set "
                                      "membership model (meaning + wording)"]
    return out
