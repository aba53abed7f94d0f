"""A tiny invented corpus for set-question tests: a paper record and the rule path's list for a question."""

from __future__ import annotations

from dataclasses import dataclass

from agent.qa import set_concepts as sc


@dataclass
class P:
    id: str
    title: str
    abstract: str


def members(question: str, index) -> set[str]:
    """The papers the set reader lists for `question` (subject members kept by the qualifiers)."""
    concepts = sc.read(question, index)
    found = sc.subject_members(concepts, index)
    keep, _, _ = sc.qualified(found, concepts.qualifiers, index, concepts.subject)
    return keep


def entity_members(question: str, papers: list[P]) -> set[str]:
    """The papers meeting the question's named entities at the level it asks (product, family, kind,
    vendor; model family or variant; dataset), each "A or B" group any-of, as the set route filters."""
    from agent.qa.constraints import meets, paper_facts
    from agent.qa.sets import _groups, entity_constraints

    groups = _groups(entity_constraints(question), question)
    assert groups, f"no entity read from {question!r}"
    facts = {p.id: paper_facts(p.title, p.abstract) for p in papers}
    return {pid for pid, f in facts.items() if all(any(meets(c, f) for c in g) for g in groups)}
