"""Sections `parse` and `ingest`: parsing alone, storing, and storing + indexing (embeddings).

Measured on the seed pages and on the synthetic corpora (seed sentences recombined), with the
bench's own long-lived heap hidden from the garbage collector (common.lean_heap), as in a fresh
`papers ingest` process. Each ingest runs into a fresh home; the embedding model is loaded beforehand and timed on its own, so the
abstracts/s figures are the steady state a long ingest sees. The index figures also split out the
time spent inside the embedding model, which leaves the bookkeeping (Chroma writes, SQLite rows)
visible: that part must not grow faster than the corpus.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from bench.common import SEEDS, Bench, lean_heap, median, timed


def parse_rate(path: Path, runs: int) -> dict[str, Any]:
    """Parse (no store): records/s, median of `runs`."""
    from agent.corpus import parse

    times, n = [], 0
    for _ in range(runs):
        with lean_heap():
            seconds, (records, rejected, _) = timed(lambda: parse([path]))
        if rejected:
            raise RuntimeError(f"parse rejected {rejected[:1]}")
        times.append(seconds)
        n = len(records)
        del records
    return {"n": n, "seconds": median(times), "rate": n / median(times), "runs": runs}


@contextmanager
def embedding_clock() -> Iterator[dict[str, float]]:
    """Accumulates the seconds spent in VectorStore.embed (the model) while active."""
    import time

    from store.vectors import VectorStore

    spent = {"seconds": 0.0, "texts": 0}
    original = VectorStore.embed

    def clocked(self, texts):
        t0 = time.perf_counter()
        try:
            return original(self, texts)
        finally:
            spent["seconds"] += time.perf_counter() - t0
            spent["texts"] += len(texts)

    VectorStore.embed = clocked  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        VectorStore.embed = original  # type: ignore[method-assign]


MODEL_LOAD = ("import time; t0 = time.perf_counter(); from store.embeddings import embed; embed(['warm-up']); "
              "print(time.perf_counter() - t0)")


def cold_model_load(runs: int) -> list[float]:
    """Seconds from `import store.embeddings` to the first vector, each in a new process."""
    import subprocess
    import sys

    from bench.common import REPO

    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", MODEL_LOAD], cwd=REPO, capture_output=True, text=True,
                              timeout=600, check=True)
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def load_model(bench: Bench) -> float:
    """Seconds to load the embedding model (once per process; later calls return the first figure)."""
    def load() -> float:
        from store.embeddings import embed

        return timed(lambda: embed(["warm-up"]))[0]
    return bench.once("model_load", load)


def ingest_once(bench: Bench, path: Path, name: str, *, index: bool = True, keep: bool = False) -> dict[str, Any]:
    """Store (and index) `path` into a fresh home; times of each phase."""
    from agent.corpus import ingest, open_store
    from store.index import close_all, sync_index

    settings = bench.settings(name)
    shutil.rmtree(settings.home, ignore_errors=True)
    with lean_heap():
        t_store, report = timed(lambda: ingest([path], settings, index=False))
    out: dict[str, Any] = {"papers": report.papers_after, "store_s": t_store, "home": settings.home}
    if index:
        load_model(bench)
        store = open_store(settings)
        with embedding_clock() as clock:
            t_index, sync = timed(lambda: sync_index(store, settings))
        out.update(index_s=t_index, chunks=sync.chunks, embed_s=clock["seconds"],
                   bookkeeping_s=t_index - clock["seconds"])
    if not keep:
        close_all()
        shutil.rmtree(settings.home, ignore_errors=True)
    return out


def ingest_rate(bench: Bench, path: Path, name: str, runs: int, keep: bool = False) -> dict[str, Any]:
    """Medians over `runs` fresh ingests; the home of the last one is kept when `keep`."""
    results = [ingest_once(bench, path, f"{name}-{i}", keep=keep and i == runs - 1) for i in range(runs)]
    med = {k: median([r[k] for r in results]) for k in ("store_s", "index_s", "embed_s", "bookkeeping_s")}
    n, chunks = results[-1]["papers"], results[-1]["chunks"]
    total = med["store_s"] + med["index_s"]
    return {"n": n, "chunks": chunks, "runs": runs, **med, "total_s": total,
            "store_rate": n / med["store_s"], "rate": n / total, "chunk_rate": chunks / med["embed_s"],
            "home": results[-1]["home"] if keep else None}


def synthetic_ingest(bench: Bench, n: int) -> dict[str, Any]:
    """Ingest + index of the synthetic corpus of `n` (cached: the scale section reuses it, and the
    indexed home stays for the search-latency comparison)."""
    runs = bench.sizes.mid_runs if n <= bench.sizes.small else 1
    return bench.once(("ingest", n), lambda: ingest_rate(bench, bench.synthetic(n), f"syn{n}", runs, keep=True))


def synthetic_parse(bench: Bench, n: int) -> dict[str, Any]:
    return bench.once(("parse", n), lambda: parse_rate(bench.synthetic(n), bench.sizes.runs))


def run_parse(bench: Bench) -> None:
    s = "parse"
    seeds = parse_rate(SEEDS, bench.sizes.runs)
    bench.add(s, f"parse seed pages ({seeds['n']} papers, 5 files)", seeds["rate"], "papers/s", seeds["runs"],
              f"{seeds['seconds'] * 1000:.0f} ms per pass")
    for n in (bench.sizes.small, bench.sizes.large):
        r = synthetic_parse(bench, n)
        bench.add(s, f"parse synthetic JSONL ({n:,} abstracts)", r["rate"], "papers/s", r["runs"],
                  f"{r['seconds'] * 1000:.0f} ms per pass; synthetic corpus")


def run_ingest(bench: Bench) -> None:
    s = "ingest"
    loads = cold_model_load(bench.sizes.mid_runs)
    bench.add(s, "embedding model load, new process", median(loads), "s", len(loads),
              "import onnxruntime + tokenizers, load the cached ONNX MiniLM, first vector")
    seeds = bench.once("seeds_ingest", lambda: ingest_rate(bench, SEEDS, "seeds-ingest", bench.sizes.mid_runs))
    _ingest_rows(bench, "seeds", seeds)
    for n in (bench.sizes.small, bench.sizes.large):
        _ingest_rows(bench, f"synthetic {n:,}", synthetic_ingest(bench, n))


def _ingest_rows(bench: Bench, label: str, r: dict[str, Any]) -> None:
    s = "ingest"
    bench.add(s, f"store only, {label} ({r['n']:,} papers)", r["store_rate"], "papers/s", r["runs"],
              f"{r['store_s']:.2f} s; parse + dedup + SQLite")
    bench.add(s, f"store + index, {label}", r["rate"], "abstracts/s", r["runs"],
              f"{r['total_s']:.1f} s; {r['chunks']:,} chunks, {r['chunk_rate']:.0f} chunks/s in the model; "
              f"index bookkeeping {r['bookkeeping_s']:.1f} s")
