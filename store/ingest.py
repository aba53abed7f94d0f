"""Ingest files into the store of record: collect, parse, de-duplicate, write in one transaction.

Parsing happens before the write transaction, so a crash or a rejected file never leaves the store
half-written; re-ingesting an unchanged file is a no-op (sha256), a changed file replaces its old
occurrences in place.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from core.errors import InputFileError
from store.categories import write_categories
from store.merge import content_hash, dedup_keys, group_occurrences, merge, new_paper_id
from store.papers import PaperStore
from store.records import Paper, ParseIssue, ParseResult, SourceRef
from store.sources import read_source


@dataclass
class FileOutcome:
    name: str
    path: str
    format: str
    papers: int
    status: str  # new | updated | unchanged | duplicate-of:<name>


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, hint)
    issues: list[ParseIssue] = field(default_factory=list)
    papers_before: int = 0
    papers_after: int = 0
    touched: set[str] = field(default_factory=set)
    index: Any = None  # the search index's sync report, when ingest also indexed
    index_error: Any = None  # why the index could not be updated (the papers are stored all the same)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def to_json(self) -> dict:
        return {
            "files": [vars(f) for f in self.files],
            "rejected": [{"path": p, "reason": r, "hint": h} for p, r, h in self.rejected],
            "issues": [i.model_dump() for i in self.issues],
            "papers_before": self.papers_before, "papers_after": self.papers_after,
            "papers_touched": len(self.touched),
            "index": self.index.to_json() if self.index is not None else None,
            "index_error": self.index_error.message if self.index_error is not None else None,
        }


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Expand folders (recursively, skipping hidden entries); report paths that do not exist."""
    files, rejected = [], []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not inside:      # a wrong folder would otherwise "succeed" with nothing stored
                rejected.append((str(path), f"{path}: the folder holds no files",
                                 "give the folder (or files) with your listing pages, JSONL, JSON, CSV or Atom "
                                 "files; hidden files are skipped"))
            files += inside
        elif path.is_file():
            files.append(path)
        else:
            rejected.append((str(path), f"{path}: no such file or directory", "check the path (typo? moved?)"))
    return files, rejected


def parse_files(files: list[Path], *, max_bytes: int,
                progress: Callable[[Path], None] | None = None) -> tuple[list[ParseResult], list[tuple[str, str, str]]]:
    results, rejected = [], []
    for path in files:
        try:
            results.append(read_source(path, max_bytes=max_bytes))
        except InputFileError as exc:
            rejected.append((str(path), exc.message, exc.hint))
        if progress:
            progress(path)
    return results, rejected


class QuietPhases:
    """The default phase reporter (`phase(name, total, unit)` -> a tick function): reports nothing."""

    @contextmanager
    def phase(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Callable[..., None]]:
        yield lambda n=1: None


def ingest_paths(store: PaperStore, paths: Iterable[Path], *, max_bytes: int,
                 progress: Callable[[Path], None] | None = None,
                 keep: Callable[[Paper], bool] | None = None, phases=None) -> IngestReport:
    """`phases` (see agent.cli.output.Phases) hears of the parse (files) and store (papers) phases."""
    phases = phases or QuietPhases()
    files, rejected = collect_files(paths)
    with phases.phase("parse", len(files), "files") as tick:
        def parsed(path: Path) -> None:
            tick()
            if progress:
                progress(path)

        results, more = parse_files(files, max_bytes=max_bytes, progress=parsed)
    for result in results if keep else []:  # filters (--category, --since) drop papers, keep positions
        result.papers = [p for p in result.papers if keep(p)]
    report = IngestReport(rejected=rejected + more, papers_before=store.count())
    for result in results:
        report.issues += result.issues
    n_papers = sum(len(r.papers) for r in results)
    with phases.phase("store", n_papers, "papers") as tick:
        write_results(store, results, report)
        tick(n_papers)
    report.papers_after = store.count()
    return report


def write_results(store: PaperStore, results: list[ParseResult], report: IngestReport) -> None:
    with store.db.write() as conn:
        changed = []
        for result in results:
            status = _file_status(conn, result)
            report.files.append(FileOutcome(result.file, result.path, result.format, len(result.papers), status))
            if status in ("new", "updated", "reparsed"):
                changed.append(result)
                report.touched |= _drop_file(conn, result.path)
        occurrences = [(r, p) for r in changed for p in r.papers]
        report.touched |= _place_occurrences(conn, occurrences)
        for pid in sorted(report.touched):
            _recompute_paper(conn, pid)
        for result in changed:
            _record_file(conn, result)


def remove_source(store: PaperStore, name_or_path: str) -> int:
    """Forget a source file: its occurrences go, and papers seen only there go with them."""
    with store.db.write() as conn:
        paths = [r["path"] for r in conn.execute(
            "SELECT path FROM files WHERE path = ? OR name = ?", (name_or_path, name_or_path))]
        touched: set[str] = set()
        for path in paths:
            touched |= _drop_file(conn, path)
            conn.execute("DELETE FROM files WHERE path = ?", (path,))
        for pid in touched:
            _recompute_paper(conn, pid)
    return len(paths)


def _file_status(conn: sqlite3.Connection, result: ParseResult) -> str:
    same_path = conn.execute("SELECT sha256 FROM files WHERE path = ?", (result.path,)).fetchone()
    if same_path:
        if same_path["sha256"] != result.sha256:
            return "updated"
        return "reparsed" if _reads_differently(conn, result) else "unchanged"
    twin = conn.execute("SELECT name FROM files WHERE sha256 = ?", (result.sha256,)).fetchone()
    return f"duplicate-of:{twin['name']}" if twin else "new"


def _reads_differently(conn: sqlite3.Connection, result: ParseResult) -> bool:
    """An unchanged file that this version's parser reads otherwise than the stored occurrences say
    (a parser fix: authors in any script no longer taken for the title), so ingesting it again
    repairs its papers instead of keeping the old reading. The same positions are required: other
    positions mean another --category/--since filter, which never re-places a file."""
    stored = {r["position"]: r["data"] for r in conn.execute(
        "SELECT position, data FROM occurrences WHERE path = ?", (result.path,))}
    if set(stored) != {p.position for p in result.papers}:
        return False
    return any(json.loads(stored[p.position]) != json.loads(json.dumps(p.occurrence_json()))
               for p in result.papers)


def _drop_file(conn: sqlite3.Connection, path: str) -> set[str]:
    ids = {r["paper_id"] for r in conn.execute("SELECT paper_id FROM occurrences WHERE path = ?", (path,))}
    conn.execute("DELETE FROM occurrences WHERE path = ?", (path,))
    conn.execute("DELETE FROM issues WHERE path = ?", (path,))
    return ids


def _place_occurrences(conn: sqlite3.Connection, occurrences: list[tuple[ParseResult, Paper]]) -> set[str]:
    by_obj = {id(p): r for r, p in occurrences}
    touched = set()
    for group in group_occurrences([p for _, p in occurrences]):
        pid = _existing_id(conn, group) or _fresh_id(conn, group)
        for occ in group:
            result = by_obj[id(occ)]
            conn.execute("INSERT OR REPLACE INTO occurrences VALUES (?, ?, ?, ?, ?)",
                         (result.path, occ.position, result.file, pid, json.dumps(occ.occurrence_json())))
        touched.add(pid)
    return touched


def _existing_id(conn: sqlite3.Connection, group: list[Paper]) -> str | None:
    keys = sorted({k for occ in group for k in dedup_keys(occ)})
    rows = conn.execute("SELECT DISTINCT k.paper_id FROM paper_keys k JOIN papers p ON p.id = k.paper_id "
                        "WHERE k.key IN (%s) ORDER BY p.created_at, p.id" % ",".join("?" * len(keys)), keys)
    ids = [r["paper_id"] for r in rows]
    return ids[0] if ids else None


def _fresh_id(conn: sqlite3.Connection, group: list[Paper]) -> str:
    base = new_paper_id(group)
    pid, n = base, 1
    while conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
        n += 1
        pid = f"{base}-{n}"
    return pid


def _recompute_paper(conn: sqlite3.Connection, pid: str) -> None:
    rows = conn.execute("SELECT path, file, position, data FROM occurrences WHERE paper_id = ? "
                        "ORDER BY file, position", (pid,)).fetchall()
    conn.execute("DELETE FROM paper_keys WHERE paper_id = ?", (pid,))
    if not rows:
        for table in ("papers", "extractions", "claim_speedups", "claim_datasets", "claim_hardware", "claim_topics"):
            conn.execute(f"DELETE FROM {table} WHERE {'id' if table == 'papers' else 'paper_id'} = ?", (pid,))
        write_categories(conn, pid, None)
        return
    occs = [Paper.model_validate_json(r["data"]) for r in rows]
    refs = [SourceRef(file=r["file"], path=r["path"], position=r["position"],
                      line=o.line, format=o.format or "") for r, o in zip(rows, occs)]
    paper = merge(pid, occs, refs)
    conn.execute(
        "INSERT INTO papers (id, arxiv_id, title, abstract, date, year, category, venue, data, content_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET arxiv_id=excluded.arxiv_id, "
        "title=excluded.title, abstract=excluded.abstract, date=excluded.date, year=excluded.year, "
        "category=excluded.category, venue=excluded.venue, data=excluded.data, "
        "content_hash=excluded.content_hash, updated_at=datetime('now')",
        (pid, paper.arxiv_id, paper.title, paper.abstract, paper.date, paper.year, paper.category,
         paper.venue, paper.model_dump_json(exclude_none=True), content_hash(paper)))
    write_categories(conn, pid, paper)
    for occ in occs:
        for key in dedup_keys(occ):
            conn.execute("INSERT OR IGNORE INTO paper_keys VALUES (?, ?)", (key, pid))


def _record_file(conn: sqlite3.Connection, result: ParseResult) -> None:
    conn.execute("INSERT OR REPLACE INTO files (path, name, sha256, format, n_papers, n_issues) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 (result.path, result.file, result.sha256, result.format, len(result.papers), len(result.issues)))
    for issue in result.issues:
        conn.execute("INSERT INTO issues VALUES (?, ?, ?, ?)", (result.path, result.file, issue.line, issue.reason))


def write_batch(conn: sqlite3.Connection, source: ParseResult, papers: list[Paper]) -> None:
    """One batch of a streamed file, inside the caller's transaction: place its papers (merging with
    what is stored) and recompute the papers it touched."""
    for pid in sorted(_place_occurrences(conn, [(source, p) for p in papers])):
        _recompute_paper(conn, pid)


def forget_file(conn: sqlite3.Connection, path: str) -> None:
    """Inside the caller's transaction: drop a file's occurrences and issues; papers seen only there go."""
    for pid in _drop_file(conn, path):
        _recompute_paper(conn, pid)
