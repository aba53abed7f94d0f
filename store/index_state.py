"""Per-process index state and the bookkeeping shared by sync and search (store/index.py).

The index tables in papers.db, the per-(database, Chroma location, embedding) handles that cache
the Chroma client, BM25 and the dense snapshot, the writer lock, the `meta` keys, and the guard that
an index built with one embedding is never searched or extended with another.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from core.errors import StoreError
from core.settings import Settings
from store.papers import PaperStore
from store.vectors import collection_name, embedding_name, location

if TYPE_CHECKING:
    from store.retrieval import LexicalIndex
    from store.snapshots import DenseSnapshot
    from store.vectors import VectorStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS index_papers (
    paper_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, chunker TEXT NOT NULL, n_chunks INTEGER NOT NULL,
    indexed_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE IF NOT EXISTS index_chunks (
    id TEXT PRIMARY KEY, paper_id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS index_chunks_paper ON index_chunks(paper_id);
"""
STALE_SQL = """
SELECT EXISTS(SELECT 1 FROM papers p LEFT JOIN index_papers i ON i.paper_id = p.id
              WHERE i.paper_id IS NULL OR i.content_hash != p.content_hash OR i.chunker != ?)
    OR EXISTS(SELECT 1 FROM index_papers i LEFT JOIN papers p ON p.id = i.paper_id WHERE p.id IS NULL)
"""


class IndexHandle:
    """Per-process state for one (database, Chroma location, embedding)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.RLock()
        self.vectors: "VectorStore | None" = None
        self.dense: "DenseSnapshot | None" = None   # serves dense reads when Chroma need not be opened
        self.dense_seen: tuple = ()               # database signature the snapshot was checked at
        self.lexical: "LexicalIndex | None" = None
        self.checked = False  # repair-on-open done in this process
        self.seen: tuple = ()  # database signature at the last freshness check
        self.generation: str | None = None  # index generation the open vectors reflect

    def close(self) -> None:
        if self.vectors is not None:
            self.vectors.close()
        self.vectors, self.lexical, self.checked, self.seen, self.generation = None, None, False, (), None
        self.dense, self.dense_seen = None, ()


handles: "OrderedDict[tuple[str, str, str], IndexHandle]" = OrderedDict()  # least recently used first
_handles_lock = threading.Lock()
MAX_HANDLES = 16  # open indexes kept per process (tests and eval harnesses open many homes)


def index_handle(store: PaperStore, settings: Settings) -> IndexHandle:
    key = (str(Path(store.db.path).resolve()), location(settings), settings.embedding)
    with _handles_lock:
        h = handles.get(key)
        if h is None:
            store.db.conn.executescript(SCHEMA)
            h = handles[key] = IndexHandle(settings)
            _evict()
        handles.move_to_end(key)
        return h


def _evict() -> None:
    for key in list(handles)[:-MAX_HANDLES]:
        old = handles[key]
        if old.lock.acquire(blocking=False):  # never close an index another thread is using
            try:
                old.close()
                del handles[key]
            finally:
                old.lock.release()


def close_all() -> None:
    """Close every cached Chroma client and drop cached indexes (tests; before deleting a home)."""
    with _handles_lock:
        for h in handles.values():
            h.close()
        handles.clear()


@contextmanager
def exclusive(h: IndexHandle) -> Iterator[None]:
    """One writer at a time: a thread lock, plus an advisory file lock across processes."""
    with h.lock:
        h.settings.ensure_home()
        with open(h.settings.home / "index.lock", "a+") as fh:
            try:
                import fcntl
            except ImportError:  # not POSIX: the thread lock is all we get
                yield
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


# -- meta -------------------------------------------------------------------------------------
def get_meta(store: PaperStore, key: str) -> str | None:
    rows = store.db.query("SELECT value FROM meta WHERE key = ?", (key,))
    return rows[0][0] if rows else None


def set_meta(conn, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def bump_generation(store: PaperStore) -> str:
    """A new index generation: tells other processes to rebuild BM25 and reopen their vectors."""
    generation = uuid.uuid4().hex
    with store.db.write() as conn:
        set_meta(conn, "index_generation", generation)
    return generation


def open_vectors(h: IndexHandle, store: PaperStore, *, create: bool) -> "VectorStore":
    """The handle's vector store, reopened when another process changed the index since it was
    opened: an embedded Chroma client keeps serving its in-memory index, blind to their vectors."""
    generation = get_meta(store, "index_generation")
    if h.vectors is not None and generation != h.generation and not h.settings.chroma_url:
        h.vectors.close()
        h.vectors = None
    if h.vectors is None:
        from store.vectors import VectorStore

        h.vectors = VectorStore.open(h.settings, create=create)
        h.generation = generation
    return h.vectors


def db_signature(store: PaperStore) -> tuple:
    """Changes when anything commits to the database (PaperStore.change_signature)."""
    return store.change_signature()


def close_location(settings: Settings) -> None:
    """Close every cached client of this Chroma location (several embeddings may share it)."""
    where = location(settings)
    with _handles_lock:
        for (_, loc, _), h in handles.items():
            if loc == where:
                h.close()


# -- which embedding the index holds ---------------------------------------------------------------
def check_embedding(store: PaperStore, settings: Settings) -> None:
    """StoreError when the index holds vectors of another embedding than `settings.embedding`.

    Vectors of two models (or of the float and int8 MiniLM) are not comparable, and the other
    embedding's collection would look empty, so going on would silently re-embed every paper
    inside a query. The name is recorded in `meta.index_embedding` by every sync; an index built
    before that is recognised by the collection name in its fingerprint."""
    if not store.db.query("SELECT EXISTS(SELECT 1 FROM index_papers)")[0][0]:
        return   # nothing indexed yet (or `papers reindex` just cleared it): any embedding may start
    held = other_embedding(get_meta(store, "index_embedding"), get_meta(store, "index_fingerprint"), settings)
    if held is None:
        return
    current = embedding_name(settings)
    raise StoreError(f"the search index was built with {held}, but the embedding setting is {current!r}; "
                     "vectors of different embeddings cannot be searched together",
                     hint=embedding_fix(settings, get_meta(store, "index_embedding")))


def other_embedding(recorded: str | None, fingerprint: str | None, settings: Settings) -> str | None:
    """The embedding an index holds, quoted, when it is not the one `settings` select; None when it
    is (or cannot be told). `recorded` is `meta.index_embedding`; before that was recorded, the
    collection named in `meta.index_fingerprint` tells."""
    if recorded is None:
        parts = (fingerprint or "").split("|")
        if len(parts) < 3 or parts[-2] == collection_name(settings):
            return None
        return f"another embedding (collection {parts[-2]})"
    return None if recorded == embedding_name(settings) else repr(recorded)


def embedding_fix(settings: Settings, recorded: str | None = None) -> str:
    """The one-line fix for an index of another embedding (`recorded`, when known)."""
    back = f"PAPERS_EMBEDDING={recorded}" if recorded else "PAPERS_EMBEDDING back to the index's embedding"
    return f"run `papers reindex` to re-embed every paper with {embedding_name(settings)!r}, or set {back}"


def record_embedding(conn, settings: Settings) -> None:
    set_meta(conn, "index_embedding", embedding_name(settings))
