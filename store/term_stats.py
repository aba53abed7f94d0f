"""Document frequencies over the papers' texts, kept in the store and brought up to date incrementally.

Corpus statistics (the IDF weights and vocabulary `ask` uses) were built by loading and tokenizing
every paper in each new process and after every change: ~20 s of CPU at 100k papers. Here the
counts live in the store; a call counts the papers stored since the last call, subtracts those
that changed or went, and reads the counts back (0.04 s CPU at 100k when nothing changed).

The store does not know how text is cut into terms: the caller passes `analyze` (text -> terms).
What it makes of a fixed probe text is recorded with the counts, so a changed tokenizer starts the
counts over. Each counted paper keeps its terms, zlib-compressed (about 0.9 kB with `ask`'s
analyzer: 86 MB at 100k papers), because subtracting a paper that changed or went needs its old
terms and the store no longer has its old text.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections import Counter
from typing import Callable, Iterable

from store.papers import PaperStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS term_df (
    name TEXT NOT NULL, term TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (name, term)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS term_df_papers (
    name TEXT NOT NULL, paper_id TEXT NOT NULL, content_hash TEXT NOT NULL, terms BLOB NOT NULL,
    PRIMARY KEY (name, paper_id));
""" + "".join(f"""
CREATE TRIGGER IF NOT EXISTS papers_changes_{op.split()[0].lower()} AFTER {op} ON papers BEGIN
    INSERT INTO meta VALUES ('papers_changes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1; END;"""
              for op in ("INSERT", "DELETE", "UPDATE OF id, content_hash"))
# meta.papers_changes counts every write to a paper's text (the triggers above): when it is what the
# counts were last brought up to date at, nothing changed, and the diff of 100k papers is skipped.
# Hyphens, digits, plurals, capitals, stopwords, LaTeX: most tokenizer changes change its terms.
PROBE = ("The KV-caches of LLM serving systems cut latency by 2.3x on 8 A100 GPUs; we propose "
         "FlashAttention-2, which runs sparse attention kernels faster than cuBLAS ($\\times$ 4, 10\\%).")
NOT_COUNTED = ("SELECT {cols} FROM papers p WHERE NOT EXISTS (SELECT 1 FROM term_df_papers t "
               "WHERE t.name = ? AND t.paper_id = p.id AND t.content_hash = p.content_hash)")
GONE = ("SELECT {cols} FROM term_df_papers t WHERE t.name = ? AND NOT EXISTS "
        "(SELECT 1 FROM papers p WHERE p.id = t.paper_id AND p.content_hash = t.content_hash)")

Analyzer = Callable[[str], Iterable[str]]


def paper_text(title: str | None, abstract: str) -> str:
    """The text of a paper that is analyzed: title and abstract."""
    return f"{title or ''} {abstract}"


def document_frequencies(store: PaperStore, analyze: Analyzer, name: str) -> tuple[int, Counter]:
    """(papers, term -> number of papers whose `paper_text` `analyze` yields the term), over every
    stored paper. `name` keeps the counts of different analyzers apart."""
    conn = store.db.conn
    installed = _install(conn)
    key = analyzer_key(analyze)
    if installed or _stale(conn, name, key):
        with store.db.write() as wconn:
            if installed or _stale(wconn, name, key):   # another process may have caught up meanwhile
                _update(wconn, name, key, analyze)
                wconn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                              (f"term_df:{name}:changes", _meta(wconn, "papers_changes")))
    conn.execute("BEGIN")   # one snapshot: the paper count and the counts of the same update
    try:
        n = conn.execute("SELECT count(*) FROM term_df_papers WHERE name = ?", (name,)).fetchone()[0]
        cursor = conn.cursor()
        cursor.row_factory = None
        counts = Counter(dict(cursor.execute("SELECT term, n FROM term_df WHERE name = ?", (name,))))
    finally:
        conn.execute("COMMIT")
    return n, counts


def analyzer_key(analyze: Analyzer) -> str:
    return hashlib.sha1(repr(sorted(set(analyze(PROBE)))).encode("utf-8")).hexdigest()


def _install(conn: sqlite3.Connection) -> bool:
    """Create the tables and triggers unless they exist; True when they did not (a new store, a
    salvaged one: meta may then claim counts that are not there)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'papers_changes_update'").fetchone():
        return False
    conn.executescript(SCHEMA + "\nINSERT OR IGNORE INTO meta VALUES ('papers_changes', '0');")
    return True


def _stale(conn: sqlite3.Connection, name: str, key: str) -> bool:
    changes = _meta(conn, "papers_changes")
    return _meta(conn, f"term_df:{name}") != key or changes is None or \
        _meta(conn, f"term_df:{name}:changes") != changes


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _recorded_key(conn: sqlite3.Connection, name: str) -> str | None:
    return _meta(conn, f"term_df:{name}")


def _update(conn: sqlite3.Connection, name: str, key: str, analyze: Analyzer) -> None:
    """Inside the caller's write transaction: start over if the analyzer changed; subtract the papers
    that changed or went, add the papers not counted yet."""
    if _recorded_key(conn, name) != key:
        conn.execute("DELETE FROM term_df WHERE name = ?", (name,))
        conn.execute("DELETE FROM term_df_papers WHERE name = ?", (name,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"term_df:{name}", key))
    delta: Counter = Counter()
    cursor = conn.cursor()
    cursor.row_factory = None
    gone = cursor.execute(GONE.format(cols="t.paper_id, t.terms"), (name,)).fetchall()
    for _, packed in gone:
        delta.subtract(_unpack(packed))
    conn.executemany("DELETE FROM term_df_papers WHERE name = ? AND paper_id = ?", [(name, pid) for pid, _ in gone])
    counted = []
    for pid, content_hash, title, abstract in cursor.execute(
            NOT_COUNTED.format(cols="p.id, p.content_hash, p.title, p.abstract"), (name,)):
        terms = sorted(set(analyze(paper_text(title, abstract))))
        delta.update(terms)
        counted.append((name, pid, content_hash, _pack(terms)))
    conn.executemany("INSERT INTO term_df VALUES (?, ?, ?) ON CONFLICT (name, term) DO UPDATE SET n = n + excluded.n",
                     ((name, term, n) for term, n in delta.items() if n))
    conn.executemany("INSERT OR REPLACE INTO term_df_papers VALUES (?, ?, ?, ?)", counted)
    if gone:
        conn.execute("DELETE FROM term_df WHERE name = ? AND n <= 0", (name,))


def _pack(terms: list[str]) -> bytes:
    return zlib.compress("\n".join(terms).encode("utf-8"))


def _unpack(packed: bytes) -> list[str]:
    text = zlib.decompress(packed).decode("utf-8")
    return text.split("\n") if text else []
