"""The one engine protocol: Paper text in, TL;DR / claims / topic tags / whole record out.

Core functions take an engine as a parameter, so tests pass the local engine or an LLM engine
pointed at a fake server; `agent.engines.registry.get_engine` builds one from settings for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, runtime_checkable

if TYPE_CHECKING:
    from core.models import Claims, Extraction, PaperText, TopicTag


@runtime_checkable
class Engine(Protocol):
    name: str

    def tldr(self, paper: "PaperText") -> str: ...

    def claims(self, paper: "PaperText") -> "Claims": ...

    def tag(self, paper: "PaperText") -> list["TopicTag"]: ...

    def extract(self, paper: "PaperText") -> "Extraction": ...


class ExtractionFailure(Exception):
    """One paper of a batch could not be extracted; the batch goes on and records why."""

    def __init__(self, paper_id: str, reason: str, *, stage: str = "extraction", error: str = "ExtractionError"):
        super().__init__(f"{paper_id}: {reason}")
        self.paper_id = paper_id
        self.reason = reason
        self.stage = stage              # input | extraction | reask
        self.error = error              # the error class, e.g. RequestFailed

    def to_json(self, engine: str | None = None) -> dict[str, str | None]:
        from core.secrets import scrub    # server messages may quote the key back

        return {"id": self.paper_id, "stage": self.stage, "error": self.error, "message": scrub(self.reason),
                "engine": engine}


def extract_many(engine: Engine, papers: Iterable["PaperText"]) -> Iterator["Extraction | ExtractionFailure"]:
    """Results as they finish. Engines with their own concurrent batch path provide `extract_many`
    (and may start working at this call, before the first result is asked for)."""
    papers = list(papers)
    abstracts = {paper.id: paper.abstract for paper in papers}
    return _flagged(_extract_all(engine, papers), abstracts)


def _flagged(results: Iterator["Extraction | ExtractionFailure"], abstracts: dict[str, str]) -> Iterator:
    for result in results:
        if not isinstance(result, ExtractionFailure):
            flag_suspicious(result, abstracts.pop(result.id, ""))
        yield result


def _extract_all(engine: Engine, papers: list["PaperText"]) -> Iterator["Extraction | ExtractionFailure"]:
    own = getattr(engine, "extract_many", None)
    return own(papers) if own is not None else _one_by_one(engine, papers)


def _one_by_one(engine: Engine, papers: list["PaperText"]) -> Iterator["Extraction | ExtractionFailure"]:
    for paper in papers:
        if not paper.abstract.strip():
            yield ExtractionFailure(paper.id, "empty abstract", stage="input", error="EmptyAbstract")
            continue
        yield engine.extract(paper)


def flag_suspicious(record: "Extraction", abstract: str) -> None:
    """`provenance.suspicious`: instruction-like sentences in the abstract (no claim came from them)."""
    from agent.screening import suspicious_provenance

    found = suspicious_provenance(abstract)
    if found:
        record.provenance["suspicious"] = found

