"""Progress of a streamed ingest on stderr: bytes read, rate and ETA.

On a terminal a line every 1% (printed above any live progress bar); otherwise (logs, CI, a pipe) a
plain line every 10%, so a log of a several-GB ingest stays short.
"""

from __future__ import annotations

import sys
import time


def _eta(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_line(p) -> str:
    """'snapshot.json  52% 630.1/1,211.7 MB  21.4 MB/s  ETA 0:00:27  412,000 read, 9,800 kept'."""
    elapsed = max(time.monotonic() - p.started, 1e-6)
    rate = (p.done_bytes - p.start_bytes) / elapsed
    left = (p.total_bytes - p.done_bytes) / rate if rate > 0 else 0
    pct = 100 * p.done_bytes / p.total_bytes if p.total_bytes else 100
    eta = "done" if p.finished else f"ETA {_eta(left)}"
    return (f"{p.name}  {pct:3.0f}% {p.done_bytes / 1e6:,.1f}/{p.total_bytes / 1e6:,.1f} MB  "
            f"{rate / 1e6:.1f} MB/s  {eta}  {p.records:,} read, {p.kept:,} kept")


class StreamProgressPrinter:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.step = 1 if self.tty else 10
        self.last: dict[str, int] = {}

    def __call__(self, p) -> None:
        pct = int(100 * p.done_bytes / p.total_bytes) if p.total_bytes else 100
        bucket = pct // self.step * self.step
        if not p.finished and bucket <= self.last.get(p.name, -1):
            return
        self.last[p.name] = bucket
        if self.tty:
            from agent.cli.output import err_console

            err_console().print(progress_line(p), highlight=False, markup=False)
        else:
            print(progress_line(p), file=self.stream, flush=True)
