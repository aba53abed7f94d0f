"""The search index: every paper in the store as chunks, in Chroma (vectors) and BM25 (words).

Public API: `sync_index(store, settings)`, `search(store, settings, query, ...)`; `reindex` is in
store/rebuild.py.

Bookkeeping lives next to the store of record, in two tables of papers.db: `index_papers` (paper id,
the content hash its chunks were made from) and `index_chunks` (chunk id, paper, position, text).
The write order keeps one invariant: *a paper has an `index_papers` row only while all its chunks are
in Chroma*. Indexing a batch drops the rows, replaces the paper's vectors, then writes the rows in
one transaction; removing drops the rows, then the vectors. A crash at any point leaves at worst
(a) papers without rows, which the next sync sees as new and re-embeds, or (b) stray vectors, which
the repair step finds (Chroma's count differs from the table's) and deletes. The repair step also
notices a recreated Chroma collection (a deleted directory, another server) by its id, and re-embeds
exactly the papers whose chunks are missing there. Search only shows chunks present in both places,
and only papers still in the store.

Everything expensive is opened once per process and cached per (database, Chroma location,
embedding): the Chroma client and collection, the embedding model (store.embeddings) and the BM25
index. A sync that changes anything bumps the index generation in papers.db; another process that
sees a new generation reopens its embedded Chroma client (which would otherwise keep answering from
its in-memory copy) and reloads BM25: the statistics are persisted in the home (bm25.npz) by the first
process that needs them after a change, so later processes load them instead of re-tokenizing. A query first checks, cheaply, whether anything
was committed since its last check; only then does it look for papers the index has not caught up
with (e.g. `papers ingest --no-index`) and sync them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from core.errors import NotFoundError
from core.settings import Settings
from store.atomic import atomic_write
from store.bm25 import FORMAT as BM25_FORMAT, BM25
from store.chunking import CHUNKER_VERSION, chunk_abstract, chunk_id, chunk_key
from store.papers import PaperFilter, PaperStore
from store.records import Paper
from store.retrieval import Hit, LexicalIndex, check_args, clean_query, rank
from store.snapshots import DenseSnapshot, load_lexical
from store.vectors import VectorStore, drop_collection, embedding_spec, location

__all__ = ["Hit", "SyncReport", "search", "sync_index", "close_all"]  # reindex: store.rebuild

SCHEMA = """
CREATE TABLE IF NOT EXISTS index_papers (
    paper_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, chunker TEXT NOT NULL, n_chunks INTEGER NOT NULL,
    indexed_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE IF NOT EXISTS index_chunks (
    id TEXT PRIMARY KEY, paper_id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS index_chunks_paper ON index_chunks(paper_id);
"""
BATCH_PAPERS = 64  # papers embedded and written per step (a crash loses at most one batch of work)
STALE_SQL = """
SELECT EXISTS(SELECT 1 FROM papers p LEFT JOIN index_papers i ON i.paper_id = p.id
              WHERE i.paper_id IS NULL OR i.content_hash != p.content_hash OR i.chunker != ?)
    OR EXISTS(SELECT 1 FROM index_papers i LEFT JOIN papers p ON p.id = i.paper_id WHERE p.id IS NULL)
"""


@dataclass
class SyncReport:
    added: int = 0       # papers embedded for the first time (including ones whose vectors were lost)
    updated: int = 0     # papers re-embedded because their title/abstract changed
    removed: int = 0     # papers whose chunks were deleted because they left the store
    repaired: int = 0    # papers found without vectors + stray vectors deleted
    chunks: int = 0      # chunks embedded
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.repaired)

    def to_json(self) -> dict:
        return dict(vars(self), seconds=round(self.seconds, 3))

    def __str__(self) -> str:
        text = f"index: {self.added} added, {self.updated} updated, {self.removed} removed"
        return text + (f", {self.repaired} repaired" if self.repaired else "")


class _Handle:
    """Per-process state for one (database, Chroma location, embedding)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.RLock()
        self.vectors: VectorStore | None = None
        self.dense: DenseSnapshot | None = None   # serves dense reads when Chroma need not be opened
        self.dense_seen: tuple = ()               # database signature the snapshot was checked at
        self.lexical: LexicalIndex | None = None
        self.checked = False  # repair-on-open done in this process
        self.seen: tuple = ()  # database signature at the last freshness check
        self.generation: str | None = None  # index generation the open vectors reflect

    def close(self) -> None:
        if self.vectors is not None:
            self.vectors.close()
        self.vectors, self.lexical, self.checked, self.seen, self.generation = None, None, False, (), None
        self.dense, self.dense_seen = None, ()


_handles: "OrderedDict[tuple[str, str, str], _Handle]" = OrderedDict()  # least recently used first
_handles_lock = threading.Lock()
MAX_HANDLES = 16  # open indexes kept per process (tests and eval harnesses open many homes)


def index_handle(store: PaperStore, settings: Settings) -> _Handle:
    key = (str(Path(store.db.path).resolve()), location(settings), settings.embedding)
    with _handles_lock:
        h = _handles.get(key)
        if h is None:
            store.db.conn.executescript(SCHEMA)
            h = _handles[key] = _Handle(settings)
            _evict()
        _handles.move_to_end(key)
        return h


def _evict() -> None:
    for key in list(_handles)[:-MAX_HANDLES]:
        old = _handles[key]
        if old.lock.acquire(blocking=False):  # never close an index another thread is using
            try:
                old.close()
                del _handles[key]
            finally:
                old.lock.release()


def close_all() -> None:
    """Close every cached Chroma client and drop cached indexes (tests; before deleting a home)."""
    with _handles_lock:
        for h in _handles.values():
            h.close()
        _handles.clear()


@contextmanager
def exclusive(h: _Handle) -> Iterator[None]:
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
def _meta(store: PaperStore, key: str) -> str | None:
    rows = store.db.query("SELECT value FROM meta WHERE key = ?", (key,))
    return rows[0][0] if rows else None


def set_meta(conn, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _bump_generation(store: PaperStore) -> str:
    """A new index generation: tells other processes to rebuild BM25 and reopen their vectors."""
    generation = uuid.uuid4().hex
    with store.db.write() as conn:
        set_meta(conn, "index_generation", generation)
    return generation


# -- sync -------------------------------------------------------------------------------------
def sync_index(store: PaperStore, settings: Settings,
               progress: Callable[[int], None] | None = None) -> SyncReport:
    """Bring the index in line with the store: embed new/changed papers, drop vanished ones, repair.

    `progress`, if given, is called with the number of papers just embedded after each batch.
    """
    h = index_handle(store, settings)
    with exclusive(h):
        report = sync_locked(h, store, progress)
        save_snapshot(h, store)   # so the next process can search without opening Chroma
        return report


def sync_locked(h: _Handle, store: PaperStore, progress: Callable[[int], None] | None) -> SyncReport:
    start = time.perf_counter()
    vec = _vectors(h, store, create=True)
    report = SyncReport(repaired=_repair(store, vec))
    new, changed, gone = _plan(store)
    if gone:
        _remove(store, vec, gone)
    todo = new + changed
    for i in range(0, len(todo), BATCH_PAPERS):
        report.chunks += _index_batch(store, vec, todo[i:i + BATCH_PAPERS])
        if progress:
            progress(len(todo[i:i + BATCH_PAPERS]))
    report.added, report.updated, report.removed = len(new), len(changed), len(gone)
    if report.changed:
        h.generation = _bump_generation(store)  # our own changes are already in our client
    h.checked = True
    report.seconds = time.perf_counter() - start
    return report


def _plan(store: PaperStore) -> tuple[list[str], list[str], list[str]]:
    rows = store.db.query("SELECT p.id, p.content_hash, i.content_hash AS indexed, i.chunker FROM papers p "
                          "LEFT JOIN index_papers i ON i.paper_id = p.id ORDER BY p.id")
    new = [r["id"] for r in rows if r["indexed"] is None]
    changed = [r["id"] for r in rows if r["indexed"] is not None
               and (r["indexed"] != r["content_hash"] or r["chunker"] != CHUNKER_VERSION)]
    gone = [r[0] for r in store.db.query("SELECT i.paper_id FROM index_papers i LEFT JOIN papers p "
                                         "ON p.id = i.paper_id WHERE p.id IS NULL ORDER BY i.paper_id")]
    return new, changed, gone


def _delete_rows(conn, paper_ids: list[str]) -> None:
    for i in range(0, len(paper_ids), 500):
        part = paper_ids[i:i + 500]
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM index_papers WHERE paper_id IN ({marks})", part)
        conn.execute(f"DELETE FROM index_chunks WHERE paper_id IN ({marks})", part)


def _remove(store: PaperStore, vec: VectorStore, paper_ids: list[str]) -> None:
    with store.db.write() as conn:  # rows first: a crash now leaves only stray vectors (repaired)
        _delete_rows(conn, paper_ids)
    vec.delete_papers(paper_ids)


def _index_batch(store: PaperStore, vec: VectorStore, paper_ids: list[str]) -> int:
    """Re-embed these papers: drop their rows, replace their vectors, then record them as indexed."""
    marks = ",".join("?" * len(paper_ids))
    papers = [(Paper.model_validate_json(r["data"]), r["content_hash"]) for r in store.db.query(
        f"SELECT data, content_hash FROM papers WHERE id IN ({marks})", paper_ids)]
    with store.db.write() as conn:
        _delete_rows(conn, paper_ids)
    vec.delete_papers(paper_ids)
    ids, texts, metas, rows = _chunk_records(papers)
    vec.upsert(ids, vec.embed(texts), [r[4] for r in rows], metas)
    n_chunks = Counter(r[1] for r in rows)
    with store.db.write() as conn:  # only now do the papers count as indexed
        conn.executemany("INSERT OR REPLACE INTO index_chunks VALUES (?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT OR REPLACE INTO index_papers (paper_id, content_hash, chunker, n_chunks) "
                         "VALUES (?, ?, ?, ?)", [(p.id, h, CHUNKER_VERSION, n_chunks[p.id]) for p, h in papers])
    return len(ids)


def _chunk_records(papers: list[tuple[Paper, str]]) -> tuple[list[str], list[str], list[dict], list[tuple]]:
    """Chunk ids, texts to embed, Chroma metadatas and index_chunks rows for (paper, content hash)s."""
    ids, texts, metas, rows = [], [], [], []
    for paper, content_hash in papers:
        key = chunk_key(content_hash)
        meta: dict = {"paper_id": paper.id, "content_hash": content_hash}
        if paper.year is not None:
            meta["year"] = paper.year
        if paper.category:
            meta["category"] = paper.category.upper()
        for chunk in chunk_abstract(paper.abstract, paper.title):
            ids.append(chunk_id(paper.id or "", key, chunk.position))
            texts.append(chunk.embed_text)
            metas.append(dict(meta, position=chunk.position))
            rows.append((ids[-1], paper.id, chunk.position, chunk.title or None, chunk.text))
    return ids, texts, metas, rows


def _repair(store: PaperStore, vec: VectorStore) -> int:
    """Reconcile the tables with what Chroma really holds; returns how many things were fixed."""
    fingerprint = vec.fingerprint
    n_rows = store.db.query("SELECT count(*) FROM index_chunks")[0][0]
    if _meta(store, "index_fingerprint") == fingerprint and vec.count() == n_rows:
        return 0
    present = vec.all_ids()
    rows = store.db.query("SELECT id, paper_id FROM index_chunks")
    broken = sorted({r["paper_id"] for r in rows if r["id"] not in present})
    known = {r["id"] for r in rows}
    strays = sorted(present - known)
    with store.db.write() as conn:
        _delete_rows(conn, broken)  # these papers become "new" and are re-embedded by this sync
        set_meta(conn, "index_fingerprint", fingerprint)
    if strays:
        vec.delete_ids(strays)
    return len(broken) + len(strays)


# -- search -----------------------------------------------------------------------------------
def _ready(h: _Handle, store: PaperStore) -> "VectorStore | DenseSnapshot":
    """Open the index for reading; sync first when the store moved on or the index needs repair.
    A current dense snapshot (store/dense.py) answers instead of Chroma when one exists."""
    with h.lock:
        signature = _db_signature(store)
        if h.dense is not None and h.dense_seen == signature:
            return h.dense
        if h.vectors is not None and h.checked and h.seen == signature:
            return h.vectors  # nothing was committed since the last check: skip the stale scan
        h.dense = _current_snapshot(h, store) if h.vectors is None else None
        if h.dense is not None:
            h.dense_seen = signature
            return h.dense
        # A missing directory with a non-empty index means lost vectors: say so rather than
        # silently re-embedding the whole corpus inside a query.
        vec = _vectors(h, store, create=not store.db.query("SELECT count(*) FROM index_papers")[0][0])
        stale = bool(store.db.query(STALE_SQL, (CHUNKER_VERSION,))[0][0])
        if not h.checked:
            stale = stale or _meta(store, "index_fingerprint") != vec.fingerprint or \
                vec.count() != store.db.query("SELECT count(*) FROM index_chunks")[0][0]
        if stale:
            with exclusive(h):
                sync_locked(h, store, None)
        h.checked, h.seen = True, _db_signature(store)
        save_snapshot(h, store)
        return h.vectors  # type: ignore[return-value]


def _snapshots_apply(settings: Settings) -> bool:
    """Embedded Chroma with the local model: a server's collection can change under us, and an
    OpenAI-embedded query needs the API client anyway."""
    return not settings.chroma_url and embedding_spec(settings)[0] == "local"


def _current_snapshot(h: _Handle, store: PaperStore) -> DenseSnapshot | None:
    """The persisted dense snapshot, if the index is up to date and the snapshot is its own."""
    if not _snapshots_apply(h.settings) or store.db.query(STALE_SQL, (CHUNKER_VERSION,))[0][0]:
        return None
    lex = _lexical(h, store)
    return DenseSnapshot.load(h.settings, lex.key, _meta(store, "index_fingerprint"), lex.ids,
                              [lex.papers[i] for i in lex.paper_of])


def save_snapshot(h: _Handle, store: PaperStore) -> None:
    """Write the dense snapshot for the current index state unless it is already there (best effort:
    without it the next process just opens Chroma)."""
    import numpy as np

    if not _snapshots_apply(h.settings) or h.vectors is None:
        return
    lex = _lexical(h, store)
    fingerprint = _meta(store, "index_fingerprint")
    if not lex.ids or fingerprint != h.vectors.fingerprint or DenseSnapshot.is_current(h.settings, lex.key):
        return
    found = h.vectors.vectors(lex.ids)
    if len(found) != len(lex.ids):
        return  # Chroma lacks some chunk: the next sync repairs it; no snapshot until then
    DenseSnapshot.save(h.settings, lex.key, fingerprint,
                       np.asarray([found[i] for i in lex.ids], dtype=np.float32))


def _vectors(h: _Handle, store: PaperStore, *, create: bool) -> VectorStore:
    """The handle's vector store, reopened when another process changed the index since it was
    opened: an embedded Chroma client keeps serving its in-memory index, blind to their vectors."""
    generation = _meta(store, "index_generation")
    if h.vectors is not None and generation != h.generation and not h.settings.chroma_url:
        h.vectors.close()
        h.vectors = None
    if h.vectors is None:
        h.vectors = VectorStore.open(h.settings, create=create)
        h.generation = generation
    return h.vectors


def _db_signature(store: PaperStore) -> tuple:
    """Changes when anything commits to the database: other connections bump data_version, this
    connection bumps total_changes. Connections are per thread, so the connection is part of it."""
    conn = store.db.conn
    return id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def _lexical(h: _Handle, store: PaperStore, extra: list[str] | None = None) -> LexicalIndex:
    """The BM25 index over indexed chunks; with `extra`, also over those (stale) papers, chunked on
    the fly and not kept, so BM25 can answer for papers the dense index has not caught up with."""
    if extra:
        skip = set(extra)
        rows = [dict(r) for r in store.db.query("SELECT id, paper_id, position, title, text FROM index_chunks "
                                                "ORDER BY paper_id, position") if r["paper_id"] not in skip]
        papers = [(p, p.id) for p in store.get_many(extra)]
        rows += [{"id": r[0], "paper_id": r[1], "position": r[2], "title": r[3], "text": r[4]}
                 for r in _chunk_records(papers)[3]]
        return LexicalIndex(rows, "stale")
    generation = _meta(store, "index_generation") or ""
    lex = h.lexical
    if lex is None or lex.generation != generation:
        with h.lock:
            if h.lexical is None or h.lexical.generation != generation:
                rows = store.db.query("SELECT id, paper_id, position, title, text FROM index_chunks "
                                      "ORDER BY paper_id, position")
                h.lexical = load_lexical(h.settings, rows, generation)
            lex = h.lexical
    return lex


def search(store: PaperStore, settings: Settings, query: str, k: int = 10, mode: str = "hybrid",
           flt: PaperFilter | None = None, *, note: Callable[[str], None] | None = None,
           progress_factory: Callable[[int], Any] | None = None) -> list[Hit]:
    """The k papers most relevant to `query`, best first (mode: hybrid | dense | bm25).

    Interactive callers pass `note` (and `progress_factory`, like extract's): papers the index has
    not caught up with are then never embedded silently. BM25 answers at once over every paper
    and says the dense index is stale; hybrid and dense say how many papers they embed first, with
    progress. Without them, a stale index is synced quietly (agents, evals).
    """
    text = clean_query(query)
    check_args(k, mode)
    if store.count() == 0:
        raise NotFoundError("the store has no papers yet", hint="run `papers ingest` first")
    h = index_handle(store, settings)
    if note is not None:
        stale = stale_papers(store)
        if mode == "bm25":
            if stale:
                note(f"the dense index is stale ({_n_papers(len(stale))} not embedded yet); answered from BM25 "
                     "alone. A search without --mode bm25 embeds them")
            return rank(store, None, _lexical(h, store, extra=stale), text, k=k, mode=mode, flt=flt)
        _catch_up(h, store, stale, note, progress_factory)
    vec = _ready(h, store)
    return rank(store, vec, _lexical(h, store), text, k=k, mode=mode, flt=flt)


def catch_up(store: PaperStore, settings: Settings, note: Callable[[str], None],
             progress_factory: Callable[[int], Any] | None = None) -> int:
    """Embed what the index has not caught up with, saying so first (interactive `ask`/`chat`:
    their retrieval would otherwise sync quietly). Returns how many papers were embedded."""
    if store.count() == 0:
        return 0
    stale = stale_papers(store)
    if stale:   # only then open the index: a caught-up store answers without touching it here
        _catch_up(index_handle(store, settings), store, stale, note, progress_factory)
    return len(stale)


def _catch_up(h: _Handle, store: PaperStore, stale: list[str], note: Callable[[str], None],
              progress_factory: Callable[[int], Any] | None) -> None:
    if stale:
        note(f"embedding {_n_papers(len(stale))} not yet in the search index before searching "
             "(once; `papers ingest` without --no-index does this up front)")
        _sync_with_progress(h, store, len(stale), progress_factory)


def _n_papers(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def stale_papers(store: PaperStore) -> list[str]:
    """Papers whose chunks the index lacks or has from an older version of the paper."""
    store.db.conn.executescript(SCHEMA)  # a store that was never indexed has no index tables yet
    new, changed, _ = _plan(store)
    return new + changed


def _sync_with_progress(h: _Handle, store: PaperStore, total: int, progress_factory) -> None:
    with exclusive(h):
        if progress_factory is None:
            sync_locked(h, store, None)
            return
        with progress_factory(total) as tick:
            sync_locked(h, store, tick)
        h.seen = ()  # make _ready re-check (cheaply) what this sync committed


def close_location(settings: Settings) -> None:
    """Close every cached client of this Chroma location (several embeddings may share it)."""
    where = location(settings)
    with _handles_lock:
        for (_, loc, _), h in _handles.items():
            if loc == where:
                h.close()
