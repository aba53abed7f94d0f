"""JSON Lines, JSON arrays and CSV with columns like `title, abstract, authors, arxiv_id, date`."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable

from store.records import Paper
from store.sources.common import ARXIV_ID_RE, code_url, normalise_category, parse_date, venue_from_comment
from store.sources.snapshot import is_snapshot_record, snapshot_paper

# Column names people actually use, mapped to our field names.
ALIASES = {
    "abstract": ("abstract", "summary", "abstract_text", "text", "paperabstract"),
    "title": ("title", "paper_title", "name"),
    "authors": ("authors", "author", "author_list", "authors_parsed"),
    "arxiv_id": ("arxiv_id", "arxiv", "arxivid", "arxiv_url", "url", "id", "paper_id", "link"),
    "date": ("date", "published", "publication_date", "created", "submitted", "update_date", "year"),
    "category": ("category", "primary_category", "categories"),
    "venue": ("venue", "journal_ref", "conference", "comments", "comment"),
    "org": ("org", "organization", "affiliation"),
    "score": ("score",),
    "upvotes": ("upvotes", "votes"),
}
ARXIV_IN_TEXT = re.compile(rf"(?:arxiv\.org/(?:abs|pdf)/|arXiv:)?({ARXIV_ID_RE})(?:v\d+)?(?:\.pdf)?$")


def parse_jsonl(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    rows, issues = [], []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            issues.append((no, f"malformed JSON ({exc.msg} at column {exc.colno}); line skipped"))
            continue
        if isinstance(obj, dict):
            rows.append((no, obj))
        else:
            issues.append((no, "expected a JSON object per line; line skipped"))
    return rows, issues


def parse_json_array(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    data = json.loads(text)
    if isinstance(data, dict):  # {"papers": [...]} and similar wrappers
        data = next((v for v in data.values() if isinstance(v, list)), [data])
    rows = [(i + 1, obj) for i, obj in enumerate(data) if isinstance(obj, dict)]
    issues = [(i + 1, "array item is not an object; skipped") for i, obj in enumerate(data)
              if not isinstance(obj, dict)]
    return rows, issues


def parse_csv(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    dialect = csv.excel_tab if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = [(reader.line_num, dict(row)) for row in reader]
    return rows, []


def rows_to_papers(rows: Iterable[tuple[int, dict]], fmt: str) -> tuple[list[Paper], list[tuple[int, str]]]:
    papers, issues = [], []
    for no, row in rows:
        if is_snapshot_record(row):
            paper = snapshot_paper(row, no, len(papers), fmt)
            if paper is None:
                issues.append((no, f"no abstract for {_text(row.get('title'))[:70]!r}; record skipped"))
            else:
                papers.append(paper)
            continue
        fields = _pick(row)
        abstract = _text(fields.get("abstract"))
        if not abstract:
            title = _text(fields.get("title")) or "untitled"
            issues.append((no, f"no abstract for {title[:70]!r}; record skipped"))
            continue
        papers.append(_paper(fields, abstract, no, len(papers), fmt))
    return papers, issues


def _pick(row: dict[str, Any]) -> dict[str, Any]:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    out = {}
    for field, names in ALIASES.items():
        for name in names:
            if lowered.get(name) not in (None, "", []):
                out[field] = lowered[name]
                break
    return out


def _paper(fields: dict[str, Any], abstract: str, line: int, position: int, fmt: str) -> Paper:
    venue_text = _text(fields.get("venue"))
    return Paper(
        title=_text(fields.get("title")) or None,
        authors=_authors(fields.get("authors")),
        org=_text(fields.get("org")) or None,
        abstract=abstract,
        arxiv_id=arxiv_id_in(fields.get("arxiv_id")),
        date=_date(fields.get("date")),
        category=normalise_category(_text(fields.get("category")).split()[0] if fields.get("category") else None),
        venue=venue_from_comment(venue_text) or (venue_text if fields.get("venue") and len(venue_text) < 40 else None),
        comment=venue_text or None,
        score=_number(fields.get("score"), float),
        upvotes=_number(fields.get("upvotes"), int),
        code_url=code_url(abstract),
        line=line, position=position, format=fmt,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _authors(value: Any) -> list[str]:
    if isinstance(value, list):
        names = [(" ".join(reversed([p for p in v if p][:2])) if isinstance(v, list) else
                  v.get("name", "") if isinstance(v, dict) else str(v)) for v in value]
        return [n.strip() for n in names if n and n.strip()]
    text = _text(value)
    sep = ";" if ";" in text else ","
    return [n.strip() for n in re.split(rf"{sep}|\s+and\s+", text) if n.strip()]


def arxiv_id_in(value: Any) -> str | None:
    """The arXiv id a field ends with (a bare id, an abs/pdf URL or "arXiv:..."), without its version."""
    m = ARXIV_IN_TEXT.search(_text(value))
    return m.group(1) if m else None


def _date(value: Any) -> str | None:
    text = _text(value)
    if re.fullmatch(r"\d{4}", text):
        return None  # a bare year is not a date; the year alone is not worth inventing a day for
    return parse_date(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", text) else parse_date(text)


def _number(value: Any, kind: type) -> Any:
    try:
        return kind(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_structured(text: str, fmt: str) -> tuple[list[Paper], list[tuple[int, str]]]:
    reader = {"jsonl": parse_jsonl, "json": parse_json_array, "csv": parse_csv}[fmt]
    rows, issues = reader(text)
    papers, more = rows_to_papers(rows, fmt)
    return papers, issues + more
