"""Extraction use cases behind `papers extract/tldr/claims/tags`."""

from __future__ import annotations

from pathlib import Path

from agent.batch import BatchReport, FailureLog, RowWriter, iter_store_papers, read_input, run_batch, start_batch
from agent.engines.base import Engine
from core.errors import EmptyStoreError, UsageError
from core.models import Extraction, PaperText
from core.settings import Settings, get_settings


def paper_text(ref: str | None, text: str | None, settings: Settings | None = None) -> PaperText:
    """The paper a single-paper command works on: a stored paper by reference, or raw --text."""
    if text is not None and not text.strip():
        raise UsageError("--text is empty", hint="give the abstract itself: --text \"We present ...\"")
    if bool(ref) == (text is not None):
        raise UsageError("give either a paper id or --text, not both or neither",
                         hint="give a stored paper's id (`papers list` shows them), or --text \"ABSTRACT\"")
    if text is not None:
        return PaperText(id="text", abstract=text)
    from agent.corpus import open_store

    paper = open_store(settings, create=False).resolve(ref)  # type: ignore[arg-type]
    return PaperText(id=paper.id, abstract=paper.abstract, title=paper.title)


def batch_inputs(input_path: Path | None, use_all: bool, settings: Settings,
                 retry_failed: bool = False, new_only: bool = False) -> tuple[list[PaperText], list[str]]:
    if retry_failed:
        return _failed_inputs(input_path, settings)
    if new_only and not use_all:
        raise UsageError("--new goes with --all", hint="`papers extract --all --new` extracts the stored papers "
                                                        "that have no extraction yet")
    if bool(input_path) == bool(use_all):
        raise UsageError("give exactly one of --input FILE or --all",
                         hint="`papers extract --all` extracts every stored paper; `papers extract --input FILE` "
                              "reads any file `papers ingest` reads")
    from agent.corpus import open_store

    if input_path:   # a listing page's record has no id of its own: it takes the stored paper's
        return read_input(input_path, max_bytes=int(settings.max_file_mb * 1e6),
                          stored_id=open_store(settings, create=False).id_of_abstract)

    store = open_store(settings, create=False)
    papers = list(iter_store_papers(store))
    if not papers:
        raise EmptyStoreError(settings.home, "nothing to extract")
    if new_only:   # after adding a few pages to an extracted store: only their papers, not all again
        from store.extractions import extracted_ids

        done = extracted_ids(store)
        papers = [p for p in papers if p.id not in done]
    return papers, []


def _failed_inputs(input_path: Path | None, settings: Settings) -> tuple[list[PaperText], list[str]]:
    """The papers whose last extraction failed (from --input if given, else from the store)."""
    from agent.corpus import open_store
    from store.extractions import failed_ids

    store = open_store(settings)
    failed = failed_ids(store)
    papers, problems = read_input(input_path, max_bytes=int(settings.max_file_mb * 1e6)) if input_path \
        else (list(iter_store_papers(store)), [])
    return [p for p in papers if p.id in failed], problems


def extract_batch(engine: Engine, *, input_path: Path | None, use_all: bool, output: Path | None,
                  resume: bool = False, save: bool = True, settings: Settings | None = None,
                  emit=None, progress_factory=None, failures: Path | None = None,
                  retry_failed: bool = False, force: bool = False, new_only: bool = False) -> BatchReport:
    """Run a batch; rows go to `output` (.jsonl/.csv) and/or `emit`, and into the store; failures go
    to the store (for `--retry-failed` and `papers stats`) and to the `failures` JSONL file."""
    settings = settings or get_settings()
    if resume and output is None:
        raise UsageError("--resume needs -o FILE", hint="resume continues an output file")
    if resume and force:
        raise UsageError("--resume continues the -o file and --force overwrites it", hint="give one of them")
    papers, problems = batch_inputs(input_path, use_all, settings, retry_failed, new_only)
    if save:
        engine = _with_store(engine, settings)
    writer = RowWriter(output, resume=resume, force=force) if output else None
    abstracts = {p.id: p.abstract for p in papers} if input_path else {}
    on_record = _saver(settings, emit, abstracts) if save else emit
    log = FailureLog(failures) if failures else None
    on_failure = _failure_saver(settings, log, save or retry_failed)
    todo = len(papers) - (len(writer.done_ids & {p.id for p in papers}) if writer else 0)
    started = start_batch(engine, papers, writer)     # requests go out while the progress bar loads
    try:
        if progress_factory:
            with progress_factory(todo) as tick:
                report = run_batch(engine, papers, writer=writer, on_record=on_record, progress=tick,
                                   on_failure=on_failure, started=started)
        else:
            report = run_batch(engine, papers, writer=writer, on_record=on_record, on_failure=on_failure,
                               started=started)
    finally:
        started.close()
        if log:
            log.close()
    report.input_problems = problems
    return report


def _with_store(engine: Engine, settings: Settings) -> Engine:
    """An engine that can keep work in the store (the local engine's topic vectors) gets to."""
    using_store = getattr(engine, "using_store", None)
    if using_store is None:
        return engine
    from agent.corpus import open_store

    return using_store(open_store(settings))


def _failure_saver(settings: Settings, log, save: bool):
    from agent.corpus import open_store
    from store.extractions import record_failure

    store = open_store(settings) if save else None

    def on_failure(failure: dict) -> None:
        if store is not None:
            record_failure(store, failure)
        if log:
            log.write(failure)

    return on_failure


def _saver(settings: Settings, emit, abstracts: dict[str, str]):
    """Saves each record in the store; an input file's record goes to the paper its abstract became
    when that file was ingested (its own `id` stays the output's id)."""
    from agent.corpus import open_store
    from store.extractions import save_extraction

    store = open_store(settings)

    def on_record(record: Extraction) -> None:
        save_extraction(store, record, abstracts.get(record.id))
        if emit:
            emit(record)

    return on_record
