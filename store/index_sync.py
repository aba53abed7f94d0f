"""Index sync: embed new and changed papers, drop vanished ones, repair what a crash left.

The write order keeps one invariant (see store/index.py): *a paper has an `index_papers` row only
while all its chunks are in Chroma*. Embedding is pipelined: while one batch of papers is embedded
on a worker thread (ONNX Runtime releases the GIL), the main thread reads and chunks the next batch
and stores the one before. At most PIPELINE_DEPTH embedded-but-unstored batches exist, so memory
stays bounded; an embedding error surfaces at the next store step, after every earlier batch is
stored, and the batches in flight are dropped (their papers stay un-indexed: the next sync redoes them).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from store.chunking import CHUNKER_VERSION, chunk_abstract, chunk_id, chunk_key
from store.index_state import (IndexHandle, bump_generation, check_embedding, get_meta, open_vectors,
                               record_embedding, set_meta)
from store.papers import PaperStore
from store.records import Paper
from store.vectors import VectorStore

BATCH_PAPERS = 64    # papers embedded and written per step (a crash loses at most one batch of work)
PIPELINE_DEPTH = 2   # batches embedded ahead of the store step


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


def sync_locked(h: IndexHandle, store: PaperStore, progress: Callable[[int], None] | None) -> SyncReport:
    """The sync itself, under the writer lock (store.index_state.exclusive)."""
    start = time.perf_counter()
    check_embedding(store, h.settings)
    vec = open_vectors(h, store, create=True)
    report = SyncReport(repaired=_repair(store, vec))
    new, changed, gone = plan(store)
    if gone:
        _remove(store, vec, gone)
    todo = new + changed
    report.chunks = _embed_pipelined(store, vec, todo, set(changed), progress)
    report.added, report.updated, report.removed = len(new), len(changed), len(gone)
    with store.db.write() as conn:
        record_embedding(conn, h.settings)
    if report.changed:
        h.generation = bump_generation(store)  # our own changes are already in our client
    h.checked = True
    report.seconds = time.perf_counter() - start
    return report


@dataclass
class _Batch:
    papers: list[tuple[Paper, str]]   # (paper, content hash)
    ids: list[str]
    texts: list[str]
    metas: list[dict]
    rows: list[tuple]


def _prepare(store: PaperStore, paper_ids: list[str]) -> _Batch:
    marks = ",".join("?" * len(paper_ids))
    papers = [(Paper.model_validate_json(r["data"]), r["content_hash"]) for r in store.db.query(
        f"SELECT data, content_hash FROM papers WHERE id IN ({marks})", paper_ids)]
    return _Batch(papers, *chunk_records(papers))


def _embed_pipelined(store: PaperStore, vec: VectorStore, todo: list[str], changed: set[str],
                     progress: Callable[[int], None] | None) -> int:
    """Embed and store `todo` batch by batch, embedding one batch while storing the previous one."""
    if not todo:
        return 0
    pending: deque[tuple[_Batch, Future]] = deque()
    stored = 0
    with ThreadPoolExecutor(1, thread_name_prefix="papers-index-embed") as pool:
        try:
            for i in range(0, len(todo), BATCH_PAPERS):
                batch = _prepare(store, todo[i:i + BATCH_PAPERS])
                pending.append((batch, pool.submit(vec.embed, batch.texts)))
                while len(pending) > PIPELINE_DEPTH or (pending and pending[0][1].done()):
                    stored += _store(store, vec, *pending.popleft(), changed, progress)
            while pending:
                stored += _store(store, vec, *pending.popleft(), changed, progress)
        finally:
            for _, future in pending:   # an error: drop the work in flight, keep what is stored
                future.cancel()
    return stored


def _store(store: PaperStore, vec: VectorStore, batch: _Batch, embedded: Future, changed: set[str],
           progress: Callable[[int], None] | None) -> int:
    """Replace these papers' chunks: drop their rows and vectors, write the new vectors, then the
    rows (only now do the papers count as indexed).

    Only changed papers have old vectors to delete: after _repair, Chroma holds no vector without a
    row, so a new paper has none (skipping the Chroma delete per batch: 10k sync with random vectors
    88 s -> 64 s)."""
    vectors = embedded.result()   # re-raises the embedding error, before anything of this batch is touched
    paper_ids = [p.id for p, _ in batch.papers]
    with store.db.write() as conn:
        _delete_rows(conn, paper_ids)
    old = [p for p in paper_ids if p in changed]
    if old:
        vec.delete_papers(old)
    vec.upsert(batch.ids, vectors, [r[4] for r in batch.rows], batch.metas)
    n_chunks = Counter(r[1] for r in batch.rows)
    with store.db.write() as conn:
        conn.executemany("INSERT OR REPLACE INTO index_chunks VALUES (?, ?, ?, ?, ?)", batch.rows)
        conn.executemany("INSERT OR REPLACE INTO index_papers (paper_id, content_hash, chunker, n_chunks) "
                         "VALUES (?, ?, ?, ?)", [(p.id, h, CHUNKER_VERSION, n_chunks[p.id]) for p, h in batch.papers])
    if progress:
        progress(len(batch.papers))
    return len(batch.ids)


def plan(store: PaperStore) -> tuple[list[str], list[str], list[str]]:
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


def chunk_records(papers: list[tuple[Paper, str]]) -> tuple[list[str], list[str], list[dict], list[tuple]]:
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
    if get_meta(store, "index_fingerprint") == fingerprint and vec.count() == n_rows:
        return 0
    present = vec.all_ids()
    rows = store.db.query("SELECT id, paper_id FROM index_chunks")
    broken = sorted({r["paper_id"] for r in rows if r["id"] not in present})
    broken_set = set(broken)
    known = {r["id"] for r in rows if r["paper_id"] not in broken_set}
    strays = sorted(present - known)   # with the broken papers' surviving vectors: they become "new",
    # and a new paper is stored without a Chroma delete (_store)
    with store.db.write() as conn:
        _delete_rows(conn, broken)  # these papers become "new" and are re-embedded by this sync
        set_meta(conn, "index_fingerprint", fingerprint)
    if strays:
        vec.delete_ids(strays)
    return len(broken) + len(present - {r["id"] for r in rows})   # broken papers + true strays


