"""Set questions ("which papers ...") at the entity level the question asked for.

- Named entities of the question (a dataset, a hardware product or family, a sized model; see
  agent/qa/constraints.py) filter on that entity, never on its vendor: "a Samsung Galaxy S20" lists
  the papers that name that phone, not every Samsung paper. Entities joined by "or" are alternatives.
  When no paper meets an entity, the answer is a decline whose `missing` names it.
- The question's other words then qualify the set (agent/qa/set_qualifiers.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.qa.constraints import Constraint, PaperFacts, meets, paper_facts, question_constraints
from agent.qa.router import year_words

ENTITY_KINDS = ("dataset", "hardware", "model")


def entity_constraints(question: str) -> list[Constraint]:
    """The named entities a listed paper must meet (an exclusion clause's are `excluded_entities`)."""
    from agent.qa.set_concepts import split_exclusion

    return [c for c in question_constraints(split_exclusion(question)[0]) if c.kind in ENTITY_KINDS]


def excluded_entities(question: str) -> list[Constraint]:
    """Entities of the question's exclusion clauses ("... on ImageNet but not on CIFAR-10")."""
    from agent.qa.set_concepts import split_exclusion

    return [c for clause in split_exclusion(question)[1] for c in question_constraints(clause) if c.kind in ENTITY_KINDS]


def entity_matches(ctx, entities: list[Constraint], question: str, r) -> tuple[list, list[str]]:
    """Papers meeting the question's named entities (at their level) with their best claims, and the
    entity surfaces no paper meets; `r` (the Route) records the filter for the answer's header."""
    from agent.qa.tools import claim_matches, merge_filters
    from store.papers import PaperFilter

    ctx.log("entity_filter", entities=[c.to_json() for c in entities], year=r.year)
    universe = {p.id: p for p in ctx.store.list(merge_filters(ctx.flt, PaperFilter(year=r.year) if r.year else None))}
    if ctx.scope is not None:
        universe = {pid: p for pid, p in universe.items() if pid in set(ctx.scope)}
    keep, missing = entity_members(ctx, entities, question, universe)
    out = excluded_entities(question)
    if out:
        facts = all_facts(ctx, {pid: universe[pid] for pid in keep})
        keep = {pid for pid in keep if not any(meets(c, facts[pid]) for c in out)}
    r.entities = [f"{c.kind}={c.value}" for c in entities] + [f"not {c.kind}={c.value}" for c in out]
    chosen = {pid: universe[pid] for pid in keep}
    why = {pid: [f"{c.kind}={c.value}" for c in entities] for pid in chosen}
    return claim_matches(ctx, chosen, why, r.metric, "speedup" if r.numbers else "year"), missing


def entity_members(ctx, constraints: list[Constraint], question: str, universe: dict) -> tuple[set[str], list[str]]:
    """Ids of `universe` (id -> Paper) meeting the constraints, and the surfaces no paper meets."""
    from agent.qa.set_concepts import asks_use

    facts = all_facts(ctx, universe)
    groups = _groups(constraints, question)
    keep = set(universe)
    missing: list[str] = []
    use = asks_use(question)
    family = {c.value: family_of(ctx.store, c) for c in constraints}
    for group in groups:
        met = {pid for pid in keep if any((meets(c, facts[pid]) or _in_family(family[c.value], facts[pid]))
                                          and not (use and background_only(c, universe[pid].abstract))
                                          for c in group)}
        if not met:
            missing += [c.surface for c in group]
        keep = met
    return keep, missing


def family_of(store, c: Constraint) -> frozenset[tuple[str, ...]]:
    """The stored hardware names of a hardware product family the constraint asks for that do not
    write it ("NVIDIA TX2" for "a Jetson board"): the store's own family view (store/hardware_family.py,
    what `papers list --hardware` uses), as name tokens. Empty for other kinds and vendor levels."""
    if c.kind != "hardware" or c.value.startswith("vendor:"):
        return frozenset()
    from agent.qa.constraints import name_tokens

    asked = name_tokens(c.value, vendor=False)
    return frozenset(name_tokens(n) for n in store.hardware_family(" ".join(asked))) if asked else frozenset()


def _in_family(family: frozenset, facts: PaperFacts) -> bool:
    return bool(family) and any(tuple(h) in family for h in facts.hardware)


_OWN = re.compile(r"\b(?:we|our|us|this (?:paper|work))\b", re.I)


def background_only(c: Constraint, abstract: str) -> bool:
    """Every sentence naming the entity is background ("prior models are trained on small datasets like
    X"): the paper names it, it does not use it. Background and result cues are the TL;DR
    compressor's (agent/engines/local/tldr_compress.py); a sentence in the first person or stating a
    result ("improving recall on X by 40%") is the paper's own."""
    from core.text import split_sentences

    names = [n for n in {c.value, c.surface} if n]
    naming = [s for s in split_sentences(abstract) if any(n.lower() in s.lower() for n in names) or _names_level(c, s)]
    return bool(naming) and all(is_background(s) for s in naming)


def is_background(sentence: str) -> bool:
    """A background sentence (the TL;DR compressor's cue), not in the first person, stating no result."""
    from agent.engines.local.tldr_compress import BACKGROUND, RESULT

    return bool(BACKGROUND.search(sentence)) and not _OWN.search(sentence) and not RESULT.search(sentence)


def _names_level(c: Constraint, sentence: str) -> bool:
    """Does the sentence name a member of the family (or vendor) the constraint asks for ("PlainMamba-L3"
    for Mamba-style models)? Then it is one of the sentences that decide whether the paper uses it."""
    if c.kind == "model" and c.value.startswith("family:"):
        from agent.qa.model_families import meets_family

        return meets_family(c.value[len("family:"):], sentence)
    if c.kind == "hardware" and c.value.startswith("vendor:"):
        from agent.engines.local.entities import extract_hardware
        from agent.qa.vendors import meets_level

        return meets_level(c.value[len("vendor:"):], [h.name for h in extract_hardware(sentence)], sentence)
    return False


def _groups(constraints: list[Constraint], question: str) -> list[list[Constraint]]:
    """Constraints of one kind written as "A or B" form one any-of group; the rest stand alone."""
    groups: list[list[Constraint]] = []
    for c in constraints:
        for g in groups:
            if g[0].kind == c.kind and _joined_by_or(g[-1].surface, c.surface, question):
                g.append(c)
                break
        else:
            groups.append([c])
    return groups


def _joined_by_or(a: str, b: str, question: str) -> bool:
    low = question.lower()
    i, j = low.find(a.lower()), low.find(b.lower())
    if i < 0 or j < 0:
        return False
    lo, hi = sorted((i, j))
    between = low[lo + len(a if i < j else b):hi]
    if re.search(r"\bor\b|/", between):
        return True
    # "a 2080 Ti, 3090 or 4090": a comma list that ends with "or" lists alternatives
    if re.fullmatch(r"\s*,\s*(?:(?:an?|the)\s+)?", between):
        tail = re.split(r"[)?;]", low[hi:], maxsplit=1)[0]
        conj = re.search(r"\b(or|and)\b", tail)
        return bool(conj) and conj.group(1) == "or"
    return False


def all_facts(ctx, universe: dict) -> dict[str, PaperFacts]:
    from agent.qa.tools import paper_extraction

    stats = ctx.stats()     # rebuilt whenever the store changes, so its figures key the cache
    cache = _facts_cache((str(ctx.store.db.path), stats.n_docs, sum(stats.df.values())))
    for pid, paper in universe.items():
        if pid not in cache:
            ext = paper_extraction(ctx, pid)
            cache[pid] = paper_facts(paper.title, paper.abstract, ext, ext.get("tldr"))
    return cache


@lru_cache(maxsize=4)
def _facts_cache(key: tuple) -> dict[str, PaperFacts]:
    return {}


def covered_facet(facet, constraints: list[Constraint], question: str = "") -> bool:
    """A router facet the entity constraints replace (the vendor word of a product, its class; a
    topic phrase sharing words with a named entity, as a model's name can hold a topic word)."""
    if facet.kind == "hardware_class":
        return any(c.kind == "hardware" for c in constraints)
    if facet.kind == "topic":
        return any(_overlaps(facet.span, span) for span in _entity_spans(question, constraints))
    if facet.kind not in ("dataset", "hardware"):
        return False
    surf = facet.surface.lower()
    if any(surf in c.surface.lower() or c.surface.lower() in surf for c in constraints):
        return True
    from agent.qa.vendors import within_level     # "edge boards such as a Raspberry Pi": an example

    levels = {c.value[len("vendor:"):] for c in constraints if c.kind == "hardware" and c.value.startswith("vendor:")}
    return facet.kind == "hardware" and bool(levels) and within_level(facet.surface, levels)


def _entity_spans(question: str, constraints: list[Constraint]) -> list[tuple[int, int]]:
    low = question.lower()
    return [(i, i + len(c.surface)) for c in constraints if c.surface and (i := low.find(c.surface.lower())) >= 0]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_LISTS = re.compile(r"\b(?:papers|studies)\b|\bevery\s+(?:paper|work|study|system|method)\b|\ball\s+(?:the\s+)?\w+s\b|^\s*(?:list|name)\b", re.I)


def lists_papers(question: str) -> bool:
    """Does the question ask for a list ("which papers", "list every paper"), not for one work?"""
    return bool(_LISTS.search(question))


def concept_set(ctx, question: str, r, taken: list[str]):
    """A set question no table facet answers: the papers about its subject that meet its qualifiers
    (agent/qa/set_concepts.py). Returns (matches, missing surfaces); None when it has no subject."""
    from agent.qa import set_concepts
    from agent.qa.tools import claim_matches
    from store.papers import PaperFilter

    from agent.qa.tools import merge_filters

    index = set_concepts.term_index(ctx)
    concepts = set_concepts.read(question, index, list(taken) + year_words(question, r.year))
    if concepts.subject is None:
        return None, []
    ctx.log("concept_set", subject=concepts.subject.surface, qualifiers=[g.surface for g in concepts.qualifiers],
            usage=concepts.usage)
    members = set_concepts.subject_members(concepts, index)
    universe = {p.id: p for p in ctx.store.list(merge_filters(ctx.flt, PaperFilter(year=r.year) if r.year else None))}
    if ctx.scope is not None:
        universe = {pid: p for pid, p in universe.items() if pid in set(ctx.scope)}
    members &= set(universe)
    if not members:
        return [], [concepts.subject.surface]
    members -= set_concepts.excluded_members(members, concepts, index)
    keep, missing, _ = set_concepts.qualified(members, concepts.qualifiers, index, concepts.subject, concepts.strict)
    r.phrases = [concepts.subject.surface]
    r.qualifiers = [g.surface for g in concepts.qualifiers if g not in missing] + [f"not {g.surface}" for g in concepts.excluded]
    if missing:
        r.near = sorted(members)
        return [], [g.surface for g in missing]
    chosen = {pid: universe[pid] for pid in sorted(keep)}     # ties of the year sort in one order
    return claim_matches(ctx, chosen, {pid: [] for pid in chosen}, r.metric, "year"), []


# Head nouns after a hardware name ("FPGA hardware", "Jetson devices"): the facet already says them.
_HARDWARE_HEADS = ("hardware", "device", "platform", "board", "chip")


def hardware_words(question: str, r, entities: list[Constraint]) -> list[str]:
    """Hardware the question names, which its entity and class filters handle (or which illustrate a
    vendor: "NVIDIA GPUs such as a V100"), and the head nouns after them ("Xilinx boards"): none of
    them is a text qualifier."""
    from agent.engines.local.entities import extract_hardware
    from agent.qa.constraints import surface_of

    if not (entities or any(f.kind in ("hardware", "hardware_class") for f in r.facets)):
        return []
    return [surface_of(question, h.name) for h in extract_hardware(question)] + list(_HARDWARE_HEADS)


def hardware_alternatives(facets: list, question: str) -> list:
    """Hardware facets the question joins with "or" ("a smartphone or an earbud"): any of them counts."""
    hw = [f for f in facets if f.kind in ("hardware", "hardware_class")]
    for i, a in enumerate(hw):
        group = [a] + [b for b in hw[i + 1:] if _joined_by_or(a.surface, b.surface, question)]
        if len(group) > 1:
            return group
    return []


def any_of_hardware(question: str, ctx, r, members) -> list | None:
    """"On a smartphone or an earbud": the union of each alternative's set (`members` is the set
    route's membership function); None when the question joins no hardware facets with "or"."""
    from dataclasses import replace

    either = hardware_alternatives(r.facets, question)
    if not either:
        return None
    seen: dict = {}
    for f in either:
        one = replace(r, facets=[g for g in r.facets if g not in either or g is f])
        for m in members(question, ctx, one) or []:
            seen.setdefault(m.source.id, m)
    return list(seen.values())
