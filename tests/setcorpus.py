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
