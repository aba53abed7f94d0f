"""Corpus operations behind `papers ingest/parse/list/show/stats/remove`."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from core.settings import Settings, get_settings


def open_store(settings: Settings | None = None, *, create: bool = True):
    """The store of record. `create=False` is for commands that only read: when nothing was ever
    ingested in this home they see an empty store and leave no papers.db (nor the home folder)
    behind, so a mistyped PAPERS_HOME stays empty and says so."""
    from store.papers import PaperStore

    settings = settings or get_settings()
    if not create and not settings.db_path.exists():
        from store.db import Database

        return PaperStore(Database.empty(settings.db_path))
    settings.ensure_home()
    return PaperStore.open(settings.db_path)


def ingest(paths: Iterable[Path] | None = None, settings: Settings | None = None, *, index: bool = True,
           progress: Callable[[Path], None] | None = None, category: str | None = None,
           since: str | None = None, batch_size: int | None = None, stream_progress: Callable | None = None,
           phases=None):
    """Parse, de-duplicate and store; then bring the search index up to date (only what changed).

    Large JSON Lines files (the arXiv snapshot) are streamed in batches and resume after a crash;
    `category` ('cs.DC,cs.AR') and `since` ('2022-01-01') keep only matching papers.
    `phases.phase(name, total, unit)` (see agent.cli.output.Phases) hears of each phase: parse
    (files), store (papers), embed (papers). When the index cannot be updated the papers stay
    stored and `report.index_error` says why."""
    from core.errors import StoreError
    from store.stream_ingest import BATCH, RecordFilter, ingest_all

    settings = settings or get_settings()
    flt = RecordFilter.parse(category, since)
    paths = list(paths or [settings.seeds_dir])
    _some_file_or_raise(paths)
    store = open_store(settings)
    report = ingest_all(store, paths, max_bytes=int(settings.max_file_mb * 1e6),
                        flt=flt, batch_size=batch_size or BATCH, progress=progress,
                        stream_progress=stream_progress, phases=phases)
    if index:
        try:
            report.index = sync_index(store, settings, phases)
            _count_terms(store)   # a table read when nothing changed
        except StoreError as exc:
            report.index_error = exc
    return report


def _some_file_or_raise(paths: list[Path]) -> None:
    """When no path names a file (a typo, a moved or empty folder) nothing can be ingested: that is
    one input error, raised before the store is opened, so no summary suggests work was done and a
    new home is not created for nothing. A mix of good and missing paths goes on (see ingest_all)."""
    from core.errors import InputFileError
    from store.ingest import collect_files

    files, rejected = collect_files(paths)
    if files or not rejected:
        return
    hints = list(dict.fromkeys(hint for _, _, hint in rejected if hint))
    exc = InputFileError("; ".join(reason for _, reason, _ in rejected), hint="; ".join(hints) or None)
    exc.rejected = rejected   # `ingest --json` still prints its document from these
    raise exc


def _count_terms(store) -> None:
    """Bring the corpus statistics `ask` uses up to date now (only the papers new since the last
    count), so the first question after an ingest does not pay for it. Beside embedding the new
    papers this costs little; `--no-index` leaves it to the first `ask`."""
    from agent.corpus_stats import corpus_stats

    corpus_stats(store)


def sync_index(store, settings: Settings, phases=None):
    """Embed new/changed papers and drop vanished ones (store.index.SyncReport)."""
    from store.index import stale_papers
    from store.index import sync_index as sync

    from store.ingest import QuietPhases

    phases = phases or QuietPhases()
    with phases.phase("embed", len(stale_papers(store)), "papers") as tick:
        return sync(store, settings, progress=tick)


def parse(paths: Iterable[Path], settings: Settings | None = None):
    """Parse without storing: (records in page order, rejected files, record-level issues)."""
    rejected: list = []
    issues: list = []
    records = list(iter_parse(paths, rejected, issues, settings))
    return records, rejected, issues


def iter_parse(paths: Iterable[Path], rejected: list, issues: list, settings: Settings | None = None):
    """Parsed paper occurrences as they are read, in page order. JSON Lines files over the page-format
    size limit are streamed line by line (constant memory), like `ingest` streams them; rejected files
    and record-level issues are appended to the given lists as they are met."""
    from store.ingest import collect_files, parse_files
    from store.stream_ingest import is_streamable, iter_jsonl_file

    settings = settings or get_settings()
    max_bytes = int(settings.max_file_mb * 1e6)
    files, not_found = collect_files(paths)
    rejected += not_found
    for path in files:
        if is_streamable(path, max_bytes):
            for paper, issue in iter_jsonl_file(path):
                if issue:
                    issues.append(issue)
                else:
                    yield dict(paper.occurrence_json(), source=path.name)
            continue
        results, more = parse_files([path], max_bytes=max_bytes)
        rejected += more
        for result in results:
            issues += result.issues
            yield from (dict(p.occurrence_json(), source=result.file) for p in result.papers)


def remove(source: str, settings: Settings | None = None) -> int:
    from store.ingest import remove_source

    settings = settings or get_settings()
    store = open_store(settings)
    n = remove_source(store, source)
    if n:
        sync_index(store, settings)
    return n
