"""What `ask` returns: an answer with numbered citations, the ranked sources, and whether the
corpus was insufficient. JSON field names are the CLI contract of `papers ask --json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.qa.text import display
from core.models import LLMUsage


@dataclass
class Source:
    """One retrieved paper, ranked; `passage` is the text that matched (a chunk or a sentence)."""

    id: str
    title: str | None
    arxiv_id: str | None
    year: int | None
    abstract: str
    score: float                   # relevance to the question, 0..1 (agent/qa/source_scores.py)
    passage: str | None = None
    speedup: float | None = None   # the claim a set answer ranks this paper by (value, its metric)
    speedup_metric: str | None = None
    speedup_unit: str | None = None   # "x" or "%"

    @classmethod
    def of(cls, paper, score: float = 0.0, passage: str | None = None, *, speedup: float | None = None,
           speedup_metric: str | None = None, speedup_unit: str | None = None) -> "Source":
        return cls(id=paper.id, title=paper.title, arxiv_id=paper.arxiv_id, year=paper.year,
                   abstract=paper.abstract, score=float(score), passage=passage,
                   speedup=None if speedup is None else float(speedup), speedup_metric=speedup_metric, speedup_unit=speedup_unit)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "arxiv_id": self.arxiv_id, "year": self.year,
                "abstract": self.abstract, "score": round(self.score, 4),
                # the name `search --json` gives the same 0..1 figure (its `score` is the mode's raw one)
                "relevance": round(self.score, 4), "passage": self.passage,
                "speedup": self.speedup, "speedup_metric": self.speedup_metric, "speedup_unit": self.speedup_unit}


@dataclass
class Citation(Source):
    """A source the answer cites as `[n]`; `support` is the abstract sentence backing the claim."""

    n: int = 0
    support: str = ""

    @classmethod
    def from_source(cls, src: Source, n: int, support: str) -> "Citation":
        return cls(id=src.id, title=src.title, arxiv_id=src.arxiv_id, year=src.year,
                   abstract=src.abstract, score=src.score, passage=src.passage, speedup=src.speedup,
                   speedup_metric=src.speedup_metric, speedup_unit=src.speedup_unit, n=n, support=support)

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, **super().to_json(), "support": self.support}


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    insufficient: bool = False
    route: str = ""                # local router: lookup | set | top | numeric | compare; LLM: agent
    engine: str = "local"
    tools: list[dict[str, Any]] = field(default_factory=list)   # tool calls made, for --json/debug
    notes: list[str] = field(default_factory=list)               # grounding-check removals etc.
    seconds: float = 0.0
    # "answer": the cited papers answer it; "closest": they are the nearest matches but do not (see
    # `missing`); "none": nothing in the store is close. Derived from `insufficient` unless set.
    confidence: str = ""
    missing: list[str] = field(default_factory=list)   # unmet constraints, as the question wrote them
    usage: LLMUsage | None = None   # LLM engines: requests, tokens and cost of this answer
    # a chat follow-up about one paper of the previous answer ("how fast is it?"): "those" in a later
    # question still means the previous list, not this one paper (agent/qa/service.py Conversation)
    about_one_earlier: bool = False

    def __post_init__(self) -> None:
        if not self.confidence:
            self.confidence = "none" if self.insufficient else "answer"

    def to_json(self) -> dict[str, Any]:
        # `answer` quotes the abstracts verbatim (LaTeX included, so quotes can be checked against
        # them); `answer_display` is the same text as the terminal shows it ("2.8×").
        return {"answer": self.answer, "answer_display": display(self.answer), "citations": [c.to_json() for c in self.citations],
                "sources": [s.to_json() for s in self.sources], "insufficient": self.insufficient,
                "question": self.question, "route": self.route, "engine": self.engine,
                "tools": self.tools, "notes": self.notes, "seconds": round(self.seconds, 3),
                "confidence": self.final_confidence, "missing": self.missing,
                **({"usage": self.usage.to_json()} if self.usage else {})}

    @property
    def final_confidence(self) -> str:
        """`confidence`, kept consistent with `insufficient` when a later step flipped it."""
        if not self.insufficient:
            return "answer"
        return self.confidence if self.confidence in ("closest", "none") else "none"


def claim_fields(row: dict) -> dict[str, Any]:
    """Source.of keywords for a claims-table row a set answer ranks by (its speedup, not a score)."""
    row = dict(row)
    return {"speedup": row.get("value"), "speedup_metric": row.get("metric"), "speedup_unit": row.get("unit")}
