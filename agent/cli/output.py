"""Terminal output: tables for people on stdout, JSON for scripts, progress on stderr only."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator


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


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


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


@contextmanager
def progress(total: int | None, description: str) -> Iterator:
    """A progress bar on stderr that disappears when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    enabled = sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console(), transient=True, disable=not enabled) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def usage_line(u: dict) -> str:
    """The cost line of an LLM run (extract, ask): requests, cache hits, tokens, USD."""
    return (f"llm: {u['requests']} requests, {u['cached_calls']} cached, {u['prompt_tokens']}+"
            f"{u['completion_tokens']} tokens, ${u['cost']:.4f} ({u['model']})")
