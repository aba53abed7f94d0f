"""Set questions ("which papers ...") at the entity level the question asked for, plus qualifiers.

- Named entities of the question (a dataset, a hardware product or family, a sized model; see
  agent/qa/constraints.py) filter on that entity, never on its vendor: "a Samsung Galaxy S20" lists
  the papers that name that phone, not every Samsung paper. Entities joined by "or" are alternatives.
  When no paper meets an entity, the answer is a decline whose `missing` names it.
- Qualifiers: the question's remaining content words that split the candidate set (used by some
  members, not all) must all be used by a listed paper's title or abstract ("federated learning papers
  ... with encryption"). When no member uses them all, the most common of them is dropped, then the
  next, so a word the question chose freely cannot empty the answer on its own; of equally common
  words, the one a member's title uses is kept longest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.qa.constraints import Constraint, PaperFacts, meets, paper_facts, question_constraints
from agent.qa.router import year_words
from agent.qa.text import term_set

ENTITY_KINDS = ("dataset", "hardware", "model")
# Words of a list question that say what kind of evidence is wanted, not what it is about.
QUESTION_WORDS = term_set("report reports reported result results evaluate evaluates evaluated evaluation "
                          "experiment experiments experimental run runs measure measured measurement target "
                          "targets implement implemented apply applied build built design designed paper "
                          "papers list every all which what any benchmark dataset model models on-device "
                          "device devices hardware")


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
    for group in groups:
        met = {pid for pid in keep if any(meets(c, facts[pid]) and not (use and background_only(c, universe[pid].abstract))
                                          for c in group)}
        if not met:
            missing += [c.surface for c in group]
        keep = met
    return keep, missing


_OWN = re.compile(r"\b(?:we|our|us|this (?:paper|work))\b", re.I)


def background_only(c: Constraint, abstract: str) -> bool:
    """Every sentence naming the entity is background ("prior models are trained on small datasets like
    X"): the paper names it, it does not use it. Background and result cues are the TL;DR
    compressor's (agent/engines/local/tldr_compress.py); a sentence in the first person or stating a
    result ("improving recall on X by 40%") is the paper's own."""
    from agent.engines.local.tldr_compress import BACKGROUND, RESULT
    from core.text import split_sentences

    names = [n for n in {c.value, c.surface} if n]
    naming = [s for s in split_sentences(abstract) if any(n.lower() in s.lower() for n in names) or _names_level(c, s)]
    return bool(naming) and all(BACKGROUND.search(s) and not _OWN.search(s) and not RESULT.search(s) for s in naming)


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


def qualify(question: str, matches: list, used_surfaces: list[str], ctx) -> tuple[list, list[str]]:
    """Keep the members that use every qualifier word (relaxed from the most common one down)."""
    if len(matches) < 2 or re.search(r"\bor\b", _strip(question, used_surfaces), re.I):
        return matches, []
    stats = ctx.stats()
    asked = term_set(_strip(question, used_surfaces)) - QUESTION_WORDS
    docs = {m.source.id: term_set(f"{m.source.title or ''} {m.source.abstract}") for m in matches}
    splitting = [t for t in asked if 0 < sum(t in d for d in docs.values()) < len(docs)]
    # Most common first: the first to drop. Among equally common words, one a member's title uses is
    # dropped last (the title says what a paper is about), then alphabetical order, so the answer
    # never depends on the order of a set.
    titles = [term_set(m.source.title or "") for m in matches]
    splitting.sort(key=lambda t: (stats.idf(t), sum(t in ti for ti in titles), t))
    while splitting:
        kept = [m for m in matches if all(t in docs[m.source.id] for t in splitting)]
        if kept:
            return kept, splitting
        splitting = splitting[1:]
    return matches, []


def _strip(question: str, surfaces: list[str]) -> str:
    out = question
    for s in sorted(surfaces, key=len, reverse=True):    # "Intel processors" before its "Intel"
        if s:
            out = re.sub(rf"(?<![\w-]){re.escape(s)}(?:e?s)?(?![\w-])", " ", out, flags=re.I)
    return out


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


def topic_qualify(question: str, matches: list, used: list[str], topic, ctx, r) -> tuple[list, list[str], list[str]]:
    """A topic-tag set with the question's other words as qualifier groups (agent/qa/set_concepts.py):
    alternatives ("evicting, pruning or quantizing") are one group, a qualifier counts near the
    topic's mention, "excluding X" leaves out papers about X. When the question names one kind of
    the tag ("linear attention" of efficient-attention), members must be about that kind.
    Returns (kept, qualifier surfaces used, surfaces no member meets)."""
    from agent.qa import set_concepts as sc

    index = sc.term_index(ctx)
    concepts = sc.topic_groups(question, index, list(dict.fromkeys([topic.surface] + list(topic.aliases) + used
                                                                   + year_words(question, r.year))))
    ids = {m.source.id for m in matches}
    kind = narrower_alias(topic)
    if kind is not None:
        group = sc.Group([tuple(sc.stream(kind))], kind)
        ids = {pid for pid in ids if sc.about(group, pid, index, usage=True)}   # the tag says what it is about
        concepts.subject = group
    ids -= sc.excluded_members(ids, concepts, index)
    # Alternatives the question spells out ("evicting, pruning or quantizing") say which papers of the
    # tag it means; then its single free words (purpose verbs, "workloads") only describe.
    spelled = [g for g in concepts.qualifiers if g.spelled]
    groups = spelled or concepts.qualifiers
    keep, missing, ignored = sc.qualified(ids, groups, index, concepts.subject, concepts.strict)
    ignored += [g for g in concepts.qualifiers if g not in groups]
    if missing:
        r.near = sorted(ids)
        return [], [], [g.surface for g in missing]
    used_q = ([kind] if kind else []) + [g.surface for g in concepts.qualifiers if g not in ignored] \
        + [f"not {g.surface}" for g in concepts.excluded]
    return [m for m in matches if m.source.id in keep], used_q, []


def facet_qualify(question: str, matches: list, used: list[str], ctx, r) -> tuple[list, list[str], list[str]]:
    """A set from table facets (hardware, dataset, class, year) with no topic: the question's other
    words are read as concept groups, as for a topic ("when training or fine-tuning large language
    models": alternatives are one group, a phrase counts whole). A term no member uses is not
    covered (`missing`); common words are relaxed from the most common down.
    Returns (kept, qualifier surfaces used, surfaces no member meets)."""
    from agent.qa import set_concepts as sc

    if not matches:
        return matches, [], []
    if sc.asks_use(question):     # "which papers use FPGAs?": not those that only compare with one
        from agent.qa.hardware_use import users

        matches = users(matches, r.facets)
    index = sc.term_index(ctx)
    said = list(used) + year_words(question, r.year) + (_CHANGE_WORDS + metric_words(question, r.metric, ctx)
                                                    if r.metric else [])
    # "cut memory consumption": the metric's claim says how, and what is measured
    concepts = sc.topic_groups(question, index, list(dict.fromkeys(u for u in said if u)))
    concepts.qualifiers = [part for g in concepts.qualifiers for part in _term_apart(g, index)]
    ids = {m.source.id for m in matches}
    ids -= sc.excluded_members(ids, concepts, index)
    keep, missing, ignored = sc.qualified(ids, concepts.qualifiers, index, None, concepts.strict)
    # Only a term the store writes (a phrase two papers use: "3D Gaussian Splatting") is a constraint no
    # member meets; the question's own words for the rest ("explicitly identify") describe, and are dropped.
    if missing and not any(_store_term(g, index) for g in missing):
        keep, _, ignored = sc.qualified(ids, [g for g in concepts.qualifiers if g not in missing], index, None,
                                        concepts.strict)
        ignored, missing = ignored + missing, []
    if missing:
        r.near = sorted(ids)
        return [], [], [g.surface for g in missing]
    used_q = [g.surface for g in concepts.qualifiers if g not in ignored] + [f"not {g.surface}" for g in concepts.excluded]
    return [m for m in matches if m.source.id in keep], used_q, []


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


# Nouns that say a metric is measured ("memory consumption", "energy usage"): the metric's claim is the measure.
_MEASURE = r"(?:\s+(?:consumption|usage|use|footprint|overhead|requirements?|costs?))?"


def metric_words(question: str, metric: str, ctx) -> list[str]:
    """The question's words for the asked metric, with a measure noun after them ("memory consumption")."""
    from agent.qa.router import vocabulary

    phrases = vocabulary(getattr(ctx, "store", None)).metrics.get(metric, [])
    return [m.group(0) for p in phrases for m in re.finditer(rf"(?<![\w-]){re.escape(p)}{_MEASURE}(?![\w-])", question, re.I)]


# Verbs of change before a metric ("cut memory consumption", "lower latency"): a claim on the metric
# states the change, in its own words.
_CHANGE_WORDS = ["cut", "cuts", "reduce", "reduces", "reduced", "lower", "lowers", "decrease", "decreases",
                 "save", "saves", "shrink", "shrinks", "improve", "improves", "increase", "increases", "boost",
                 "boosts", "raise", "raises", "quantified", "factor"]


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


def _term_apart(group, index) -> list:
    """A run of qualifier words holding a term the store writes ("train 3D Gaussian Splatting scenes")
    needs that term: it becomes a group of its own, the run's other words stay alternatives."""
    from agent.qa.set_concepts import Group, stream

    if group.spelled or len(group.phrases) < 2:
        return [group]
    terms = [p for p in group.phrases if len(p) > 1 and len(index.papers(p)) >= 2]
    rest = [p for p in group.phrases if p not in terms]
    if not terms or not rest:
        return [group]
    words = group.surface.split()
    def said(term: tuple[str, ...]) -> str:     # the question's words for the term ("3D Gaussian Splatting")
        return " ".join(w for w in words if set(stream(w)) & set(term)) or group.surface
    rest_words = " ".join(w for w in words if not any(set(stream(w)) & set(t) for t in terms)) or group.surface
    return [Group([t], said(t), group.run) for t in terms] + [Group(rest, rest_words, group.run)]


_COMMON_PHRASE_SHARE = 0.1   # a phrase more of the store's papers write than this describes ("neural network")


def _store_term(group, index) -> bool:
    """A phrase at least two papers write ("3D Gaussian Splatting"), but not one so many write that it
    only describes ("a neural network running on a phone"). A single word, however rare
    ("prototypes"), may be the question's free choice: it is relaxed, not declined on."""
    common = max(5.0, _COMMON_PHRASE_SHARE * len(index.docs))     # a small store has no common phrases
    return any(len(p) > 1 and 2 <= len(index.papers(p)) <= common for p in group.phrases)


def narrower_alias(topic) -> str | None:
    """The question's words for a topic name one kind of it when they leave out the tag's own words
    and another alias is a sibling kind with the same head word ("linear attention" beside "sparse
    attention" under efficient-attention); "KV cache" for kv-cache is the tag itself."""
    said = topic.surface.lower().replace("-", " ").split()
    tag = set(topic.value.lower().split("-"))
    if not said or (tag - {said[-1]}) & set(said) or tag == set(said):
        return None
    siblings = [a.lower().replace("-", " ").split() for a in topic.aliases]
    if any(a[-1] == said[-1] and a != said for a in siblings):
        return " ".join(said)
    return None
