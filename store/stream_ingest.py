"""Streaming ingest of JSON Lines files of any size (the arXiv metadata snapshot is several GB).

A file is streamed when it is JSON Lines and larger than the page-format limit (PAPERS_MAX_FILE_MB):
it is read line by line and written in batches, one transaction per batch, so memory stays flat
whatever the file size. Each batch commits, together with its papers, the byte offset reached and
the sha256 of the bytes before it (table `stream_sources`). After a crash or `kill -9` the next
ingest of the same file checks that its first `offset` bytes still hash the same and carries on from
there; occurrences are keyed by (file, line), so every record ends up in the store exactly once.
A finished file is recorded in `files` with the sha256 of the whole file, like a page file.

Filters (`RecordFilter`: categories, since-date) are applied while reading; the filter a file was
ingested with is part of its record, so ingesting it again with other filters starts it over.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from core.errors import InputFileError, UsageError
from store.ingest import FileOutcome, IngestReport, collect_files, forget_file, ingest_paths, write_batch
from store.papers import PaperStore
from store.records import Paper, ParseIssue, ParseResult
from store.sources.common import normalise_category, tidy_occurrence
from store.sources.structured import rows_to_papers

SCHEMA = """
CREATE TABLE IF NOT EXISTS stream_sources (
    path TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, offset INTEGER NOT NULL,
    line INTEGER NOT NULL, prefix_sha256 TEXT NOT NULL, filters TEXT NOT NULL, n_papers INTEGER NOT NULL,
    n_issues INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL DEFAULT (datetime('now')));
"""
BATCH = 500               # papers per transaction
MAX_LINES_PER_BATCH = 20_000  # commit progress even when the filters drop almost everything
MAX_REPORTED_ISSUES = 200  # the report keeps this many; the store keeps all (`papers stats`)
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class RecordFilter:
    categories: tuple[str, ...] = ()  # 'cs.DC' (that archive) or 'DC' (any archive)
    since: str | None = None          # YYYY-MM-DD: first version on or after

    @classmethod
    def parse(cls, categories: str | None = None, since: str | None = None) -> "RecordFilter":
        cats = tuple(c.strip() for c in (categories or "").split(",") if c.strip())
        return cls(cats, _since(since) if since else None)

    @property
    def active(self) -> bool:
        return bool(self.categories or self.since)

    def spec(self) -> str:
        return json.dumps({"categories": sorted(self.categories), "since": self.since})

    def accepts(self, paper: Paper) -> bool:
        if self.since and not (paper.date and paper.date[:1].isdigit() and paper.date >= self.since):
            return False
        if not self.categories:
            return True
        codes = paper.categories or ([paper.category] if paper.category else [])
        return any(_category_matches(want, code) for want in self.categories for code in codes)


def _category_matches(want: str, code: str) -> bool:
    if normalise_category(want) != normalise_category(code):
        return False
    return "." not in want or "." not in code or want.lower() == code.lower()


def _since(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        from datetime import date

        try:
            date.fromisoformat(text)    # "2024-13-45" is no date: it must not filter as a string
        except ValueError as exc:
            raise UsageError(f"cannot read --since {text!r}: {exc}",
                             hint="use a real date like 2022-01-01 (or a year, 2022)") from None
        return text
    raise UsageError(f"cannot read --since {text!r}", hint="use a date like 2022-01-01 (or a year, 2022)")


@dataclass
class StreamProgress:
    """What a progress display needs after each committed batch."""
    name: str
    done_bytes: int
    total_bytes: int
    records: int      # records read in this run
    kept: int         # papers written in this run (after filters)
    started: float    # time.monotonic() at the start of this run
    start_bytes: int  # offset this run resumed from
    finished: bool = False


def is_streamable(path: Path, max_bytes: int) -> bool:
    """JSON Lines over the page-format limit: read line by line rather than refused."""
    try:
        if path.stat().st_size <= max_bytes:
            return False
        with open(path, "rb") as fh:
            first = fh.readline(HASH_CHUNK).lstrip(b"\xef\xbb\xbf").strip()
    except OSError:
        return False
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def ingest_all(store: PaperStore, paths: Iterable[Path], *, max_bytes: int, flt: RecordFilter | None = None,
               batch_size: int = BATCH, progress: Callable[[Path], None] | None = None,
               stream_progress: Callable[[StreamProgress], None] | None = None, phases=None) -> IngestReport:
    """`ingest_paths` for the files read whole, streaming for large JSON Lines; filters for both.
    `phases` reports the parse and store phases of the files read whole."""
    flt = flt or RecordFilter()
    files, rejected = collect_files(paths)
    streamed = [f for f in files if is_streamable(f, max_bytes)]
    whole = [f for f in files if f not in streamed]
    keep = flt.accepts if flt.active else None
    report = ingest_paths(store, whole, max_bytes=max_bytes, progress=progress, keep=keep, phases=phases)
    report.rejected = rejected + report.rejected
    for path in streamed:
        try:
            outcome, issues = stream_file(store, path, flt=flt, batch_size=batch_size, progress=stream_progress)
        except InputFileError as exc:
            report.rejected.append((str(path), exc.message, exc.hint))
            continue
        report.files.append(outcome)
        report.issues += issues
        if progress:
            progress(path)
    report.papers_after = store.count()
    return report


def stream_file(store: PaperStore, path: Path, *, flt: RecordFilter, batch_size: int = BATCH,
                progress: Callable[[StreamProgress], None] | None = None) -> tuple[FileOutcome, list[ParseIssue]]:
    store.db.conn.executescript(SCHEMA)
    path = Path(path)
    resolved, size = str(path.resolve()), path.stat().st_size
    source = ParseResult(file=path.name, path=resolved, format="jsonl", sha256="")
    with open(path, "rb") as fh:
        status, offset, line, hasher = _plan(store, fh, resolved, size, flt)
        if status == "unchanged":
            row = store.db.query("SELECT n_papers FROM files WHERE path = ?", (resolved,))
            return FileOutcome(path.name, resolved, "jsonl", row[0][0] if row else 0, "unchanged"), []
        if offset == 0:
            _restart(store, source, size, flt)
        fh.seek(offset)
        writer = _BatchWriter(store, source, hasher, offset, line, batch_size)
        tick = _ticker(progress, path.name, size, offset)
        writer.run(fh, flt, tick)
        sha = hasher.hexdigest()
        with store.db.write() as conn:
            totals = conn.execute("SELECT n_papers, n_issues FROM stream_sources WHERE path = ?", (resolved,)).fetchone()
            conn.execute("UPDATE stream_sources SET done = 1, updated_at = datetime('now') WHERE path = ?", (resolved,))
            conn.execute("INSERT OR REPLACE INTO files (path, name, sha256, format, n_papers, n_issues) "
                         "VALUES (?, ?, ?, 'jsonl', ?, ?)", (resolved, path.name, sha, totals[0], totals[1]))
        tick(writer, finished=True)
    return FileOutcome(path.name, resolved, "jsonl", totals[0], status), writer.issues


def read_jsonl_line(raw: bytes, line: int) -> tuple[list[Paper], list[str], int]:
    """One line of a JSON Lines file: (papers, what was skipped and why, 1 if it held a record else
    0). A bad line never stops the file: it is skipped with its reason."""
    try:
        text = raw.decode("utf-8").lstrip("\ufeff").strip()
    except UnicodeDecodeError as exc:
        return [], [f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); line skipped"], 0
    if not text:
        return [], [], 0
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"malformed JSON ({exc.msg} at column {exc.colno}); line skipped"], 1
    if not isinstance(obj, dict):
        return [], ["expected a JSON object per line; line skipped"], 1
    try:
        papers, problems = rows_to_papers([(line, obj)], "jsonl")
    except (ValueError, TypeError, AttributeError) as exc:  # one odd record must not stop a resumable run
        return [], [f"cannot read this record ({type(exc).__name__}); line skipped"], 1
    for paper in papers:
        tidy_occurrence(paper)
    return papers, [reason for _, reason in problems], 1


def iter_jsonl_file(path: Path) -> Iterator[tuple[Paper | None, ParseIssue | None]]:
    """Every paper of a JSON Lines file of any size, read line by line (constant memory), with the
    skipped lines as issues; positions and sources as a streamed ingest stores them."""
    path = Path(path)
    with open(path, "rb") as fh:
        for line, raw in enumerate(iter(fh.readline, b""), start=1):
            papers, problems, _ = read_jsonl_line(raw, line)
            for problem in problems:
                yield None, ParseIssue(file=path.name, line=line, reason=problem)
            for paper in papers:
                paper.position, paper.source = line - 1, path.name
                yield paper, None


def _plan(store: PaperStore, fh: BinaryIO, path: str, size: int, flt: RecordFilter):
    """(status, offset to start from, lines before it, sha256 of the bytes before it)."""
    row = store.db.query("SELECT * FROM stream_sources WHERE path = ?", (path,))
    row = row[0] if row else None
    known = store.db.query("SELECT sha256 FROM files WHERE path = ?", (path,))
    if row is not None and row["filters"] == flt.spec() and not row["done"] and row["offset"] <= size:
        hasher = _hash_prefix(fh, row["offset"])
        if hasher.hexdigest() == row["prefix_sha256"]:
            return "resumed", row["offset"], row["line"], hasher
    if known and (row is None or row["filters"] == flt.spec()) and (row is None or row["done"]):
        if _hash_prefix(fh, size).hexdigest() == known[0]["sha256"]:
            return "unchanged", size, 0, None
    started_before = known or (row is not None and not row["done"])  # a done row alone: `papers remove`d
    return ("updated" if started_before else "new"), 0, 0, hashlib.sha256()


def _hash_prefix(fh: BinaryIO, length: int) -> "hashlib._Hash":
    hasher, left = hashlib.sha256(), length
    fh.seek(0)
    while left > 0:
        chunk = fh.read(min(HASH_CHUNK, left))
        if not chunk:
            break
        hasher.update(chunk)
        left -= len(chunk)
    return hasher


def _restart(store: PaperStore, source: ParseResult, size: int, flt: RecordFilter) -> None:
    """Forget what an earlier, different version of this file (or other filters) put in the store."""
    with store.db.write() as conn:
        forget_file(conn, source.path)
        conn.execute("DELETE FROM files WHERE path = ?", (source.path,))
        conn.execute("INSERT OR REPLACE INTO stream_sources (path, name, size, offset, line, prefix_sha256, "
                     "filters, n_papers, n_issues) VALUES (?, ?, ?, 0, 0, ?, ?, 0, 0)",
                     (source.path, source.file, size, hashlib.sha256().hexdigest(), flt.spec()))


def _ticker(progress, name: str, size: int, start: int):
    started = time.monotonic()

    def tick(writer: "_BatchWriter", finished: bool = False) -> None:
        if progress:
            progress(StreamProgress(name, writer.offset, size, writer.records, writer.kept, started, start,
                                    finished))
    return tick


@dataclass
class _BatchWriter:
    store: PaperStore
    source: ParseResult
    hasher: "hashlib._Hash"
    offset: int
    line: int
    batch_size: int
    records: int = 0
    kept: int = 0
    issues: list[ParseIssue] = field(default_factory=list)
    _papers: list[Paper] = field(default_factory=list)
    _pending_issues: list[tuple[int, str]] = field(default_factory=list)
    _lines: int = 0

    def run(self, fh: BinaryIO, flt: RecordFilter, tick: Callable) -> None:
        for raw in iter(fh.readline, b""):
            self.offset += len(raw)
            self.hasher.update(raw)
            self.line += 1
            self._lines += 1
            self._read(raw, flt)
            if len(self._papers) >= self.batch_size or self._lines >= MAX_LINES_PER_BATCH:
                self.commit()
                tick(self)
        self.commit()

    def _read(self, raw: bytes, flt: RecordFilter) -> None:
        papers, problems, counted = read_jsonl_line(raw, self.line)
        self.records += counted
        self._pending_issues += [(self.line, problem) for problem in problems]
        for paper in papers:
            if flt.accepts(paper):
                paper.position, paper.source = self.line - 1, self.source.file  # stable across reruns
                self._papers.append(paper)

    def commit(self) -> None:
        """One transaction: the batch's papers, its issues and the offset reached."""
        with self.store.db.write() as conn:
            write_batch(conn, self.source, self._papers)
            conn.executemany("INSERT INTO issues VALUES (?, ?, ?, ?)",
                             [(self.source.path, self.source.file, no, reason) for no, reason in self._pending_issues])
            conn.execute("UPDATE stream_sources SET offset = ?, line = ?, prefix_sha256 = ?, n_papers = n_papers + ?, "
                         "n_issues = n_issues + ?, updated_at = datetime('now') WHERE path = ?",
                         (self.offset, self.line, self.hasher.copy().hexdigest(), len(self._papers),
                          len(self._pending_issues), self.source.path))
        self.kept += len(self._papers)
        room = MAX_REPORTED_ISSUES - len(self.issues)
        self.issues += [ParseIssue(file=self.source.file, line=no, reason=reason)
                        for no, reason in self._pending_issues[:max(room, 0)]]
        self._papers, self._pending_issues, self._lines = [], [], 0
