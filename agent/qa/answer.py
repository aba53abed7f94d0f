"""Turning a drafted answer into the returned `Answer`: grounding check, citation renumbering,
and the supporting sentence of each cited paper."""

from __future__ import annotations

import re

from agent.qa.answer_grounding import CITE, check, split_units
from agent.qa.text import term_set
from core.text import split_sentences
from agent.qa.types import Answer, Citation, Source


def finalize(question: str, text: str, numbered: list[Source], sources: list[Source],
             support: dict[str, str] | None = None, *, route: str = "", engine: str = "local") -> Answer:
    """`numbered[i]` is the paper the draft cites as `[i+1]`. Unsupported sentences are removed,
    the remaining citations renumbered 1..n in order of appearance."""
    by_number = {i: s for i, s in enumerate(numbered, start=1)}
    checked = check(text, by_number, question)
    if checked.insufficient:
        return Answer(question=question, answer=_declined(checked.text), sources=sources or numbered,
                      insufficient=True, route=route, engine=engine, notes=checked.notes)
    order = checked.cited
    renumber = {old: new for new, old in enumerate(order, start=1)}
    final = CITE.sub(lambda m: "[" + ", ".join(str(renumber[int(p)]) for p in re.split(r"\s*[,;]\s*", m.group(1))
                                                if int(p) in renumber) + "]", checked.text)
    citations = []
    for old in order:
        src = by_number[old]
        sup = (support or {}).get(src.id) or supporting_sentence(src, _sentences_citing(checked.text, old))
        citations.append(Citation.from_source(src, renumber[old], sup))
    return Answer(question=question, answer=final, citations=citations, sources=sources or numbered,
                  insufficient=False, route=route, engine=engine, notes=checked.notes)


def _declined(text: str) -> str:
    return text if text and not CITE.search(text) and text.strip() else \
        "The corpus does not cover this question: no paper in the store supports an answer."


def _sentences_citing(text: str, n: int) -> str:
    out = []
    for _, sent in split_units(text):
        if any(int(p) == n for m in CITE.finditer(sent) for p in re.split(r"\s*[,;]\s*", m.group(1))):
            out.append(CITE.sub(" ", sent))
    return " ".join(out)


def supporting_sentence(src: Source, claim: str) -> str:
    """The abstract sentence sharing the most words (numbers count double) with what is claimed."""
    sents = split_sentences(src.abstract) or [src.abstract]
    want = term_set(claim)
    nums = set(re.findall(r"\d+(?:\.\d+)?", claim))

    def score(i: int) -> tuple:
        s = sents[i]
        return (len(want & term_set(s)) + 2 * len(nums & set(re.findall(r"\d+(?:\.\d+)?", s))), -i)

    return sents[max(range(len(sents)), key=score)]
