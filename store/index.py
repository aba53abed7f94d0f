"""The search index: every paper in the store as chunks, in Chroma (vectors) and BM25 (words).

Public API: `sync_index(store, settings)`, `search(store, settings, query, ...)`; `reindex` is in
store/rebuild.py. The sync itself is store/index_sync.py; handles, locks and bookkeeping are
store/index_state.py.

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

from typing import Any, Callable

from core.errors import EmptyStoreError
from core.settings import Settings
from store.chunking import CHUNKER_VERSION
from store.index_state import (SCHEMA, STALE_SQL, IndexHandle, handles, check_embedding, close_all, close_location,
                               db_signature, exclusive, get_meta, index_handle, open_vectors, set_meta)
from store.index_sync import SyncReport, chunk_records, plan, sync_locked
from store.papers import PaperFilter, PaperStore
from store.retrieval import Hit, LexicalIndex, check_args, clean_query, rank
from store.snapshots import DenseSnapshot, load_lexical
from store.vectors import VectorStore, embedding_spec

__all__ = ["Hit", "SyncReport", "search", "sync_index", "close_all"]  # reindex: store.rebuild
# Re-exported for store/rebuild.py, store/doctor.py and tests.
__all__ += ["SCHEMA", "close_location", "exclusive", "index_handle", "set_meta", "sync_locked", "_handles"]
_handles = handles   # the open handles (tests look at them)


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


# -- search -----------------------------------------------------------------------------------
def _ready(h: IndexHandle, store: PaperStore) -> "VectorStore | DenseSnapshot":
    """Open the index for reading; sync first when the store moved on or the index needs repair.
    A current dense snapshot (store/dense.py) answers instead of Chroma when one exists."""
    with h.lock:
        signature = db_signature(store)
        if h.dense is not None and h.dense_seen == signature:
            return h.dense
        if h.vectors is not None and h.checked and h.seen == signature:
            return h.vectors  # nothing was committed since the last check: skip the stale scan
        check_embedding(store, h.settings)   # another embedding's vectors: say so, never re-embed in a query
        h.dense = _current_snapshot(h, store) if h.vectors is None else None
        if h.dense is not None:
            h.dense_seen = signature
            return h.dense
        # A missing directory with a non-empty index means lost vectors: say so rather than
        # silently re-embedding the whole corpus inside a query.
        vec = open_vectors(h, store, create=not store.db.query("SELECT count(*) FROM index_papers")[0][0])
        stale = bool(store.db.query(STALE_SQL, (CHUNKER_VERSION,))[0][0])
        if not h.checked:
            stale = stale or get_meta(store, "index_fingerprint") != vec.fingerprint or \
                vec.count() != store.db.query("SELECT count(*) FROM index_chunks")[0][0]
        if stale:
            with exclusive(h):
                sync_locked(h, store, None)
        h.checked, h.seen = True, db_signature(store)
        save_snapshot(h, store)
        return h.vectors  # type: ignore[return-value]


def _snapshots_apply(settings: Settings) -> bool:
    """Embedded Chroma with the local model: a server's collection can change under us, and an
    OpenAI-embedded query needs the API client anyway."""
    return not settings.chroma_url and embedding_spec(settings)[0] == "local"


def _current_snapshot(h: IndexHandle, store: PaperStore) -> DenseSnapshot | None:
    """The persisted dense snapshot, if the index is up to date and the snapshot is its own."""
    if not _snapshots_apply(h.settings) or store.db.query(STALE_SQL, (CHUNKER_VERSION,))[0][0]:
        return None
    lex = _lexical(h, store)
    return DenseSnapshot.load(h.settings, lex.key, get_meta(store, "index_fingerprint"), lex.ids,
                              [lex.papers[i] for i in lex.paper_of])


def save_snapshot(h: IndexHandle, store: PaperStore) -> None:
    """Write the dense snapshot for the current index state unless it is already there (best effort:
    without it the next process just opens Chroma)."""
    import numpy as np

    if not _snapshots_apply(h.settings) or h.vectors is None:
        return
    lex = _lexical(h, store)
    fingerprint = get_meta(store, "index_fingerprint")
    if not lex.ids or fingerprint != h.vectors.fingerprint or DenseSnapshot.is_current(h.settings, lex.key):
        return
    found = h.vectors.vectors(lex.ids)
    if len(found) != len(lex.ids):
        return  # Chroma lacks some chunk: the next sync repairs it; no snapshot until then
    DenseSnapshot.save(h.settings, lex.key, fingerprint,
                       np.asarray([found[i] for i in lex.ids], dtype=np.float32))


def _lexical(h: IndexHandle, store: PaperStore, extra: list[str] | None = None) -> LexicalIndex:
    """The BM25 index over indexed chunks; with `extra`, also over those (stale) papers, chunked on
    the fly and not kept, so BM25 can answer for papers the dense index has not caught up with."""
    if extra:
        skip = set(extra)
        rows = [dict(r) for r in store.db.query("SELECT id, paper_id, position, title, text FROM index_chunks "
                                                "ORDER BY paper_id, position") if r["paper_id"] not in skip]
        papers = [(p, p.id) for p in store.get_many(extra)]
        rows += [{"id": r[0], "paper_id": r[1], "position": r[2], "title": r[3], "text": r[4]}
                 for r in chunk_records(papers)[3]]
        return LexicalIndex(rows, "stale")
    generation = get_meta(store, "index_generation") or ""
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
        raise EmptyStoreError(settings.home, "nothing to search")
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


def _catch_up(h: IndexHandle, store: PaperStore, stale: list[str], note: Callable[[str], None],
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
    new, changed, _ = plan(store)
    return new + changed


def _sync_with_progress(h: IndexHandle, store: PaperStore, total: int, progress_factory) -> None:
    with exclusive(h):
        if progress_factory is None:
            sync_locked(h, store, None)
            return
        with progress_factory(total) as tick:
            sync_locked(h, store, tick)
        h.seen = ()  # make _ready re-check (cheaply) what this sync committed


