"""The SQLite store of record: schema, connections and transactions.

WAL mode plus BEGIN IMMEDIATE lets two `papers ingest` processes share one home: the second waits
for the first's write transaction instead of failing or interleaving half-written state.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from core.errors import StoreError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY, arxiv_id TEXT, title TEXT, abstract TEXT NOT NULL, date TEXT, year INTEGER,
    category TEXT, venue TEXT, data TEXT NOT NULL, content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE INDEX IF NOT EXISTS papers_arxiv ON papers(arxiv_id);
-- max(updated_at) is the corpus cache key every `ask` reads (PaperStore.last_change): a scan at 100k
CREATE INDEX IF NOT EXISTS papers_updated ON papers(updated_at);
CREATE TABLE IF NOT EXISTS paper_keys (key TEXT PRIMARY KEY, paper_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS paper_keys_paper ON paper_keys(paper_id);
CREATE TABLE IF NOT EXISTS occurrences (
    path TEXT NOT NULL, position INTEGER NOT NULL, file TEXT NOT NULL, paper_id TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (path, position));
CREATE INDEX IF NOT EXISTS occurrences_paper ON occurrences(paper_id);
-- a record's own `id` (JSONL/JSON/CSV), which `papers show ID` resolves (PaperStore.resolve)
CREATE INDEX IF NOT EXISTS occurrences_record_id ON occurrences(json_extract(data, '$.id'));
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
    n_papers INTEGER NOT NULL, n_issues INTEGER NOT NULL, ingested_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE IF NOT EXISTS issues (path TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extractions (
    paper_id TEXT NOT NULL, engine TEXT NOT NULL, data TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (paper_id, engine));
CREATE TABLE IF NOT EXISTS claim_speedups (
    paper_id TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, metric TEXT NOT NULL,
    direction TEXT NOT NULL, baseline TEXT, qualifier TEXT, evidence TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claim_speedups_paper ON claim_speedups(paper_id);
CREATE TABLE IF NOT EXISTS claim_datasets (paper_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claim_datasets_name ON claim_datasets(name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS claim_hardware (
    paper_id TEXT NOT NULL, name TEXT NOT NULL, class TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claim_topics (paper_id TEXT NOT NULL, tag TEXT NOT NULL, rank INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS llm_cache (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, value TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')));
-- whole-text vectors (the topic tagger's title + abstract) by embedding model and text hash (store/text_vectors.py)
CREATE TABLE IF NOT EXISTS text_vectors (
    model TEXT NOT NULL, text_sha TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, text_sha));
CREATE TABLE IF NOT EXISTS extraction_failures (
    paper_id TEXT PRIMARY KEY, stage TEXT NOT NULL, error TEXT NOT NULL, message TEXT NOT NULL,
    engine TEXT, at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE IF NOT EXISTS llm_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL DEFAULT (datetime('now')), run TEXT,
    model TEXT NOT NULL, kind TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL, cost REAL NOT NULL, cached INTEGER NOT NULL DEFAULT 0);
"""


def _switch_to_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switching a brand-new file to WAL fails at once with SQLITE_BUSY (the busy timeout does not
    apply) when another process switches it at the same moment; the switch is idempotent, so retry."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.02 + 0.01 * attempt)


def damaged(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The error for a failing store of record. Locks and full disks are not damage; anything else
    sends the user to `papers doctor`, which names the recovery that keeps every copy."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return StoreError(f"the store at {path} is busy ({text})", hint="another papers process is writing; retry")
    if "disk is full" in text or "readonly" in text:
        return StoreError(f"cannot write the store at {path} ({text})", hint="free disk space or fix permissions")
    return StoreError(f"the store at {path} is unreadable ({text})",
                      hint="run `papers doctor`: it checks the store and names the command that recovers it")


def _backfill_years(conn: sqlite3.Connection) -> None:
    """Once per store: papers stored without a date before their arXiv id gave them a year (an
    unchanged file is never re-parsed on ingest, so its rows would keep `year` NULL)."""
    if conn.execute("SELECT 1 FROM meta WHERE key = 'years_from_arxiv_ids'").fetchone():
        return
    from store.records import year_of_arxiv_id

    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute("SELECT id, arxiv_id FROM papers WHERE year IS NULL AND arxiv_id IS NOT NULL").fetchall()
        conn.executemany("UPDATE papers SET year = ? WHERE id = ?",
                         [(y, r[0]) for r in rows if (y := year_of_arxiv_id(r[1])) is not None])
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('years_from_arxiv_ids', '1')")
    except BaseException:
        _rollback(conn)
        raise
    conn.execute("COMMIT")


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:  # the transaction may already be gone with the damage
        pass


class Database:
    """One SQLite file; a connection per thread (sqlite3 connections are not thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # executescript commits on its own; CREATE ... IF NOT EXISTS makes concurrent opens safe
            self.conn.executescript(SCHEMA)
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            from store.categories import migrate

            migrate(self.conn)
            _backfill_years(self.conn)
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=60000")
            _switch_to_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            _rollback(conn)
            raise damaged(self.path, exc) from None
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            _rollback(conn)
            raise damaged(self.path, exc) from None

    def query(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    def column(self, sql: str, params: tuple | list = ()) -> list:
        """The first column of every row, as plain values: no sqlite3.Row per row (large id lists)."""
        try:
            cursor = self.conn.cursor()
            cursor.row_factory = None
            return [row[0] for row in cursor.execute(sql, params)]
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        """Every row as a plain tuple (cheaper than sqlite3.Row when there are many)."""
        try:
            cursor = self.conn.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    @classmethod
    def empty(cls, path: Path) -> "Database":
        """A store with no papers that creates no file: what a read-only command opens when nothing
        has been ingested at `path` (a mistyped PAPERS_HOME must not gain a papers.db)."""
        return _EmptyDatabase(path)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _EmptyDatabase(Database):
    """The schema in memory, one connection for every thread (nothing is ever written to it that
    must last); `path` stays the file that does not exist, so messages name the home looked in."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._memory.row_factory = sqlite3.Row
        self._memory.executescript(SCHEMA)

    @property
    def conn(self) -> sqlite3.Connection:
        return self._memory

    def close(self) -> None:
        pass
