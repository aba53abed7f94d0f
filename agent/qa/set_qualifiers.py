"""Qualifiers of a set question: its words beyond the filters (entities, facets, topic) that say
which of the candidate papers it means.

- Qualifiers: the question's remaining content words that split the candidate set (used by some
  members, not all) must all be used by a listed paper's title or abstract ("federated learning papers
  ... with encryption"). When no member uses them all, the most common of them is dropped, then the
  next, so a word the question chose freely cannot empty the answer on its own; of equally common
  words, the one a member's title uses is kept longest.
- A topic-tag or table-facet set reads those words as concept groups (agent/qa/set_concepts.py).
"""

from __future__ import annotations

import re

from agent.qa.router import year_words
from agent.qa.text import term_set

# Words of a list question that say what kind of evidence is wanted, not what it is about.
QUESTION_WORDS = term_set("report reports reported result results evaluate evaluates evaluated evaluation "
                          "experiment experiments experimental run runs measure measured measurement target "
                          "targets implement implemented apply applied build built design designed paper "
                          "papers list every all which what any benchmark dataset model models on-device "
                          "device devices hardware")


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
