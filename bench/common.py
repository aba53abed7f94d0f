"""Shared plumbing of `python -m bench`: the run context, timing, the synthetic corpus, the table.

Every figure is a `Row` (section, what, value, unit, runs, note); sections add rows to the `Bench`
context, which also caches what several sections need (the synthetic corpora, indexed homes,
measurements the scale section reuses), so a full run never builds the same thing twice.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from bench.search_speed import percentiles  # (p50 ms, p95 ms) of a list of seconds

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
QA = REPO / "evals" / "fixtures" / "qa.jsonl"
RESULTS = Path(__file__).resolve().parent / "results.json"
SYNTHETIC_SEED = 20260101


@dataclass
class Row:
    section: str
    what: str
    value: float | None
    unit: str
    runs: int = 1
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sizes:
    runs: int          # repeats of cheap measurements (medians)
    mid_runs: int      # repeats of measurements that take tens of seconds
    small: int         # synthetic corpus sizes of the scale comparison
    large: int
    queries: int       # warm queries per latency figure
    cold: int          # new processes per cold-start figure
    emb_sample: int    # seed abstracts for local extraction with embedding tagging (0: all)
    llm_papers: int    # abstracts per LLM batch at concurrency 8 and 32 (1: llm_serial)
    llm_serial: int


FULL = Sizes(runs=5, mid_runs=3, small=1000, large=10000, queries=40, cold=5, emb_sample=0,
             llm_papers=400, llm_serial=40)
QUICK = Sizes(runs=2, mid_runs=1, small=100, large=1000, queries=8, cold=2, emb_sample=10,
              llm_papers=64, llm_serial=8)


class Bench:
    """One `python -m bench` run: options, a temporary directory, the rows, shared caches."""

    def __init__(self, quick: bool = False, runs: int | None = None, verbose: bool = True):
        self.quick = quick
        self.sizes = QUICK if quick else FULL
        if runs:
            self.sizes = Sizes(**{**asdict(self.sizes), "runs": runs, "mid_runs": runs})
        self.verbose = verbose
        self.tmp = Path(tempfile.mkdtemp(prefix="papers-bench-"))
        self.rows: list[Row] = []
        self.cache: dict[Any, Any] = {}
        self.started = time.perf_counter()

    def add(self, section: str, what: str, value: float | None, unit: str, runs: int = 1, note: str = "",
            **extra: Any) -> Row:
        row = Row(section, what, value, unit, runs, note, extra)
        self.rows.append(row)
        self.log(f"  {what}: {fmt(value)} {unit}" + (f"  ({note})" if note else ""))
        return row

    def log(self, text: str) -> None:
        if self.verbose:
            print(f"[{time.perf_counter() - self.started:7.1f}s] {text}", file=sys.stderr, flush=True)

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()` the first time `key` is asked for in this run, the cached value afterwards."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def close(self) -> None:
        try:
            from store.index import close_all

            close_all()
        except Exception:  # noqa: BLE001 - clean-up is best effort
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- shared inputs ------------------------------------------------------------------------------
    def synthetic(self, n: int) -> Path:
        """A JSONL corpus of `n` synthetic abstracts (seed sentences recombined), in the temp dir."""
        return self.once(("synthetic", n), lambda: write_synthetic(self.tmp / f"synthetic-{n}.jsonl", n))

    def settings(self, name: str):
        from core.settings import Settings

        return Settings(home=self.tmp / name, seeds_dir=SEEDS, chroma_url=None, embedding="local")

    def home_env(self, home: Path) -> dict[str, str]:
        env = dict(os.environ, PAPERS_HOME=str(home))
        for name in ("PAPERS_CHROMA_URL", "PAPERS_ENGINE", "PAPERS_CONFIG", "PAPERS_EMBEDDING"):
            env.pop(name, None)
        return env


# -- numbers ------------------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def lean_heap() -> Iterator[None]:
    """Time as a fresh `papers` process would: objects already alive (torch, Chroma and the rest
    of what earlier sections loaded: ~0.5 M objects) are moved out of the garbage collector's view.
    Otherwise every full collection triggered by the code under test walks them, which makes
    allocation-heavy steps (parsing 10,000 records) look superlinear in a long-lived process."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn: Callable[[], Any], runs: int) -> list[float]:
    """Wall seconds of `runs` calls of `fn`."""
    return [timed(fn)[0] for _ in range(runs)]


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Linux: VmHWM of /proc/self/status, because ru_maxrss of a process started by a big parent
    reports the parent's peak (it survives fork and exec). Elsewhere ru_maxrss (macOS: bytes).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"


def papers_command() -> list[str]:
    """How a user starts `papers`: the console script next to this interpreter, else `-m agent.cli`."""
    script = Path(sys.executable).parent / "papers"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]


def time_process(args: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> float:
    """Wall seconds of one new process (fails loudly when the command fails)."""
    t0 = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[-4:])} failed ({done.returncode}): {done.stderr[-800:]}")
    return elapsed


def held_out(argv: list[str] | None = None) -> tuple[str, ...]:
    """The files named by each `--skip FILE` (default: this process's argv): held-out files a tuning or
    fitting tool must leave unread, so that they can be scored once at the end."""
    args = sys.argv if argv is None else argv
    return tuple(args[i + 1] for i, arg in enumerate(args) if arg == "--skip")


def questions(kind: str | None = None) -> list[str]:
    """The questions of evals/fixtures/qa.jsonl (of one kind: lookup, set, numeric, ...)."""
    rows = [json.loads(line) for line in QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if kind is None or r.get("kind") == kind]


# -- the synthetic corpus ----------------------------------------------------------------------------
def seed_abstracts() -> list[tuple[str | None, str]]:
    from agent.corpus import parse

    records, _, _ = parse([SEEDS])
    return [(r.get("title"), r["abstract"]) for r in records]


def write_synthetic(path: Path, n: int, seed: int = SYNTHETIC_SEED) -> Path:
    """`n` SYNTHETIC abstracts made by recombining sentences of the seed abstracts (not real papers).

    Each abstract takes as many sentences as a randomly chosen seed abstract has, drawn at random
    from all seed sentences, so lengths, numbers and vocabulary look like the seeds'. Titles and
    arXiv-style ids are unique, so de-duplication keeps all `n`.
    """
    from store.chunking import chunk_sentences

    rng = random.Random(seed)
    seeds = seed_abstracts()
    pool = [s for _, a in seeds for s in chunk_sentences(a)]
    lengths = [max(3, len(chunk_sentences(a))) for _, a in seeds]
    titles = [t for t, _ in seeds if t]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            abstract = " ".join(rng.sample(pool, min(len(pool), rng.choice(lengths))))
            words = rng.choice(titles).split()[:8]
            fh.write(json.dumps({"id": f"2601.{i:05d}", "title": f"Synthetic {i}: {' '.join(words)}",
                                 "abstract": abstract, "date": "2026-01-01", "synthetic": True}) + "\n")
    return path


# -- output --------------------------------------------------------------------------------------------
def table(rows: list[Row]) -> str:
    head = ("section", "measure", "value", "unit", "runs", "note")
    cells = [(r.section, r.what, fmt(r.value), r.unit, str(r.runs), r.note) for r in rows]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) if cells else len(head[i]) for i in range(5)]
    out = []
    for line in [head, tuple("-" * w for w in widths) + ("-" * 4,)] + cells:
        parts = [line[0].ljust(widths[0]), line[1].ljust(widths[1]), line[2].rjust(widths[2]),
                 line[3].ljust(widths[3]), line[4].rjust(widths[4]), line[5]]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out)


def machine() -> dict[str, Any]:
    import platform

    info: dict[str, Any] = {"cores": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform(), "machine": platform.machine()}
    try:
        info["usable_cores"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, timeout=5).stdout.strip()
        info["git"] = rev or None
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def write_results(bench: Bench, sections: list[str], extra: dict[str, Any], path: Path = RESULTS) -> Path:
    """bench/results.json; with --only, sections measured earlier are kept."""
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            old = {}
    kept = {k: v for k, v in (old.get("sections") or {}).items() if k not in sections}
    fresh = {name: [asdict(r) for r in bench.rows if r.section == name] for name in sections}
    merged = {k: v for k, v in old.items() if k not in ("machine", "quick", "measured_at", "seconds", "sections")}
    for key, value in extra.items():   # dicts (per-section times, ...) merge one level deep
        merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    data = {"machine": machine(), "quick": bench.quick, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "seconds": round(time.perf_counter() - bench.started, 1), "sections": {**kept, **fresh}, **merged}
    path.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    return path
