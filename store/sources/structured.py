"""JSON Lines, JSON arrays and CSV with columns like `title, abstract, authors, arxiv_id, date`.

Every record is isolated: a field of the wrong type, whitespace only, absurdly long or full of
control characters costs that field (or, for the abstract, that record) and one reported issue,
never the file's other records.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any, Iterable

from store.records import Paper
from core.text import clean_line, strip_controls
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
# A record's own id, in this order (Semantic Scholar exports say `paperId`): the output id of
# `papers extract --input`, and for ingested papers a record id `papers show` resolves.
ID_KEYS = ("id", "paper_id", "paperid")
MAX_ID_CHARS = 200
ARXIV_IN_TEXT = re.compile(rf"(?:arxiv\.org/(?:abs|pdf)/|arXiv:)?({ARXIV_ID_RE})(?:v\d+)?(?:\.pdf)?$")
MAX_ABSTRACT_CHARS = 50_000   # real abstracts are < 5k; a bigger "abstract" is a whole paper or junk
MAX_FIELD_CHARS = 2_000       # titles, venues, dates, categories, one author name


class NoAbstractField(ValueError):
    """The file is well-formed but none of its records has an abstract field: the wrong kind of file."""


class FieldError(ValueError):
    """A field value that cannot be used; the message says which field and why."""


def parse_jsonl(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    rows, issues = [], []
    for no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, strict=False)  # raw tabs/controls inside strings: cleaned later
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            issues.append((no, f"malformed JSON ({msg}); line skipped"))
            continue
        if isinstance(obj, dict):
            rows.append((no, obj))
        else:
            issues.append((no, f"expected a JSON object per line, got {_kind(obj)}; line skipped"))
    return rows, issues


def parse_json_array(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    data = json.loads(text, strict=False)
    if isinstance(data, dict):  # {"papers": [...]} and similar wrappers, or one paper object
        data = next((v for v in data.values() if isinstance(v, list)), [data])
    if not isinstance(data, list):
        raise ValueError(f"expected an array of paper objects, got {_kind(data)}")
    starts = _item_lines(text, len(data))
    rows = [(starts[i], obj) for i, obj in enumerate(data) if isinstance(obj, dict)]
    issues = [(starts[i], f"array item {i + 1} is {_kind(obj)}, not an object; skipped")
              for i, obj in enumerate(data) if not isinstance(obj, dict)]
    return rows, issues


def _item_lines(text: str, n: int) -> list[int]:
    """Line of each top-level array item when the file is one item per line (the usual dump),
    else the item's 1-based index (still enough to find it)."""
    lines = [i for i, ln in enumerate(text.split("\n"), start=1) if ln.strip().startswith("{")]
    return lines if len(lines) == n else list(range(1, n + 1))


CSV_DELIMITERS = (",", "\t", ";", "|")


def parse_csv(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    first = text.split("\n", 1)[0]
    # Spreadsheets save with the locale's separator (";" where "," is the decimal comma), or tabs or
    # pipes: the header line says which. A tie (none at all) is a comma.
    delimiter = max(CSV_DELIMITERS, key=first.count)
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # the file-size limit applies instead
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)
    rows, issues = [], []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            issues.append((start, f"unreadable CSV row ({exc}); row skipped"))
            continue
        rows.append((start, row))
    return rows, issues


def check_columns(rows: list[tuple[int, dict]], fmt: str) -> None:
    """A file none of whose records has any abstract field is the wrong kind of file, not a file of
    bad records: say which fields it has."""
    if not rows or any(_has_field(row, "abstract") for _, row in rows):
        return
    keys = sorted({str(k).strip() for _, row in rows for k in row if k is not None})[:12]
    what = "column" if fmt == "csv" else "field"
    raise NoAbstractField(f"no abstract {what} (found: {', '.join(keys) or 'none'}); "
                     f"expected one of: {', '.join(ALIASES['abstract'])}")


def _has_field(row: dict, field: str) -> bool:
    names = {str(k).strip().lower() for k in row if k is not None}
    return any(n in names for n in ALIASES[field])


def rows_to_papers(rows: Iterable[tuple[int, dict]], fmt: str) -> tuple[list[Paper], list[tuple[int, str]]]:
    papers, issues = [], []
    for no, row in rows:
        problems: list[str] = []
        try:
            if is_snapshot_record(row):  # arXiv metadata snapshot rows have their own mapping
                paper = snapshot_paper(row, no, len(papers), fmt)
                if paper is None:
                    raise FieldError(f"no abstract for {clean_line(str(row.get('title') or ''))[:70]!r}")
            else:
                paper = _row_paper(row, no, len(papers), fmt, problems)
        except FieldError as exc:
            issues.append((no, f"{exc}; record skipped"))
            continue
        except Exception as exc:  # isolation boundary: one record must never take the file down
            issues.append((no, f"record not understood ({type(exc).__name__}: {str(exc)[:80]}); record skipped"))
            continue
        issues += [(no, f"{p}; field ignored") for p in problems]
        papers.append(paper)
    return papers, issues


def _row_paper(row: dict, line: int, position: int, fmt: str, problems: list[str]) -> Paper:
    fields = _pick(row)
    abstract = _abstract(fields.get("abstract"))
    if not abstract:
        title = _soft(lambda: _line("title", fields.get("title")), problems) or "untitled"
        raise FieldError(f"no abstract for {title[:70]!r}")
    text = {f: _soft(lambda f=f: _line(f, fields.get(f)), problems)
            for f in ("title", "org", "venue", "category", "date", "arxiv_id")}
    venue_text = text["venue"]
    paper = Paper(
        title=text["title"] or None,
        authors=_soft(lambda: _authors(fields.get("authors"), problems), problems) or [],
        org=text["org"] or None,
        abstract=abstract,
        arxiv_id=arxiv_id_in(text["arxiv_id"]),
        date=date_in(text["date"]),
        category=normalise_category(text["category"].split()[0]) if text["category"] else None,
        venue=venue_from_comment(venue_text) or (venue_text if venue_text and len(venue_text) < 40 else None),
        comment=venue_text or None,
        score=_soft(lambda: _number("score", fields.get("score"), float), problems),
        upvotes=_soft(lambda: _number("upvotes", fields.get("upvotes"), int), problems),
        code_url=code_url(abstract),
        line=line, position=position, format=fmt,
    )
    paper.id = _record_id(row)
    return paper


def _soft(get, problems: list[str]):
    """A field's value, or None (and a reported problem) when it cannot be used."""
    try:
        return get()
    except FieldError as exc:
        problems.append(str(exc))
        return None


def _pick(row: dict[str, Any]) -> dict[str, Any]:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    out = {}
    for field, names in ALIASES.items():
        for name in names:
            value = lowered.get(name)
            if value is not None and not (isinstance(value, str) and not value.strip()) and value != []:
                out[field] = value
                break
    return out


def _record_id(row: dict) -> str | None:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for key in ID_KEYS:
        if (text := record_id_text(lowered.get(key))) is not None:
            return text
    return None


def record_id_text(value: Any) -> str | None:
    """An id as text: strings and integers, and the whole floats a pandas export writes for an
    integer column with gaps (7.0 is record 7); None for anything else."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = clean_line(str(value))
    return text if text and len(text) <= MAX_ID_CHARS else None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)


def _scalar(field: str, value: Any) -> str:
    """Text of a scalar field: strings, and numbers where someone typed one (a year, an id)."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, dict):
        raise FieldError(f"{field}: expected text, got {_kind(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(f"{field}: expected text, got {value}")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return ", ".join(t for t in (_scalar(field, v) for v in value) if t)
    if not isinstance(value, str):
        raise FieldError(f"{field}: expected text, got {_kind(value)}")
    return value


def _line(field: str, value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    text = clean_line(_scalar(field, value))
    if len(text) > limit:
        raise FieldError(f"{field}: {len(text):,} characters is not a {field}")
    return text


def _abstract(value: Any) -> str:
    if isinstance(value, (list, dict, bool)) or (value is not None and not isinstance(value, str)):
        raise FieldError(f"abstract: expected text, got {_kind(value)}")
    text = strip_controls(value or "").strip()
    if len(text) > MAX_ABSTRACT_CHARS:
        raise FieldError(f"abstract: {len(text):,} characters (limit {MAX_ABSTRACT_CHARS:,})")
    return text


def _authors(value: Any, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        names = [_author_name(v) for v in value]
        bad = sum(n is None for n in names)
        if bad:
            problems.append(f"authors: {bad} of {len(value)} entries are not names")
        return [n for n in names if n]
    if not isinstance(value, str):
        raise FieldError(f"authors: expected a list of names or text, got {_kind(value)}")
    text = _line("authors", value, limit=50 * MAX_FIELD_CHARS)
    sep = ";" if ";" in text else ","
    return [n.strip() for n in re.split(rf"{sep}|\s+and\s+", text) if n.strip()]


def _author_name(value: Any) -> str | None:
    """One author: 'Name', {'name': 'Name'}, or arXiv's parsed ['Last', 'First', '']; None if not a name."""
    if isinstance(value, str):
        name = clean_line(value)
    elif isinstance(value, dict) and isinstance(value.get("name"), str):
        name = clean_line(value["name"])
    elif isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        name = clean_line(" ".join(reversed([p for p in value if p.strip()][:2])))
    else:
        return None
    return name if len(name) <= 300 else None


def arxiv_id_in(text: str) -> str | None:
    """The arXiv id a field ends with (a bare id, an abs/pdf URL or "arXiv:..."), without its version."""
    m = ARXIV_IN_TEXT.search(text)
    return m.group(1) if m else None


def date_in(text: str) -> str | None:
    """ISO dates and 'Sep 22, 2022' become YYYY-MM-DD; a bare year (or year-month) is kept as given,
    so the paper still has its year."""
    if re.fullmatch(r"(?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2]))?", text):
        return text
    return parse_date(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", text) else parse_date(text)


def _number(field: str, value: Any, kind: type) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (bool, list, dict)):
        raise FieldError(f"{field}: expected a number, got {_kind(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FieldError(f"{field}: {clean_line(str(value))[:40]!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise FieldError(f"{field}: {clean_line(str(value))[:40]} is out of range")
    return kind(number)


def parse_structured(text: str, fmt: str) -> tuple[list[Paper], list[tuple[int, str]]]:
    reader = {"jsonl": parse_jsonl, "json": parse_json_array, "csv": parse_csv}[fmt]
    rows, issues = reader(text)
    check_columns(rows, fmt)
    papers, more = rows_to_papers(rows, fmt)
    return papers, sorted(issues + more, key=lambda i: i[0] or 0)
