"""Terminal output: tables for people on stdout, JSON for scripts, progress on stderr only."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from core.models import LLMUsage


# The two --json shapes. Lists are JSON Lines (one object per line; nothing matched = no lines,
# still valid); single results and reports are one JSON document.
JSON_LINES_HELP = "JSON Lines on stdout: one object per line (no lines when nothing matches)"
JSON_DOC_HELP = "one JSON document on stdout"


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


_written = {"document": False}   # whether this command already printed its one --json document


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    _written["document"] = True


def document_written() -> bool:
    return _written["document"]


def reset_document_written() -> None:
    _written["document"] = False


def print_jsonl(rows) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def plural(n: int, noun: str) -> str:
    """'1 paper', '2 papers', '0 papers'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def note(message: str) -> None:
    sys.stderr.write(f"note: {message}\n")


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


# Off a terminal, a long phase also prints a line at each 10% it passes, at most one per this many
# seconds: a 3-minute extraction in a log used to show its start line and nothing until the end.
LOG_EVERY_SECONDS = 10.0


@contextmanager
def progress(total: int | None, description: str, unit: str = "") -> Iterator:
    """One phase of work on stderr: a live bar (count, rate, time left) on a terminal, else one plain
    line when the phase starts, one per 10% of a long phase (count, percent, rate, time left) and one
    with its count and rate when it ends (logs, CI, pipes)."""
    import time

    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    tty = sys.stderr.isatty()
    what = f" {unit}" if unit else ""
    if not tty and total:
        sys.stderr.write(f"{description}: {total}{_unit(total, what)}...\n")
        sys.stderr.flush()
    done, start = 0, time.perf_counter()
    logged = {"at": start, "tenth": 0}
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(show_speed=True), TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err_console(), transient=True, disable=not tty) as bar:
        task = bar.add_task(description, total=total)

        def tick(n: int = 1) -> None:
            nonlocal done
            done += n
            bar.advance(task, n)
            if not tty and total and done < total:
                _log_step(description, done, total, what, start, logged)

        yield tick
    if total or done:
        seconds = time.perf_counter() - start
        rate = f", {done / seconds:.1f}{what}/s" if seconds > 0.05 and done else ""
        sys.stderr.write(f"{description}: {done}{_unit(done, what)} in {seconds:.1f}s{rate}\n")


def _log_step(description: str, done: int, total: int, what: str, start: float, logged: dict) -> None:
    """A plain progress line when the phase passes another tenth and the last line is old enough."""
    import time

    now, tenth = time.perf_counter(), 10 * done // total
    if tenth <= logged["tenth"] or now - logged["at"] < LOG_EVERY_SECONDS:
        return
    logged.update(at=now, tenth=tenth)
    rate = done / max(now - start, 1e-9)
    left = int((total - done) / rate) if rate > 0 else 0
    sys.stderr.write(f"{description}: {done}/{total}{_unit(total, what)} ({100 * done // total}%), "
                     f"{rate:.1f}{what}/s, about {left // 60}:{left % 60:02d} left\n")
    sys.stderr.flush()


def _unit(n: int, unit: str) -> str:
    return unit[:-1] if n == 1 and unit.endswith("s") else unit


class Phases:
    """`phase(name, total, unit)` for library code that reports its phases (ingest: parse, store,
    embed); each phase is one `progress`."""

    def phase(self, name: str, total: int | None = None, unit: str = ""):
        return progress(total, name, unit)


def usage_line(u: "LLMUsage") -> str:
    """The cost line of an LLM run (extract, ask): requests, cache hits, tokens, USD."""
    return (f"llm: {u.requests} requests, {u.cached_calls} cached, {u.prompt_tokens}+"
            f"{u.completion_tokens} tokens, ${u.cost:.4f} ({u.model})")
