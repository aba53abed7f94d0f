"""The local engine's answers: route the question, call one tool, compose an extractive answer.

Every sentence of an answer is copied from an abstract (or names a paper) and carries its
citation, so the grounding check passes by construction; it still runs, as for the LLM engine.
"""

from __future__ import annotations

import re

from agent.qa import filter_reason, lookup_pick, relevance
from agent.qa.closest import asked_figure, asks_figure, claim_sentence, closest, closest_set, numeric_sentence
from agent.qa.closest import support_sentences as _support
from agent.qa.drafting import Draft
from agent.qa.drafting import finish as _finish
from agent.qa.drafting import insufficient as _insufficient
from agent.qa.drafting import mention as _mention
from agent.qa.drafting import sentence_with as _sentence_with
from agent.qa.drafting import strip_end as _strip_end
from agent.qa.router import Facet, Route, route, vocabulary
from agent.qa.figure_check import other_metric_figures
from agent.qa.text import display, label, term_set
from agent.qa.tools import (QAContext, bm25_scores, dense_scores, metric_family, paper_extraction,
                            query_claims, search_papers, text_matches)
from agent.qa.top_and_compare import compare, judged_search, top_claims
from agent.qa.types import Answer, Source

_DESCRIBE_WORDS = term_set("tell more about first second third fourth fifth last one paper it that this "
                           "summarize summary details")
_TOPIC_MIN_MENTIONS = 1   # recall first: a topic phrase the abstract says once counts (the qualifiers then narrow)


def answer_local(question: str, ctx: QAContext, *, last_sources: list[Source] | None = None) -> Answer:
    r = route(question, vocabulary(ctx.store), has_context=bool(last_sources))
    if r.follow_up and last_sources:
        ctx.scope = [s.id for s in last_sources]
        ctx.prior = {s.id: s.support for s in last_sources if getattr(s, "support", "")}
        if r.ordinal is None and r.kind == "lookup" and not term_set(question) - _DESCRIBE_WORDS:
            r.ordinal = 1     # "tell me more about it": the paper the last answer was about
        if r.ordinal is None and r.singular and r.kind in ("lookup", "numeric"):
            r.ordinal = 1     # "what hardware did it run on?": the paper the last answer put first
        if r.ordinal is not None:
            pick = _ordinal(last_sources, r.ordinal)
            if pick is not None:
                answer = _describe_or_closest(question, ctx, pick, r)
                answer.about_one_earlier = True
                return answer
    handler = {"set": _scored_set, "top": _top, "numeric": _lookup, "compare": compare}.get(r.kind, _lookup)
    answer = handler(question, ctx, r)
    if answer.insufficient and ctx.scope is not None and (r.weak_follow_up or r.kind in ("lookup", "numeric")):
        ctx.scope, ctx.prior = None, {}     # not about the previous papers after all: the whole corpus
        answer = handler(question, ctx, r)
    return filter_reason.explain(question, ctx, answer, lambda: handler(question, ctx, r))


def _ordinal(sources: list[Source], n: int) -> Source | None:
    if n == -1:
        return sources[-1] if sources else None
    return sources[n - 1] if 0 < n <= len(sources) else None


# -- look-ups and numeric questions ----------------------------------------------------------------
def _lookup(question: str, ctx: QAContext, r: Route) -> Answer:
    """The best hybrid hit, answered from when retrieval is confident about it and it meets every
    constraint of the question; otherwise the closest papers, saying what they do not cover."""
    from agent.qa import answerability, uncovered_weight
    from agent.qa.constraints import question_constraints

    hits = search_papers(ctx, question, k=10)
    if not hits:
        return _insufficient(question, [], r, [])
    cosines, bm25 = dense_scores(ctx, question), bm25_scores(ctx, question)
    hits = lookup_pick.fused_hits(ctx, hits, cosines, bm25)
    wanted = question_constraints(question)
    unknown = answerability.unknown_names(question, ctx.stats())   # no paper can meet these
    judged = [lookup_pick.judge_one(question, ctx, src, hits, cosines, bm25, wanted, unknown) for src in hits[:5]]
    judged = lookup_pick.owners_first(question, ctx, judged, hits, cosines, bm25, wanted, unknown)
    judged = lookup_pick.meeting_the_rest_first(question, ctx, judged, hits, cosines, bm25, wanted, unknown)
    judged = uncovered_weight.weigh(question, judged, ctx.stats())   # a task worded otherwise, on a sure paper
    named = next((j for j in judged if j[1].named), None)
    if named is not None and named is not judged[0]:   # a title/acronym match ranked lower is the paper asked about
        judged.remove(named)
        judged.insert(0, named)
    if not judged[0][1].confident:      # hybrid fusion of chunks can put second the paper that is rank 1
        # or a lower paper the model is sure of that meets more of the question than its rivals do
        agreed = next((j for j in judged[1:] if j[1].confident and (j[1].features.get("agree")
                                                                   or j[1].features.get("concept_gap", 0.0) > 0)), None)
        if agreed is not None:           # for both BM25 and dense: a strong, clear rank 1 is answered from
            judged.remove(agreed)
            judged.insert(0, agreed)
    best, ev, missing = judged[0]
    if ev.confident and missing and not ev.named:   # another strong hit may meet what the first one misses
        # (not when the question names the first paper: the constraint is then about that paper)
        alt = next((j for j in judged[1:] if not j[2] and j[1].confident), None)
        if alt is not None:
            best, ev, missing = alt
    sure = ev.confident or lookup_pick.states_every_fact(wanted, missing, ev) or \
        (judged[0][0] is best and lookup_pick.singled_out(wanted, judged))
    if not sure or missing:
        return closest(question, ctx, r, judged, ev, missing)
    answer = _answer_from(question, ctx, r, best, hits)
    answer.notes[:0] = [ev.describe(), *ev.notes]
    return answer


def _answer_from(question: str, ctx: QAContext, r: Route, best: Source, sources: list[Source]) -> Answer:
    from agent.qa import asked_entity, comparison_direction

    draft = Draft()
    n = draft.cite(best)
    name = label(best.title, best.abstract, best.arxiv_id)
    entity_line = asked_entity.named_line(question, paper_extraction(ctx, best.id), _strip_end(name), n)
    if entity_line or asked_entity.asks_authors(question):
        return asked_entity.entity_answer(question, ctx, r, best, sources, draft, entity_line)
    q_terms = term_set(question)
    numeric = r.kind == "numeric" or asks_figure(question)
    if numeric:
        from agent.qa.baselines import comparing_sentence

        picked = [comparing_sentence(ctx, best, question, r.metric) or numeric_sentence(best.abstract, q_terms, ctx, question)]
    else:
        picked = _support(best.abstract, q_terms, ctx, want=2, headline=True)
    draft.support[best.id] = picked[0] if numeric else claim_sentence(best.abstract, q_terms, ctx)
    figure = asked_figure(picked[0], question, ctx.stats(), best.title) if numeric else None
    others = other_metric_figures(picked[0], question) if numeric and not figure else []
    asked = comparison_direction.asked_comparison(question) if figure else None
    if asked and comparison_direction.reversed_in(question, picked[0]):   # "B is 2.8x faster than A"
        draft.lines.append(f"{_strip_end(name)} [{n}] reports the comparison the other way round; its {figure} "
                           f"does not say {asked[1]} is {asked[0]} than {asked[2]}:")
    elif figure:      # state the figure asked for, then the sentence that carries it
        draft.lines.append(f"{figure} according to {_strip_end(name)} [{n}]:")
    elif others:    # "how fast?" and the sentence's figures measure a compute/memory reduction: say so
        draft.lines.append(f"{_strip_end(name)} [{n}] states no speed figure; its figures measure another "
                           f"quantity ({'; '.join(display(f) for f in others)}):")
    else:
        draft.lines.append(f"{_strip_end(name)} [{n}]." if not numeric else f"According to {_strip_end(name)} [{n}]:")
    draft.lines[-1] += " " + " ".join(f"{_strip_end(s)} [{n}]." for s in picked)
    return _finish(question, draft, sources, r)


def _describe_or_closest(question: str, ctx: QAContext, src: Source, r: Route) -> Answer:
    """A follow-up about one earlier paper, or the `closest` shape when the question names something
    that paper does not (a baseline "than vLLM" its abstract never mentions, a dataset, a GPU)."""
    from agent.qa import asked_entity
    from agent.qa.answerability import Evidence, unwritten_names
    from agent.qa.constraints import paper_facts, question_constraints, unmet

    ext = paper_extraction(ctx, src.id)
    missing = unmet(question_constraints(question), paper_facts(src.title, src.abstract, ext, ext.get("tldr")))
    missing += asked_entity.unmet(question, ext) + unwritten_names(question, src, [m.surface for m in missing])
    missing += _unmet_classes(r, ext, missing)
    if not missing and (r.kind == "numeric" or asks_figure(question)):   # "how much faster is it?":
        return _answer_from(question, ctx, r, src, [src])   # as a look-up: the figure, the sentence stating it
    if not missing:
        return _describe(question, ctx, src, r)
    ev = Evidence({}, named=True, notes=["a follow-up about one paper of the previous answer"])
    return closest(question, ctx, r, [(src, ev, missing)], ev, missing)


def _unmet_classes(r: Route, ext: dict, missing: list) -> list:
    """"Was it evaluated on an FPGA?" about one paper that names no FPGA: the hardware class the
    question names is a constraint too (question_constraints checks named products only), else the
    paper was described as if it answered."""
    from agent.qa.constraints import Constraint

    classes = {(h.get("class") or h.get("hw_class") or "") for h in ext.get("hardware") or [] if isinstance(h, dict)}
    said = {m.surface.lower() for m in missing}
    return [Constraint("hardware", f.surface, f.value) for f in r.facets
            if f.kind == "hardware_class" and f.value not in classes and f.surface.lower() not in said]


def _describe(question: str, ctx: QAContext, src: Source, r: Route) -> Answer:
    """A follow-up about one earlier paper ("tell me more about the second one")."""
    from agent.qa.tools import get_paper

    info = get_paper(ctx, src.id)
    draft = Draft()
    n = draft.cite(src)
    q_terms = term_set(question) - _DESCRIBE_WORDS
    picked = _support(src.abstract, q_terms, ctx, want=1, headline=True) if q_terms else []
    if not q_terms:
        picked = [info["tldr"]] if info.get("tldr") else _support(src.abstract, set(), ctx, want=1)
        picked += [s for s in _support(src.abstract, set(), ctx, want=0, headline=True) if s not in picked]
    from agent.qa.answer import supporting_sentence

    draft.support[src.id] = supporting_sentence(src, picked[0])   # a TL;DR is not a quote: find one
    draft.lines.append(f"{_strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: "
                       + " ".join(f"{_strip_end(s)} [{n}]." for s in picked))
    for key, rx in _ASKED_FACTS.items():
        names = [h["name"] if isinstance(h, dict) else str(h) for h in info.get(key) or []]
        if names and rx.search(question):
            draft.lines.append(f"{key.capitalize()} named in the abstract: {', '.join(names)} [{n}].")
    if info.get("topics"):
        draft.lines.append(f"Topics: {', '.join(info['topics'])} [{n}].")
    return _finish(question, draft, [src], r)


_ASKED_FACTS = {"hardware": re.compile(r"\b(?:hardware|gpus?|cpus?|devices?|platforms?|chips?|phones?|run\s+on|ran\s+on|"
                                       r"runs\s+on|deployed\s+on|evaluated\s+on)\b", re.I),
                "datasets": re.compile(r"\b(?:datasets?|benchmarks?|data\s+sets?)\b", re.I)}


# -- set and ranking questions --------------------------------------------------------------------
def _set(question: str, ctx: QAContext, r: Route) -> Answer:
    from agent.qa import baselines, claim_sets, quantities, set_qualifiers, sets, thresholds
    from agent.qa.set_shapes import asked_filters

    th = thresholds.find(question)
    if th is not None:
        return claim_sets.threshold_set(question, ctx, r, th, _set)
    if (base := baselines.asked(question)) is not None:
        return claim_sets.baseline_set(question, ctx, r, base, _set)
    if (bound := quantities.find(question)) is not None:
        return claim_sets.quantity_set(question, ctx, r, bound, _set)
    asked_filters(question, r, ctx)     # only the filters the question asks for (agent/qa/set_shapes.py)
    if (by_metric := claim_sets.metric_set(question, ctx, r, _set)) is not None:
        return by_metric
    entities = sets.entity_constraints(question)
    covered = [f for f in r.facets if sets.covered_facet(f, entities + sets.excluded_entities(question), question)]
    r.facets = [f for f in r.facets if f not in covered]
    matches, missing = sets.entity_matches(ctx, entities, question, r) if entities else (None, [])
    if missing:
        return _set_decline(question, ctx, r, entities, missing)
    concept = matches is None and not r.facets and sets.lists_papers(question)
    if concept:
        matches, missing = sets.concept_set(ctx, question, r, [])
        if missing:
            return _set_decline(question, ctx, r, [], missing)
        concept = matches is not None
    if matches is None or r.facets or (r.year and not r.phrases):
        matches = _with_facet_members(question, ctx, r, matches)
    if matches is None:
        return _search_set(question, ctx, r)
    used, hardware_words = _used_words(question, ctx, r, covered, entities)
    topic = next((f for f in r.facets if f.kind == "topic"), None)
    if topic is not None and not concept:     # topic + qualifier groups (agent/qa/set_qualifiers.py)
        matches, r.qualifiers, unmet = set_qualifiers.topic_qualify(question, matches, [u for u in used if u not in r.phrases or u in hardware_words],
                                                                  topic, ctx, r)
        if unmet and not sets.lists_papers(question):   # "which paper ...": one work, not a filtered set
            return _lookup(question, ctx, r)
        if unmet:     # the other filters are met, not with this: `missing` names them too
            return _set_decline(question, ctx, r, [], unmet + [f.surface for f in r.facets if f is not topic]
                                + [c.surface for c in entities])
    elif not concept:      # the concept path checked its own qualifiers
        matches, r.qualifiers, unmet = set_qualifiers.facet_qualify(question, matches, used, ctx, r)
        if unmet:     # the named entities are met, not together with the term: `missing` names both
            return _set_decline(question, ctx, r, [], unmet + [c.surface for c in entities])
    if r.numbers and r.metric:   # "which papers reduce latency ..., by how much?": those with such a claim
        family = metric_family(r.metric)
        measured = [m for m in matches if m.metric in family]
        matches = measured or matches
    return _set_listing(question, ctx, r, matches, entities)


def _with_facet_members(question: str, ctx: QAContext, r: Route, matches: list | None) -> list | None:
    """The members the route's facets and year allow: all of them when nothing matched yet, else those
    of `matches` that are among them (in the facet members' order)."""
    facet_matches = _set_members(question, ctx, r) if (r.facets or r.year or matches is None) else None
    if matches is None:
        return facet_matches
    if facet_matches is None:
        return matches
    ids = {m.source.id for m in matches}
    return [m for m in facet_matches if m.source.id in ids]


def _used_words(question: str, ctx: QAContext, r: Route, covered: list, entities: list) -> tuple[list[str], list[str]]:
    """(every phrase the question's filters already account for, the hardware words among them): what the
    qualifier pass must not read as a further condition."""
    from agent.qa import sets

    if any(c.kind == "hardware" for c in entities):   # "a Google Pixel phone": the product is the class
        covered = covered + [Facet("hardware_class", k, p)
                             for k, ps in vocabulary(ctx.store).hardware_classes.items() for p in ps]
    used = [f.surface for f in covered] + [f.surface for f in r.facets] + [a for f in r.facets for a in f.aliases] \
        + [c.surface for c in entities] + list(r.phrases)
    hardware_words = sets.hardware_words(question, r, entities) + [f.surface for f in r.facets + covered
                                                                   if f.kind in ("hardware", "hardware_class")]
    return used + hardware_words, hardware_words


def _set_listing(question: str, ctx: QAContext, r: Route, matches: list, entities: list) -> Answer:
    """The answer of a set question from its final members: one cited line each, or why there are none."""
    sources = [m.source for m in matches]
    if not matches:
        n = len(ctx.scope or [])
        among = f" among the {n} paper{'s' if n != 1 else ''} of the previous answer" if ctx.scope is not None else ""
        answer = _insufficient(question, [], r, [], f"No paper in the store matches ({r.describe() or 'this'}){among}.")
        if not answer.missing:     # each filter has papers, not together: the combination is what is missing
            answer.missing = [f.surface for f in r.facets] + [c.surface for c in entities]
        return answer
    draft = Draft()
    desc = r.describe()
    noun = "paper matches" if len(matches) == 1 else "papers match"
    draft.lines.append(f"{len(matches)} {noun} ({desc}):" if not r.count_only else f"{len(matches)} {noun} ({desc}).")
    aliases = [a for f in r.facets for a in f.aliases] + r.phrases
    for m in matches:
        sup = (m.evidence if r.numbers else None) or _mention(m.source.abstract, aliases) \
            or ctx.prior.get(m.source.id) or m.evidence or _support(m.source.abstract, term_set(question), ctx, want=1)[0]
        n = draft.cite(m.source, sup)
        line = f"- {_strip_end(label(m.source.title, m.source.abstract, m.source.arxiv_id))} [{n}]"
        if r.numbers and m.evidence:
            line += f": {_strip_end(_sentence_with(m.source.abstract, m.evidence))} [{n}]."
        draft.lines.append(line)
    return _finish(question, draft, sources, r)


def _scored_set(question: str, ctx: QAContext, r: Route) -> Answer:
    """The rule path's set, its membership then decided per candidate (agent/qa/set_membership.py)."""
    from agent.qa import set_membership, task_gate, thresholds

    answer = _set(question, ctx, r)
    if set_membership.ENABLED and thresholds.find(question) is None:
        from agent.qa.set_extend import extend  # a one-paper list gains the candidates a model is sure of
        from agent.qa.set_precision import prune    # a longer list loses the members a model doubts

        pruned = prune(question, ctx, r, answer)
        answer = extend(question, ctx, r, set_membership.rescore(question, ctx, r, answer)) if pruned is answer else pruned
    return task_gate.check(question, ctx, r, answer)    # no listed paper on the asked task: closest


def _set_decline(question: str, ctx: QAContext, r: Route, entities: list, missing: list[str]) -> Answer:
    """A set no paper meets: the asked product's family when papers name it, else the nearest papers
    (agent/qa/set_closest.py), else a flat decline; `missing` names the unmet constraint."""
    answer = closest_set(question, ctx, r, entities, missing)
    if answer.confidence == "closest":
        return answer
    from agent.qa.set_closest import nearest

    return nearest(question, ctx, r, missing) or answer


def _set_members(question: str, ctx: QAContext, r: Route):
    """Complete membership from the claims tables (facets) or a text scan (subject phrases);
    None when the question names neither, so only ranked search can answer it."""
    if r.facets or (r.year and not r.phrases):
        args: dict = {"year": r.year, "metric": r.metric, "sort": "speedup" if r.numbers else "year",
                      "text_aliases": {}}
        from agent.qa.sets import any_of_hardware

        if (union := any_of_hardware(question, ctx, r, _set_members)) is not None:
            return union
        topic = None
        for f in r.facets:
            if f.kind == "topic":
                topic = f
            else:
                args[f.kind] = f.value
                args["text_aliases"][f.kind] = f.aliases
        others = query_claims(ctx, **args)
        if topic is None:
            return others
        tagged = query_claims(ctx, **args, topic=topic.value)
        return tagged + _topic_mentions(topic, others, {m.source.id for m in tagged})
    if r.phrases:
        from agent.qa.tools import ClaimMatch

        found = text_matches(ctx, r.phrases, year=r.year)
        return [ClaimMatch(s) for s in found] if found else None
    return None


def _topic_mentions(topic, candidates: list, have: set[str], least: int = _TOPIC_MIN_MENTIONS) -> list:
    """Papers the tagger missed but whose title or abstract names the topic."""
    from agent.qa.router import phrase_rx

    rxs = [phrase_rx(a) for a in topic.aliases]
    extra = []
    for m in candidates:
        if m.source.id in have:
            continue
        mentions = sum(len(rx.findall(m.source.abstract)) for rx in rxs)
        if any(rx.search(m.source.title or "") for rx in rxs) or mentions >= least:
            m.why.append(f"topic~text:{topic.value}")
            extra.append(m)
    return extra


def _search_set(question: str, ctx: QAContext, r: Route) -> Answer:
    """A set question with no facet: every search hit that passes the relevance bar."""
    judged = judged_search(ctx, question, top=10)
    keep = [j.source for j in judged if j.relevance >= relevance.THRESHOLD]
    if not keep:
        return _insufficient(question, [j.source for j in judged], r, judged)
    draft = Draft()
    draft.lines.append("These papers match:")
    for src in keep:
        sup = _support(src.abstract, term_set(question), ctx, want=1)[0]
        n = draft.cite(src, sup)
        draft.lines.append(f"- {_strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: {_strip_end(sup)} [{n}].")
    return _finish(question, draft, [j.source for j in judged], r)


def _top(question: str, ctx: QAContext, r: Route) -> Answer:
    return top_claims(question, ctx, r, _set_members, _lookup)
