"""`papers reindex`: rebuild the search index from the store of record, never losing a copy.

Refuses when the store of record is damaged (the index may then hold the only other copy of the
abstracts); moves the old index directory aside and deletes it only once the new one is complete.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Callable

from core.errors import StoreError
from core.settings import Settings
from store.doctor import indexes_left_aside
from store.health import DOCTOR_HINT, check_database
from store.index import save_snapshot
from store.index_state import close_location, exclusive, index_handle, set_meta
from store.index_sync import SyncReport, sync_locked
from store.papers import PaperStore
from store.vectors import drop_collection


def reindex(store: PaperStore, settings: Settings,
            progress: Callable[[int], None] | None = None) -> SyncReport:
    """Rebuild the index from the store of record (after index corruption, a model switch).

    Refuses when the store of record itself is damaged: the index may then be the only other copy
    of the abstracts. The old index directory is moved aside and deleted only once the new one is
    complete; a failed rebuild puts it back.
    """
    health = check_database(store.db.path)
    if not health.ok:
        raise StoreError(f"the store of record at {store.db.path} is {health.detail}; rebuilding the index "
                         "from it would lose the abstracts the index still has", hint=DOCTOR_HINT)
    h = index_handle(store, settings)
    with exclusive(h):
        close_location(settings)
        old = _move_index_aside(settings)
        with store.db.write() as conn:
            conn.execute("DELETE FROM index_papers")
            conn.execute("DELETE FROM index_chunks")
            set_meta(conn, "index_fingerprint", None)
        try:
            report = sync_locked(h, store, progress)
        except BaseException:
            close_location(settings)
            if old is not None:
                shutil.rmtree(settings.chroma_path, ignore_errors=True)  # the half-built new index only
                old.rename(settings.chroma_path)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        for stale in indexes_left_aside(settings):   # copies a killed reindex could not put back: the new
            shutil.rmtree(stale, ignore_errors=True)   # index is complete (and we hold the index lock)
        save_snapshot(h, store)
        return report


def _move_index_aside(settings: Settings) -> Path | None:
    if settings.chroma_url:
        drop_collection(settings)  # a server's collection cannot be moved; the store of record is intact
        return None
    path = Path(settings.chroma_path)
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        path.rename(aside)
    except OSError as exc:
        raise StoreError(f"cannot move the old index at {path} aside: {exc.strerror or exc}",
                         hint="check the permissions of that directory, then run `papers reindex` again") from None
    return aside
