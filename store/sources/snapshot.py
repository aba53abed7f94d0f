"""Records of the arXiv metadata snapshot (one JSON object per line, as Kaggle/arXiv distribute it).

A snapshot record looks like
    {"id": "cs/0112017", "title": "A title\\n  wrapped", "abstract": "  Text ...\\n", "authors": "...",
     "authors_parsed": [["Last", "First", ""]], "categories": "cs.LG cs.DC", "comments": "8 pages",
     "journal-ref": "...", "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
     "update_date": "2008-11-13"}
and is recognised by that shape, not by a file name. Its fields map differently from a generic
JSON row: the text is hard-wrapped (newlines + indentation), `update_date` is the last metadata
change (years after submission), so the date comes from the first version; every category counts.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

from store.records import Paper
from store.sources.common import ARXIV_ID_RE, code_url, normalise_category, venue_from_comment

SNAPSHOT_MARKERS = ("versions", "authors_parsed", "update_date", "journal-ref")
ARXIV_ID = re.compile(rf"^(?:arXiv:)?({ARXIV_ID_RE})(?:v\d+)?$")
CATEGORY = re.compile(r"^[a-z\-]+(?:\.[A-Za-z\-]+)?$")
MAX_VENUE_CHARS = 120


def is_snapshot_record(row: dict[str, Any]) -> bool:
    """An arXiv snapshot record: `id` + `abstract` + at least two of the snapshot-only fields."""
    return ("id" in row and "abstract" in row
            and sum(1 for key in SNAPSHOT_MARKERS if key in row) >= 2)


def squash(value: Any) -> str:
    """Hard-wrapped snapshot text as one line: newlines and indentation become single spaces."""
    return " ".join(str(value).split()) if value is not None else ""


def categories_of(value: Any) -> list[str]:
    """'cs.LG cs.DC' -> ['cs.LG', 'cs.DC'] (order kept: the first is the primary category)."""
    parts = value if isinstance(value, list) else str(value or "").split()
    seen: list[str] = []
    for part in (str(p).strip() for p in parts):
        if part and CATEGORY.match(part) and part not in seen:
            seen.append(part)
    return seen


def first_version_date(row: dict[str, Any]) -> str | None:
    """YYYY-MM-DD of v1 ('Mon, 2 Apr 2007 19:18:42 GMT'); `update_date` only when there are no versions."""
    versions = row.get("versions")
    if isinstance(versions, list) and versions:
        first = versions[0]
        created = first.get("created") if isinstance(first, dict) else None
        if created:
            try:
                return parsedate_to_datetime(str(created)).date().isoformat()
            except (TypeError, ValueError, IndexError):
                pass
    update = str(row.get("update_date") or "")
    return update[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", update) else None


def authors_of(row: dict[str, Any]) -> list[str]:
    """'First Last Jr' from `authors_parsed` ([last, first, suffix]); else the `authors` string split."""
    parsed = row.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for entry in parsed:
            if isinstance(entry, list) and entry:
                last, first, suffix = (list(map(squash, entry)) + ["", "", ""])[:3]
                name = " ".join(p for p in (first, last, suffix) if p)
                if name:
                    names.append(name)
        if names:
            return names
    text = squash(row.get("authors"))
    return [n.strip() for n in re.split(r",\s*|\s+and\s+", text) if n.strip()]


def venue_of(journal_ref: str, comments: str) -> str | None:
    """The journal reference wins (it is where the paper appeared); else a venue named in the comments."""
    if journal_ref:
        return venue_from_comment(journal_ref) or journal_ref[:MAX_VENUE_CHARS]
    return venue_from_comment(comments)


def arxiv_id_of(value: Any) -> str | None:
    m = ARXIV_ID.match(squash(value))
    return m.group(1) if m else None


def snapshot_paper(row: dict[str, Any], line: int, position: int, fmt: str) -> Paper | None:
    """The paper of one snapshot record; None when it has no abstract (the caller reports that)."""
    abstract = squash(row.get("abstract"))
    if not abstract:
        return None
    categories = categories_of(row.get("categories"))
    arxiv_id = arxiv_id_of(row.get("id"))
    journal_ref, comments = squash(row.get("journal-ref")), squash(row.get("comments"))
    paper = Paper(
        title=squash(row.get("title")) or None,
        authors=authors_of(row),
        abstract=abstract,
        arxiv_id=arxiv_id,
        date=first_version_date(row),
        category=normalise_category(categories[0]) if categories else None,
        categories=categories,
        venue=venue_of(journal_ref, comments),
        comment=comments or None,
        code_url=code_url(abstract),
        line=line, position=position, format=fmt,
    )
    # the record's own id is kept when it says more than the arXiv id it gave (a version, a local id)
    own_id = squash(row.get("id"))
    paper.id = own_id if own_id and own_id != arxiv_id and len(own_id) <= 200 else None
    return paper
