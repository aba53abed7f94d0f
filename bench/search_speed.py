"""Indexing throughput and warm query latency of the search index.

    .venv/bin/python -m bench.search_speed [--queries 100] [--scale 10000]

1. Ingest seeds/ into a fresh temporary home, then embed and index it: abstracts/s and chunks/s of
   the index sync (model load timed separately), plus the cost of a no-op re-sync.
2. Warm in-process queries (the questions of evals/fixtures/qa.jsonl, cycled): p50/p95 per mode,
   and the share of it spent embedding the query.
3. Scale check without embedding: BM25 build and query time over `--scale` synthetic abstracts
   (seed abstracts recombined), chunked like the real index.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def index_throughput(settings) -> tuple:
    from agent.corpus import ingest, open_store
    from store.embeddings import get_model
    from store.index import sync_index

    t0 = time.perf_counter()
    ingest([settings.seeds_dir], settings, index=False)
    t_ingest = time.perf_counter() - t0
    t0 = time.perf_counter()
    get_model()
    t_model = time.perf_counter() - t0
    store = open_store(settings)
    report = sync_index(store, settings)
    t0 = time.perf_counter()
    noop = sync_index(store, settings)
    t_noop = time.perf_counter() - t0
    assert noop.chunks == 0
    n = store.count()
    print(f"ingest (parse + store, no embedding): {n} papers in {t_ingest:.2f}s")
    print(f"model load: {t_model:.2f}s")
    print(f"index sync: {report.added} abstracts, {report.chunks} chunks in {report.seconds:.1f}s = "
          f"{report.added / report.seconds:.1f} abstracts/s, {report.chunks / report.seconds:.1f} chunks/s")
    print(f"no-op re-sync: {t_noop * 1000:.1f} ms")
    return store


def query_latency(store, settings, n_queries: int) -> None:
    """Wall-clock p50/p95 per mode; CPU time (all threads) too, which other load on the machine
    inflates much less than wall time."""
    from store.embeddings import embed
    from store.index import search

    questions = [json.loads(line)["question"] for line in
                 (REPO / "evals" / "fixtures" / "qa.jsonl").read_text().splitlines() if line.strip()]
    search(store, settings, "warm-up query", k=10)
    for mode in ("hybrid", "dense", "bm25"):
        wall, cpu = [], []
        for i in range(n_queries):
            query = f"{questions[i % len(questions)]} ({mode} {i})"  # unique: no query-vector cache hits
            t0, c0 = time.perf_counter(), time.process_time()
            search(store, settings, query, k=10, mode=mode)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        p50, p95 = percentiles(wall)
        print(f"warm query, {mode:<6}: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
              f"(CPU p50 {percentiles(cpu)[0]:5.1f} ms; {n_queries} queries, k=10)")
    wall = []
    for i in range(n_queries):
        t0 = time.perf_counter()
        embed([f"{questions[i % len(questions)]} (embed {i})"], threads=1)  # as search does
        wall.append(time.perf_counter() - t0)
    p50, p95 = percentiles(wall)
    print(f"  of which query embedding alone: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def cold_cli(home: Path) -> None:
    """One `papers search` process from scratch: imports, model load, BM25 build, query."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PAPERS_HOME=str(home))
    env.pop("PAPERS_CHROMA_URL", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "agent.cli", "search", "KV cache compression", "-k", "5", "--json"],
                   cwd=REPO, env=env, check=True, capture_output=True)
    print(f"cold `papers search` process: {time.perf_counter() - t0:.2f}s (imports + model load + first query)")


def scale_check(store, n_abstracts: int) -> None:
    from store.bm25 import tokenize
    from store.chunking import chunk_abstract
    from store.retrieval import LexicalIndex

    rng = random.Random(0)
    sentences = [s for p in store.all() for s in p.abstract.split(". ")]
    rows = []
    for i in range(n_abstracts):
        abstract = ". ".join(rng.sample(sentences, 8)) + "."
        for c in chunk_abstract(abstract, f"Synthetic paper {i}"):
            rows.append({"id": f"s{i}:{c.position}", "paper_id": f"s{i}", "position": c.position,
                         "title": c.title, "text": c.text})
    t0, c0 = time.perf_counter(), time.process_time()
    lex = LexicalIndex(rows, "bench")
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0
    questions = [json.loads(line)["question"] for line in
                 (REPO / "evals" / "fixtures" / "qa.jsonl").read_text().splitlines() if line.strip()]
    times = []
    for q in questions * 3:
        t0 = time.perf_counter()
        lex.bm25.top(tokenize(q), 100)
        times.append(time.perf_counter() - t0)
    p50, p95 = percentiles(times)
    print(f"scale check: {n_abstracts} synthetic abstracts = {len(rows)} chunks; BM25 build {t_build:.2f}s wall, "
          f"{c_build:.2f}s CPU (once per process); BM25 query p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def main(argv: list[str] | None = None) -> None:
    from core.settings import Settings, reset_settings_cache
    from store.index import close_all

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=100, help="warm queries per mode")
    parser.add_argument("--scale", type=int, default=10000, help="synthetic abstracts for the BM25 check (0: skip)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="papers-speed-"))
    try:
        reset_settings_cache()
        settings = Settings(home=home, seeds_dir=REPO / "seeds", chroma_url=None, embedding="local")
        store = index_throughput(settings)
        query_latency(store, settings, args.queries)
        cold_cli(home)
        if args.scale:
            scale_check(store, args.scale)
    finally:
        close_all()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
