"""Read one input file: check it, detect its format, parse every paper on it.

`read_source` raises InputFileError for a file it rejects as a whole (empty, binary, not UTF-8,
too large, unknown format); problems with single records come back as `ParseResult.issues`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from core.errors import InputFileError
from store.records import ParseIssue, ParseResult
from store.sources.common import tidy_occurrence
from store.sources.structured import CSV_DELIMITERS, NoAbstractField

FORMATS = ("alphaxiv", "profile", "arxiv", "hf-daily", "jsonl", "json", "csv", "atom")


def read_source(path: Path, *, max_bytes: int) -> ParseResult:
    data = _read_bytes(path, max_bytes)
    text, legacy = _decode(path, data)
    text = text.replace("\x00", "")  # stray NULs: never meaningful, break JSON and XML
    fmt = detect_format(path, text)
    if fmt is None:
        raise InputFileError(f"{path.name}: unknown format (not a listing page, JSON Lines, JSON, CSV "
                             "or arXiv Atom feed)",
                             hint="supported formats are listed in `papers ingest --help`")
    papers, raw_issues = _parse(path, text, fmt)
    if not papers and not raw_issues:
        raise InputFileError(f"{path.name}: no papers found in this {fmt} file")
    for paper in papers:
        tidy_occurrence(paper)
        paper.source = path.name
    if legacy:   # said once per file, so a wrong guess is seen before it spreads through the store
        raw_issues = [(None, f"not UTF-8: read as {legacy} (accented letters such as é, ü, ø); if names "
                             "look wrong, convert the file to UTF-8 and ingest it again"), *raw_issues]
    issues = [ParseIssue(file=path.name, line=line, reason=reason) for line, reason in raw_issues]
    return ParseResult(file=path.name, path=str(path.resolve()), format=fmt,
                       sha256=hashlib.sha256(data).hexdigest(), papers=papers, issues=issues)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputFileError(
                f"{path.name}: file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)",
                hint="split the file, or raise the limit with PAPERS_MAX_FILE_MB")
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror or exc})", hint="check the path and permissions")
    if not data.strip():
        raise InputFileError(f"{path.name}: empty file", hint="nothing to ingest; remove it or re-save the page")
    return data


def _decode(path: Path, data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) or UTF-16 (spreadsheets save "Unicode text" that way); a text
    file with a few stray NUL bytes is still text, a file full of them is binary. A file that is
    none of these but reads as Western European text (a page or CSV saved by a Windows program) is
    read as Windows-1252; the second value names that guess (None for UTF-8/16)."""
    utf16 = _utf16(data)
    if utf16 is not None:
        return utf16, None
    nuls = data.count(b"\x00", 0, 65536)
    if nuls and nuls > max(16, min(len(data), 65536) // 100):
        raise InputFileError(f"{path.name}: binary file (NUL bytes)",
                             hint="only text pages, JSON/JSONL, CSV and Atom XML are supported")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if nuls:
            raise InputFileError(f"{path.name}: binary file (NUL bytes)",
                                 hint="only text pages, JSON/JSONL, CSV and Atom XML are supported") from None
        legacy = _western_text(data)
        if legacy is not None:
            return legacy, "Windows-1252"
        raise InputFileError(
            f"{path.name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint=f"convert it to UTF-8 first, naming its encoding: `iconv -f ENCODING -t utf-8 {path.name}` "
                 "(e.g. GBK, SHIFT_JIS, KOI8-R; Western European text in Windows-1252 is read as is)") from None


# Outside ASCII, Western European text has an accented letter or a typographic mark now and then,
# inside words of ASCII letters; text in another legacy encoding (GBK, Shift-JIS, KOI8-R) read as
# Windows-1252 has long runs of such characters, and those are refused as before.
_WESTERN_MARKS = set("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2022\u2026\u00a0\u00b7\u00a9\u00ae\u00b0"
                     "\u00b1\u00d7\u20ac\u2122\u00ab\u00bb\u00b5")

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _western_text(data: bytes) -> str | None:
    """The text of Windows-1252 bytes when it reads as Western European text, else None."""
    if _UTF8_SEQUENCE.search(data):   # UTF-8 with a stray bad byte: reading it as 1252 would garble the rest
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:   # bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d)
        return None
    runs = re.findall(r"[^\x00-\x7f]+", text)   # not empty: UTF-8 failed, so a byte is >= 0x80
    high = "".join(runs)
    if len(high) > 0.05 * len(text) or not all(ch.isalpha() or ch in _WESTERN_MARKS for ch in high):
        return None
    return text if max(map(len, runs)) <= 3 else None


def _utf16(data: bytes) -> str | None:
    """The text of a UTF-16 file (by BOM, or by the NUL-every-other-byte shape of mostly-ASCII
    text); None when the bytes are not that. Text that decodes to mostly exotic code points is
    a binary file that happens to start with FF FE, not UTF-16."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    else:
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if len(head) < 8 or max(even, odd) < len(head) * 0.4 or min(even, odd) > len(head) * 0.05:
            return None
        codec = "utf-16-be" if even > odd else "utf-16-le"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    text = text.lstrip("\ufeff")
    plain = sum(1 for ch in text[:4096] if ch < "\u0250" or ch in "\u2013\u2014\u2018\u2019\u201c\u201d")
    return text if text and plain >= 0.8 * min(len(text), 4096) else None


def detect_format(path: Path, text: str) -> str | None:
    from store.sources.pages import detect_page_format

    head = text.lstrip()[:2000]
    suffix = path.suffix.lower()
    if head.startswith("<?xml") or head.startswith("<feed"):
        return "atom" if "http://www.w3.org/2005/Atom" in head else None
    if head.startswith("{") or head.startswith("["):
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        kind = _json_kind(text)
        if suffix == ".json" and kind == "jsonl" and text.strip().count("\n") == 0:
            return "json"  # one object in a .json file is a JSON document (arXiv's snapshot .json is JSON Lines)
        return kind
    if suffix in (".csv", ".tsv") or _looks_like_csv_header(head):
        return "csv"
    return detect_page_format(text)


def _json_kind(text: str) -> str | None:
    stripped = text.strip()
    if stripped.startswith("["):
        return "json"
    first = stripped.split("\n", 1)[0]
    try:
        json.loads(first)
        return "jsonl"
    except json.JSONDecodeError:
        return "json" if stripped.endswith("}") else "jsonl"


def _looks_like_csv_header(head: str) -> bool:
    first = head.split("\n", 1)[0].lower()
    return ("abstract" in first or "summary" in first) and any(d in first for d in CSV_DELIMITERS) and len(first) < 500


def _parse(path: Path, text: str, fmt: str):
    try:
        if fmt in ("jsonl", "json", "csv"):
            from store.sources.structured import parse_structured

            return parse_structured(text, fmt)
        if fmt == "atom":
            from store.sources.atom import parse_atom

            return parse_atom(text)
        from core.text import strip_controls
        from store.sources.pages import PAGE_PARSERS

        result = PAGE_PARSERS[fmt](strip_controls(text))
        return result.papers, result.issues
    except NoAbstractField as exc:
        raise InputFileError(f"{path.name}: {exc}",
                             hint="rename the column holding the abstract to `abstract`") from None
    except RecursionError:
        raise InputFileError(f"{path.name}: cannot parse as {fmt} (nested too deeply)") from None
    except (ValueError, SyntaxError, csv.Error) as exc:  # json, xml and csv parse errors
        raise InputFileError(f"{path.name}: cannot parse as {fmt} ({str(exc)[:120]})") from None
