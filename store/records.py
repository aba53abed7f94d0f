"""The paper record: one occurrence on a page (parse output) or a merged paper (store)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field


# New-style arXiv ids (April 2007 on) begin with the submission's YYMM: 2210.06223 is October 2022.
NEW_ARXIV_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}(?:v\d+)?$")


def year_of_arxiv_id(arxiv_id: str | None) -> int | None:
    """The submission year a new-style arXiv id encodes (nothing finer is claimed), else None."""
    from datetime import date

    m = NEW_ARXIV_ID.match((arxiv_id or "").strip())
    if not m or not 1 <= int(m["mm"]) <= 12 or m["yy"] + m["mm"] < "0704":
        return None
    year = 2000 + int(m["yy"])
    return year if year <= date.today().year else None


class SourceRef(BaseModel):
    file: str          # file name as shown to users
    path: str = ""     # absolute path the file was read from
    position: int      # 0-based index of the paper on that page
    line: int | None = None
    format: str = ""

    @property
    def ref(self) -> str:
        return f"{self.file}#{self.position}"


class Paper(BaseModel):
    id: str | None = None          # parse output: the record's own id (JSONL/JSON/CSV); store: the paper id
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    org: str | None = None
    abstract: str
    arxiv_id: str | None = None
    date: str | None = None        # YYYY-MM-DD, or --MM-DD when the page shows no year
    category: str | None = None    # arXiv category code without archive: LG, CV, DC ...
    categories: list[str] | None = None  # every arXiv category with its archive (cs.LG, cs.DC), primary first
    venue: str | None = None       # e.g. "NeurIPS 2022"
    comment: str | None = None     # the raw comment line the venue came from
    score: float | None = None
    upvotes: int | None = None
    n_authors: int | None = None
    code_url: str | None = None
    has_code: bool | None = None
    # parse output (one occurrence)
    source: str | None = None
    position: int | None = None
    line: int | None = None
    format: str | None = None
    # store output (merged paper)
    sources: list[SourceRef] = Field(default_factory=list)
    record_ids: list[str] | None = None  # the ids its input records gave it, other than `id`/`arxiv_id`

    @property
    def year(self) -> int | None:
        """The date's year; without one, the year of a new-style arXiv id (the date stays unknown)."""
        if self.date and self.date[:4].isdigit():
            return int(self.date[:4])
        return year_of_arxiv_id(self.arxiv_id)

    def occurrence_json(self) -> dict[str, Any]:
        """One parsed record (`papers parse`, and each stored occurrence); `id` only when the record
        gave one of its own."""
        data = self.model_dump(exclude={"sources", "record_ids"}, exclude_none=True)
        data.setdefault("authors", [])
        return data

    def paper_json(self) -> dict[str, Any]:
        """A stored paper for `show --json`: every field, null when unknown (the keys of `list --json`
        and more), so scripts can rely on the keys being there."""
        data = self.model_dump(exclude={"source", "position", "line", "format"})
        data["sources"] = [s.model_dump(exclude={"path"}) for s in self.sources]
        data["year"] = self.year
        return data


class ParseIssue(BaseModel):
    """Something the parser could not take, reported with where it was."""

    file: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class ParseResult(BaseModel):
    file: str
    path: str
    format: str
    sha256: str
    papers: list[Paper] = Field(default_factory=list)
    issues: list[ParseIssue] = Field(default_factory=list)


class StoreStats(BaseModel):
    """`papers stats`: what the store holds; `model_dump()` is the `--json` output."""

    papers: int
    occurrences: int
    duplicates_merged: int
    multi_source_papers: int
    per_source: dict[str, int]
    per_year: dict[str, int]
    per_category: dict[str, int]
    with_arxiv_id: int
    with_title: int
    extracted: int
    extraction_failures: int = 0   # papers whose last extraction failed (`extract --retry-failed`)
    files: list[dict[str, Any]]    # name, format, n_papers, n_issues, ingested_at, as stored
    issues: list[dict[str, Any]]   # file, line, reason
