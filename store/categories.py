"""Every arXiv category of a paper, queryable: `papers list --category cs.DC` matches a paper whose
primary category is cs.LG and whose secondary one is cs.DC.

Table `paper_categories` (paper, code as given, short code without the archive) is kept in step with
`papers` by the ingest's recompute step. Stores made before it existed (schema version 1) get the
table and a backfill from their papers the first time they are opened (schema version 2).
"""

from __future__ import annotations

import json
import sqlite3

from store.records import Paper
from store.sources.common import normalise_category

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS paper_categories (
    paper_id TEXT NOT NULL, code TEXT NOT NULL, short TEXT NOT NULL, PRIMARY KEY (paper_id, code));
CREATE INDEX IF NOT EXISTS paper_categories_short ON paper_categories(short);
"""


def codes_of(paper: Paper) -> list[str]:
    """The paper's categories with archive when known (cs.DC), else its one short code (DC)."""
    return list(paper.categories or ([paper.category] if paper.category else []))


def write_categories(conn: sqlite3.Connection, paper_id: str, paper: Paper | None) -> None:
    conn.execute("DELETE FROM paper_categories WHERE paper_id = ?", (paper_id,))
    if paper is None:
        return
    conn.executemany("INSERT OR IGNORE INTO paper_categories VALUES (?, ?, ?)",
                     [(paper_id, code, normalise_category(code)) for code in codes_of(paper)])


def migrate(conn: sqlite3.Connection) -> None:
    """Create the table; backfill it once on a store from before it existed."""
    conn.executescript(SCHEMA)
    if _version(conn) >= SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _version(conn) < SCHEMA_VERSION:  # another process may have migrated while we waited
            for row in conn.execute("SELECT id, data FROM papers").fetchall():
                write_categories(conn, row[0], Paper.model_validate(json.loads(row[1])))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else 1


def category_clause(category: str) -> tuple[str, list]:
    """SQL over `papers` for one category filter. 'cs.DC' matches cs.DC, and the bare 'DC' a page
    listed without its archive; 'DC' matches any archive's DC."""
    category = category.strip()
    short = normalise_category(category)
    if "." not in category:
        return "id IN (SELECT paper_id FROM paper_categories WHERE short = ?)", [short]
    return ("id IN (SELECT paper_id FROM paper_categories WHERE short = ? "
            "AND (code = ? COLLATE NOCASE OR code NOT LIKE '%.%'))", [short, category])
