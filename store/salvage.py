"""`papers restore --salvage`: a new papers.db from every readable row of a damaged one, plus the
newest good backup and the search index's own copy of the abstracts. Never deletes a copy.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.errors import PapersError, StoreError
from core.settings import Settings
from store.health import check_database, connect, header_repaired_copy, list_backups, move_aside

SALVAGED_TABLES = ("meta", "papers", "paper_keys", "occurrences", "extractions", "claim_speedups",
                   "claim_datasets", "claim_hardware", "claim_topics", "llm_cache", "llm_usage",
                   "index_papers", "index_chunks")
# Not salvaged: `files`/`issues`, so that ingesting a source file again parses it instead of
# calling it unchanged. Index rows are kept: the next sync's repair re-embeds only what is missing.
PER_PAPER_TABLES = ("claim_speedups", "claim_datasets", "claim_hardware", "claim_topics")  # no primary key


@dataclass
class SalvageReport:
    kept_at: Path | None
    rows: dict[str, int]          # rows read from the damaged file, per table
    from_backup: int              # papers only the newest good backup still had
    from_index: int               # papers only the search index still had
    backup: Path | None
    source_files: list[str]
    papers: int = 0


def salvage_store(settings: Settings) -> SalvageReport:
    """A new papers.db from every readable row of the damaged one, plus papers only the search index
    still has. The damaged file is moved aside (papers.db.damaged-TIME), never deleted."""
    from store.db import Database
    from store.health import close_index_handles

    health = check_database(settings.db_path)
    if health.ok:
        raise StoreError(f"the store at {settings.db_path} is not damaged ({health.detail}); nothing to salvage",
                         hint="`papers backup` makes a copy; `papers restore FILE` goes back to one")
    close_index_handles()
    staged = settings.db_path.with_name(settings.db_path.name + ".salvaging")
    for suffix in ("", "-wal", "-shm"):
        Path(str(staged) + suffix).unlink(missing_ok=True)  # our own unfinished attempt, never user data
    new = Database(staged)
    try:
        from store.index import SCHEMA as INDEX_SCHEMA

        new.conn.executescript(INDEX_SCHEMA)
        rows = _copy_readable(settings.db_path, new.conn)
        backup = next((p for p in list_backups(settings) if check_database(p).ok), None)
        before = _count(new.conn)
        if backup is not None:
            _fill_from(new.conn, backup)
        from_backup = _count(new.conn) - before
        from_index = _papers_from_index(settings, new)
        total = _count(new.conn)
    finally:
        new.close()
    kept = move_aside(settings.db_path, "damaged")
    os.replace(staged, settings.db_path)
    return SalvageReport(kept, rows, from_backup, from_index, backup,
                         [p for p in health.source_files if Path(p).is_file()], total)


def _count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM papers").fetchone()[0]


def _fill_from(dest: sqlite3.Connection, backup: Path) -> None:
    """Rows the damaged file lost, from the backup: whole rows by primary key, and a paper's claim
    rows only when the salvage has none for that paper (those tables have no key to merge on)."""
    dest.execute("ATTACH DATABASE ? AS backup", (str(backup),))
    try:
        dest.execute("BEGIN")
        for table in SALVAGED_TABLES:
            if table == "llm_usage":
                continue  # a usage log: the damaged file's readable rows are the record
            cols = ", ".join(r[1] for r in dest.execute(f"PRAGMA main.table_info({table})"))
            if not dest.execute("SELECT 1 FROM backup.sqlite_master WHERE name = ?", (table,)).fetchone():
                continue
            if table in PER_PAPER_TABLES:
                have = {r[0] for r in dest.execute(f"SELECT DISTINCT paper_id FROM main.{table}")}
                rows = [r for r in dest.execute(f"SELECT {cols} FROM backup.{table}") if r["paper_id"] not in have]
                marks = ", ".join("?" * len(cols.split(", ")))
                dest.executemany(f"INSERT INTO main.{table} ({cols}) VALUES ({marks})", [tuple(r) for r in rows])
            else:
                dest.execute(f"INSERT OR IGNORE INTO main.{table} ({cols}) SELECT {cols} FROM backup.{table}")
        dest.execute("COMMIT")
    finally:
        dest.execute("DETACH DATABASE backup")


def _copy_readable(source: Path, dest: sqlite3.Connection) -> dict[str, int]:
    import tempfile

    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        repaired = header_repaired_copy(source, Path(tmp))  # a broken file header hides every row
        return _copy_tables(repaired or source, dest)


def _copy_tables(source: Path, dest: sqlite3.Connection) -> dict[str, int]:
    try:
        src = connect(source)
    except sqlite3.DatabaseError:
        return {}
    counts = {}
    try:
        for table in SALVAGED_TABLES:
            cols = [r[1] for r in dest.execute(f"PRAGMA table_info({table})")]
            dest.execute("BEGIN")
            counts[table] = _copy_rows(src, dest, table, cols)
            dest.execute("COMMIT")
    finally:
        src.close()
    return counts


def _copy_rows(src: sqlite3.Connection, dest: sqlite3.Connection, table: str, cols: list[str]) -> int:
    """Rows in rowid order; past a damaged page, jump ahead in growing steps until rows read again."""
    select = f"SELECT rowid, {', '.join(cols)} FROM {table} WHERE rowid > ? ORDER BY rowid"
    insert = f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    copied, after, step = 0, -(2 ** 62), 1
    while step < 2 ** 40:
        try:
            for row in src.execute(select, (after,)):
                dest.execute(insert, tuple(row)[1:])
                copied, after, step = copied + 1, row[0], 1
            return copied
        except sqlite3.DatabaseError:
            after, step = max(after, 0) + step, step * 2
    return copied


def _papers_from_index(settings: Settings, db) -> int:
    """Papers the index has chunks of but the salvaged store lost: abstract rebuilt from the chunks
    (which overlap by a sentence), year and category from the chunk metadata."""
    from store.records import Paper

    try:
        from store.vectors import VectorStore

        if not settings.chroma_url and not (Path(settings.chroma_path) / "chroma.sqlite3").is_file():
            return 0
        vec = VectorStore.open(settings, create=False)
        try:
            chunks = vec.all_chunks()
        finally:
            vec.close()
    except PapersError:
        return 0
    known = {r[0] for r in db.conn.execute("SELECT id FROM papers")}
    by_paper: dict[str, list[tuple[int, str, dict]]] = {}
    for _, doc, meta in chunks:
        pid = (meta or {}).get("paper_id")
        if pid and pid not in known and doc:
            by_paper.setdefault(pid, []).append((int(meta.get("position", 0)), doc, meta))
    with db.write() as conn:
        for pid, parts in by_paper.items():
            parts.sort(key=lambda p: p[0])
            meta = parts[0][2]
            paper = Paper(id=pid, abstract=_join_overlapping([d for _, d, _ in parts]),
                          date=str(meta["year"]) if meta.get("year") else None, category=meta.get("category"))
            _insert_paper(conn, paper)
    return len(by_paper)


def _insert_paper(conn: sqlite3.Connection, paper) -> None:
    from store.merge import content_hash, dedup_keys

    conn.execute("INSERT OR IGNORE INTO papers (id, arxiv_id, title, abstract, date, year, category, venue, data, "
                 "content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (paper.id, paper.arxiv_id, paper.title, paper.abstract, paper.date, paper.year, paper.category,
                  paper.venue, paper.model_dump_json(exclude_none=True), content_hash(paper)))
    for key in dedup_keys(paper):
        conn.execute("INSERT OR IGNORE INTO paper_keys VALUES (?, ?)", (key, paper.id))


def _join_overlapping(docs: list[str]) -> str:
    words = docs[0].split()
    for doc in docs[1:]:
        nxt = doc.split()
        overlap = next((m for m in range(min(len(words), len(nxt)), 0, -1) if words[-m:] == nxt[:m]), 0)
        words += nxt[overlap:]
    return " ".join(words)
