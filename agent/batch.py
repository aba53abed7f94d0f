"""Batch extraction: read inputs, run an engine, append finished rows durably, resume after a kill.

Every finished row is written, flushed and fsync'd before the next one starts, so Ctrl-C or
SIGKILL can at worst leave one partial trailing line, which `--resume` cuts off before appending.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from agent.engines.base import Engine, ExtractionFailure, extract_many
from core.claim_columns import CLAIM_COLUMNS, claim_cells
from core.errors import InputFileError, UsageError, output_error
from core.models import Extraction, PaperText

CSV_FIELDS = ["id", "title", *CLAIM_COLUMNS]   # the claim columns are those of `export -o x.csv`


@dataclass
class BatchReport:
    done: int = 0
    skipped: int = 0                      # already in the output (--resume)
    failures: list[tuple[str, str]] = field(default_factory=list)
    input_problems: list[str] = field(default_factory=list)
    stopped: str | None = None            # why the batch stopped early (budget, interrupt)

    def to_json(self) -> dict:
        return {"done": self.done, "skipped": self.skipped, "stopped": self.stopped,
                "failures": [{"id": i, "reason": r} for i, r in self.failures],
                "input_problems": self.input_problems}


def read_input(path: Path, max_bytes: int = 200_000_000,
               stored_id=None) -> tuple[list[PaperText], list[str]]:
    """Every paper in a file `papers ingest` accepts (JSONL, JSON, CSV, Atom, listing pages).

    A record's id is its own `id` (or `paper_id`, `paperId`) field, written as the output's `id` so
    rows join back to the input; else its arXiv id, else `stored_id(abstract)` (the paper the record
    became when its file was ingested, so `papers show ID` finds it), else the id the store would give it. Bad records are reported as `FILE:LINE: reason` and skipped; a file with no usable
    record at all is an InputFileError.
    """
    from store.merge import new_paper_id
    from store.sources import read_source

    if path.is_dir():   # "no such file" about a folder that exists sent users hunting for a typo
        raise InputFileError(f"{path} is a folder; --input reads one file",
                             hint=f"give one of its files, or `papers ingest {path}` (which de-duplicates across "
                                  "its files) and then `papers extract --all`")
    if not path.is_file():
        raise InputFileError(f"{path}: no such file", hint="check the path given to --input")
    result = read_source(path, max_bytes=max_bytes)
    problems = [str(issue) for issue in result.issues]
    papers, seen = [], set()
    for paper in result.papers:
        pid = paper.id or paper.arxiv_id or (stored_id and stored_id(paper.abstract)) or new_paper_id([paper])
        if pid in seen:
            problems.append(f"{result.file}:{paper.line or paper.position}: duplicate id {pid!r}; kept the first")
            continue
        seen.add(pid)
        papers.append(PaperText(id=pid, abstract=paper.abstract, title=paper.title))
    if not papers:
        first = f"; first problem: {problems[0]}" if problems else ""
        raise InputFileError(f"{path.name}: no usable paper records ({len(problems)} skipped){first}",
                             hint="each record needs an `abstract` (`papers parse FILE` shows what is read)")
    return papers, problems


read_input_jsonl = read_input  # the name before --input took every format ingest takes


def to_csv_row(record: Extraction) -> dict:
    data = record.to_json()
    return {"id": data.get("id"), "title": data.get("title"), **claim_cells(data)}


class FailureLog:
    """`--failures FILE`: one JSON line per failed paper (id, stage, error, message; no secrets)."""

    def __init__(self, path: Path):
        self._fh = _open_append(path, newline=None)

    def write(self, failure: dict) -> None:
        self._fh.write(json.dumps({k: failure[k] for k in ("id", "stage", "error", "message")},
                                  ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


OUTPUT_SUFFIXES = (".jsonl", ".csv")


class RowWriter:
    """Appends one finished record at a time to .jsonl or .csv, durably."""

    def __init__(self, path: Path, resume: bool, force: bool = False):
        self.path = path
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            # rows are appended one line at a time (durable, resumable): JSON Lines or CSV only
            raise UsageError(f"cannot write extractions to {path.name}",
                             hint="use a .jsonl (JSON Lines) or .csv file name")
        self.is_csv = path.suffix.lower() == ".csv"
        if path.exists() and not resume and not force and path.stat().st_size > 0:
            raise UsageError(f"{path} exists",
                             hint="use --resume to continue it, --force to overwrite it, or choose another -o file")
        if resume:
            _cut_partial_last_line(path)
        elif path.exists():
            try:
                path.unlink()   # --force: start afresh (appending below would mix two runs)
            except OSError as exc:
                raise output_error(path, exc) from exc
        self.done_ids = self._read_done_ids() if resume else set()
        self._fh = _open_append(path, newline="")
        if self.is_csv and self._fh.tell() == 0:
            self._write_text(_csv_line(dict(zip(CSV_FIELDS, CSV_FIELDS))))

    def _read_done_ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        with self.path.open(encoding="utf-8", newline="") as fh:
            if self.is_csv:
                return {row["id"] for row in csv.DictReader(fh) if row.get("id")}
            return {json.loads(line)["id"] for line in fh if line.strip()}

    def write(self, record: Extraction) -> None:
        self._write_text(_csv_line(to_csv_row(record)) if self.is_csv
                         else json.dumps(record.to_json(), ensure_ascii=False) + "\n")

    def _write_text(self, text: str) -> None:
        self._fh.write(text)
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def _open_append(path: Path, newline: str | None):
    """The output file, checked before any work is done: a bad -o path fails at once, not after the batch."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise output_error(path, exc) from exc


def _csv_line(row: dict) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n").writerow(row)
    return buf.getvalue()


def _cut_partial_last_line(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    data = path.read_bytes()
    if not data.endswith(b"\n"):
        with path.open("r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def run_batch(engine: Engine, papers: Iterable[PaperText], *, writer: RowWriter | None = None,
              on_record: Callable[[Extraction], None] | None = None,
              progress: Callable[[], None] | None = None,
              on_failure: Callable[[dict], None] | None = None,
              started: Iterator | None = None) -> BatchReport:
    """Extract every paper not yet done; each finished record goes to `writer` and `on_record`.
    `started`: the results of `start_batch` for the same papers and writer (already in flight)."""
    report = BatchReport()
    todo = pending(papers, writer)
    report.skipped = sum(1 for _ in papers) - len(todo) if isinstance(papers, list) else len(writer.done_ids if writer else ())
    try:
        for result in started if started is not None else extract_many(engine, todo):
            _handle(result, report, writer, on_record, on_failure, getattr(engine, "name", None))
            if progress:
                progress()
    except KeyboardInterrupt:
        report.stopped = "interrupted"
    except Exception as exc:  # a budget stop or similar ends the batch cleanly, finished rows kept
        from core.errors import BudgetExceeded

        if not isinstance(exc, BudgetExceeded):
            raise
        report.stopped = str(exc)
    finally:
        if writer:
            writer.close()
    return report


def pending(papers: Iterable[PaperText], writer: RowWriter | None) -> list[PaperText]:
    done = writer.done_ids if writer else set()
    return [p for p in papers if p.id not in done]


def start_batch(engine: Engine, papers: Iterable[PaperText], writer: RowWriter | None) -> Iterator:
    """The results of the papers not yet done; an LLM engine sends its first requests now, while the
    caller opens the store and the progress bar (pass them to run_batch as `started`)."""
    return extract_many(engine, pending(papers, writer))


def _handle(result, report: BatchReport, writer: RowWriter | None, on_record, on_failure=None,
            engine: str | None = None) -> None:
    if isinstance(result, ExtractionFailure):
        report.failures.append((result.paper_id, result.reason))
        if on_failure:
            on_failure(result.to_json(engine))
        return
    record = result if isinstance(result, Extraction) else Extraction.from_json(result)
    if on_record:  # store first: a kill before the row is written only means a redo on --resume
        on_record(record)
    if writer:
        writer.write(record)
    report.done += 1


def iter_store_papers(store) -> Iterator[PaperText]:
    for paper in store.all():
        yield PaperText(id=paper.id, abstract=paper.abstract, title=paper.title)
