"""Composing local answers: the draft under construction, its citations, and the declined shape.
Shared by the local engine's routes (agent/qa/local.py) and the closest answers (agent/qa/closest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.qa import relevance
from agent.qa.types import Answer, Source
from core.text import split_sentences as sentences

if TYPE_CHECKING:
    from agent.qa.router import Route


class Draft:
    """An answer under construction: text lines plus the numbered sources they cite."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cited: list[Source] = []
        self.support: dict[str, str] = {}

    def cite(self, src: Source, support: str = "") -> int:
        for i, s in enumerate(self.cited, start=1):
            if s.id == src.id:
                return i
        self.cited.append(src)
        self.support[src.id] = support
        return len(self.cited)


def relevance_note(j) -> str:
    return f"relevance {j.relevance:.3f} (cosine {j.cosine:.3f}, coverage {j.coverage:.3f}; bar {relevance.THRESHOLD})"


def mention(abstract: str, aliases: list[str]) -> str | None:
    from agent.qa.router import phrase_rx

    for sent in sentences(abstract):
        if any(phrase_rx(a).search(sent) for a in aliases):
            return sent
    return None


def sentence_with(abstract: str, evidence: str) -> str:
    for sent in sentences(abstract):
        if evidence in sent:
            return sent
    return evidence


def strip_end(text: str) -> str:
    return text.strip().rstrip(".;: ")


def insufficient(question: str, sources: list[Source], r: Route, judged, text: str | None = None) -> Answer:
    what = f" ({r.describe()})" if r.kind in ("set", "top") and r.describe() else ""
    text = text or (f"The corpus does not cover this question{what}: no paper in the store matches it closely "
                    "enough to answer from its abstract.")
    notes = [relevance_note(judged[0])] if judged else []
    return Answer(question=question, answer=text, sources=sources, insufficient=True, route=r.kind, notes=notes)


def finish(question: str, draft: Draft, sources: list[Source], r: Route) -> Answer:
    from agent.qa.answer import finalize

    return finalize(question, "\n".join(draft.lines), draft.cited, sources, draft.support, route=r.kind)
