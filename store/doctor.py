"""`papers doctor`: what is intact, what is recoverable from which copy, and the exact command.
Rebuilding a damaged papers.db (`papers restore --salvage`) is in store/salvage.py.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import PapersError
from core.settings import Settings
from store.health import DbHealth, check_database, connect, list_backups


@dataclass
class Component:
    name: str
    where: str
    ok: bool
    detail: str


@dataclass
class Diagnosis:
    components: list[Component] = field(default_factory=list)
    recoverable: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    empty: bool = False        # healthy, but nothing was ingested in this home: not "all good"
    notes: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.ok for c in self.components)

    def to_json(self) -> dict:
        return {"healthy": self.healthy, "empty": self.empty, "components": [vars(c) for c in self.components],
                "recoverable": self.recoverable, "commands": self.commands, "notes": self.notes}


def diagnose(settings: Settings) -> Diagnosis:
    db = check_database(settings.db_path)
    out = Diagnosis([Component("store of record", str(settings.db_path), db.ok, db.detail)])
    embedding, index_settings, fix = _check_embedding(settings, db)
    index = _check_index(index_settings, db) if index_settings else \
        Component("search index", "", True, "not opened (its embedding is not known)")
    out.components += [embedding, index]
    backups = [(p, check_database(p)) for p in list_backups(settings)[:5]]
    good = [(p, h) for p, h in backups if h.ok]
    out.components.append(Component("backups", str(settings.home / "backups"), True,
                                    f"{len(backups)} found" + (f", newest good: {good[0][0].name} "
                                                               f"({good[0][1].papers} papers)" if good else "")))
    sources = [p for p in db.source_files if Path(p).is_file()]
    if db.source_files:
        out.components.append(Component("source files", "", True,
                                         f"{len(sources)} of {len(db.source_files)} ingested files still on disk"))
    if not db.ok:
        _store_recovery(out, good, index, sources)
    elif fix:
        out.recoverable.append("the search index, re-embedded from the store of record with the embedding "
                               "the settings select")
        out.commands.append(fix)
    elif not index.ok:
        out.recoverable.append("the search index, entirely, from the store of record")
        out.commands.append("papers reindex")
    elif (left := indexes_left_aside(settings)):
        out.components.append(Component("old index copies", "", True, f"{len(left)} left by a `papers reindex` "
                                        f"that did not finish: {', '.join(str(p) for p in left)}"))
        out.recoverable.append("(healthy) the old copies can go: `papers reindex` rebuilds the index from the "
                               "store of record and deletes them")
        out.commands.append("papers reindex")
    elif db.ok and not db.papers:
        _nothing_ingested(out, settings, db)
    elif not backups and db.exists and embedding.ok:
        out.recoverable.append("(healthy) no backup yet: `papers backup` makes one")
    return out


def _nothing_ingested(out: Diagnosis, settings: Settings, db: DbHealth) -> None:
    """An empty home is not broken, but "all good" would hide the usual cause: nothing ingested yet,
    or PAPERS_HOME naming another folder than the one ingested into."""
    out.empty = True
    where = "PAPERS_HOME" if os.environ.get("PAPERS_HOME") else "the default home; PAPERS_HOME selects another"
    out.notes.append(f"nothing is ingested in {settings.home} ({where})" if db.exists else
                     f"no store at {settings.home} yet ({where}): nothing is ingested there")
    seeds = settings.seeds_dir if Path(settings.seeds_dir).is_dir() else None
    out.notes.append("ingest your files or folders (listing pages, JSONL, CSV, arXiv Atom), or set PAPERS_HOME to "
                     "the folder you ingested into" + (f"; the bundled examples are in {seeds}" if seeds else ""))
    out.commands.append(f"papers ingest {seeds or 'PATH'}")


def _store_recovery(out: Diagnosis, good: list[tuple[Path, DbHealth]], index: Component,
                    sources: list[str]) -> None:
    if good:
        path, health = good[0]
        out.recoverable.append(f"papers, extractions and claims as of {path.name} ({health.papers} papers) "
                               "from the backup")
    if index.ok and "paper" in index.detail:
        out.recoverable.append(f"abstracts from the search index ({index.detail}; no titles or metadata)")
    out.recoverable.append("every row of papers.db that is still readable; `--salvage` merges it with the "
                           "newest good backup and the index")
    if sources:
        out.recoverable.append(f"{len(sources)} source files can be ingested again (titles, metadata)")
    if good:
        out.recoverable.append(f"(alternative: `papers restore {good[0][0]}` goes back to the backup as it was, "
                               "dropping later changes)")
    out.commands.append("papers restore --salvage")
    out.commands.append("papers doctor")


def _check_embedding(settings: Settings, db: DbHealth) -> tuple[Component, Settings | None, str | None]:
    """Whether the index holds vectors of the embedding the settings select (a search would refuse
    them); the settings to open the index with: the index's own embedding when they differ (opening
    the selected one would create an empty collection), None when that is not known; the command
    that fixes a difference."""
    from store.index_state import embedding_fix, other_embedding
    from store.vectors import embedding_name

    indexed, recorded, fingerprint = _index_meta(settings.db_path) if db.ok and db.exists else (False, None, None)
    try:
        current = embedding_name(settings)
    except PapersError as exc:   # an unknown PAPERS_EMBEDDING: open the index with its own
        return (Component("embedding", "PAPERS_EMBEDDING", False, f"{exc.message}; {exc.hint}"),
                _with_embedding(settings, recorded), None)
    if not indexed:
        return Component("embedding", "", True, f"{current} (nothing indexed yet)"), settings, None
    held = other_embedding(recorded, fingerprint, settings)
    if held is None:
        return Component("embedding", "", True, f"{current}, as the index was built"), settings, None
    detail = f"the index was built with {held}, the settings select {current!r}: {embedding_fix(settings, recorded)}"
    return Component("embedding", "PAPERS_EMBEDDING", False, detail), _with_embedding(settings, recorded), \
        "papers reindex"


def _with_embedding(settings: Settings, name: str | None) -> Settings | None:
    """`settings` with another embedding; None when there is no name or it is not one we know."""
    from store.vectors import embedding_spec

    if not name:
        return None
    other = settings.model_copy(update={"embedding": name})
    try:
        embedding_spec(other)
    except PapersError:
        return None
    return other


def _index_meta(db_path: Path) -> tuple[bool, str | None, str | None]:
    """(anything indexed, meta.index_embedding, meta.index_fingerprint), read without writing."""
    try:
        conn = connect(db_path)
        try:
            indexed = conn.execute("SELECT EXISTS(SELECT 1 FROM index_papers)").fetchone()[0]
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN "
                                     "('index_embedding', 'index_fingerprint')").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:   # no index table yet: nothing indexed
        return False, None, None
    return bool(indexed), meta.get("index_embedding"), meta.get("index_fingerprint")


def _check_index(settings: Settings, db: DbHealth) -> Component:
    where = settings.chroma_url or str(settings.chroma_path)
    if not settings.chroma_url and not (Path(settings.chroma_path) / "chroma.sqlite3").is_file():
        indexed = _index_rows(settings.db_path) if db.ok else 0
        return Component("search index", where, not indexed,
                         "missing" + (f" ({indexed} chunks recorded as indexed)" if indexed else " (nothing indexed yet)"))
    try:
        from store.vectors import VectorStore

        vec = VectorStore.open(settings, create=False)
        try:
            chunks = vec.all_chunks() if not db.ok else None
            count = vec.count()
        finally:
            vec.close()
    except PapersError as exc:
        return Component("search index", where, False, f"unreadable: {exc.message}")
    if chunks is not None:
        papers = len({(m or {}).get("paper_id") for _, _, m in chunks})
        return Component("search index", where, True, f"{count} chunks of {papers} papers")
    rows = _index_rows(settings.db_path)
    detail = f"ok, {count} chunks" if count == rows else \
        f"{count} chunks for {rows} recorded (the next search or sync repairs this)"
    if (waiting := _unindexed_papers(settings.db_path)):
        detail += (f"; {waiting} papers not indexed yet (the next search embeds them first; "
                   "`papers reindex` does it now)")
    return Component("search index", where, True, detail)


def _unindexed_papers(db_path: Path) -> int:
    """Papers of the store of record the index does not hold yet (`ingest --no-index`, an interrupted
    or killed sync): not damage, but the first search pays for embedding them."""
    try:
        conn = connect(db_path)
        try:
            return conn.execute("SELECT count(*) FROM papers WHERE id NOT IN "
                                "(SELECT paper_id FROM index_papers)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return 0


def indexes_left_aside(settings: Settings) -> list[Path]:
    """Index directories `papers reindex` moved aside and never deleted (the process was killed before
    it could put them back or finish): redundant copies of the store of record, taking disk."""
    if settings.chroma_url:
        return []
    path = Path(settings.chroma_path)
    return sorted(path.parent.glob(f"{path.name}.old-*"))


def _index_rows(db_path: Path) -> int:
    try:
        conn = connect(db_path)
        try:
            return conn.execute("SELECT count(*) FROM index_chunks").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:  # no index table yet, or unreadable
        return 0
