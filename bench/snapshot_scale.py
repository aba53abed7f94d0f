"""Scale on the arXiv-snapshot format: streamed ingest, search and ask at 10k and 100k records.

    .venv/bin/python -m bench scale                      # 10,000 records (also section `snapshot`)
    .venv/bin/python -m bench scale --n 10000,100000     # the 100k run, on demand (~40 min on 2 busy cores)
    .venv/bin/python -m bench scale --server             # also on a `chroma run` server (PAPERS_CHROMA_URL)

Per size n, on a SYNTHETIC snapshot-format file (bench/snapshot_corpus.py):
1. `papers ingest --no-index FILE` in a new process, with PAPERS_MAX_FILE_MB=1 so that every size
   takes the streaming path: wall time, records/s and the process's peak RSS (VmHWM).
2. The index without the model: embedding 100k abstracts with MiniLM takes hours on 2 cores, so
   the index sync runs with random unit vectors in place of the model's (chunking, Chroma upsert
   and SQLite bookkeeping are the real code). Search cost does not depend on what the vectors
   mean, so the latencies below are what a fully embedded store of that size would see; the
   results' relevance is meaningless and not measured here.
3. Warm in-process latency, p50/p95: `search` in bm25 and hybrid mode (the query IS embedded by the
   real model), bm25 with a `--category cs.DC` filter, and `ask` with the local engine.
4. The model's own rate on this corpus's chunks (chunks/s, abstracts/s, CPU seconds), float and
   int8, and the projected time to embed n abstracts for real; ingest + embed projected = measured
   ingest + measured index bookkeeping + chunks / model rate (the sync pipelines bookkeeping with
   the model, so this is an upper bound). Also `papers stats` time and filtered search whose filter
   mask is not cached (a new filter every query).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Bench, fmt, questions, timed

SEARCH_QUERIES = 40
ASK_QUERIES = 20
EMBED_SAMPLE = 256  # chunks embedded to measure the model's rate


def child_ingest(path: Path, home: Path) -> dict[str, Any]:
    """`papers ingest --no-index` in a new process: wall seconds, peak RSS (MB), papers stored."""
    env = dict(os.environ, PAPERS_HOME=str(home), PAPERS_MAX_FILE_MB="1", PYTHONPATH=str(REPO))
    for name in ("PAPERS_CHROMA_URL", "PAPERS_CONFIG", "PAPERS_EMBEDDING"):
        env.pop(name, None)
    cmd = [sys.executable, "-m", "bench.rss_child", "ingest", "--no-index", "--json", str(path)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=6 * 3600)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}): {done.stderr[-800:]}")
    peak = [float(line.split("=", 1)[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_MB=")]
    report = json.loads(done.stdout)
    return {"seconds": seconds, "peak_rss_mb": peak[-1], "papers": report["papers_after"]}


def index_settings(home: Path, chroma_url: str | None = None):
    from core.settings import Settings

    from bench.common import SEEDS

    return Settings(home=home, seeds_dir=SEEDS, chroma_url=chroma_url, embedding="local")


def random_vector_index(home: Path, chroma_url: str | None = None) -> dict[str, Any]:
    """Index sync with random unit vectors instead of the model's (see the module docstring)."""
    import numpy as np

    from agent.corpus import open_store
    from store.index import sync_index
    from store.vectors import VectorStore

    rng = np.random.default_rng(7)
    original = VectorStore.embed

    def random_embed(self, texts):
        vectors = rng.standard_normal((len(texts), 384)).astype("float32")
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()

    settings = index_settings(home, chroma_url)
    VectorStore.embed = random_embed  # type: ignore[method-assign]
    try:
        seconds, report = timed(lambda: sync_index(open_store(settings), settings))
    finally:
        VectorStore.embed = original  # type: ignore[method-assign]
    return {"seconds": seconds, "chunks": report.chunks}


def latencies(home: Path) -> dict[str, Any]:
    from agent.corpus import open_store
    from agent.qa.service import ask
    from bench.latency import warm_latency
    from store.index import search
    from store.papers import PaperFilter

    settings = index_settings(home)
    store = open_store(settings)
    qs, tag = questions(), home.name
    out = {mode: warm_latency(lambda q, m=mode: search(store, settings, q, k=10, mode=m), qs, SEARCH_QUERIES,
                              tag=f"{mode} {tag}") for mode in ("bm25", "hybrid")}
    dc = PaperFilter(category="cs.DC")
    out["bm25 --category cs.DC"] = warm_latency(lambda q: search(store, settings, q, k=10, mode="bm25", flt=dc),
                                                qs, SEARCH_QUERIES, tag=f"dc {tag}")
    out["hybrid --category cs.DC"] = warm_latency(lambda q: search(store, settings, q, k=10, mode="hybrid", flt=dc),
                                                  qs, SEARCH_QUERIES, tag=f"dc hybrid {tag}")
    out["bm25, a new filter each query"] = _fresh_filter_latency(store, settings, qs, tag)
    out["ask"] = warm_latency(lambda q: ask(q, settings, store=store, engine="local"), qs, ASK_QUERIES)
    stats = [timed(store.stats)[0] for _ in range(3)]
    out["papers stats (store.stats)"] = {"p50_ms": sorted(stats)[1] * 1000, "p95_ms": max(stats) * 1000, "n": 3}
    return out


def _fresh_filter_latency(store, settings, qs: list[str], tag: str) -> dict[str, Any]:
    """Filtered search whose filter mask is not cached: each query has a filter not seen before
    (category x year), so the SQL query and the mask are computed every time."""
    from bench.common import percentiles
    from store.index import search
    from store.papers import PaperFilter

    filters = [PaperFilter(category=c, year=f">={y}") for y in range(1990, 2030) for c in ("cs.DC", "cs.AR", "cs.LG")]
    search(store, settings, "warm-up", k=10, mode="bm25")
    times = [timed(lambda i=i: search(store, settings, f"{qs[i % len(qs)]} ({tag} fresh {i})", k=10, mode="bm25",
                                      flt=filters[i]))[0] for i in range(SEARCH_QUERIES)]
    p50, p95 = percentiles(times)
    return {"p50_ms": p50, "p95_ms": p95, "n": len(times)}


def model_rate(home: Path, papers: int, chunks: int) -> dict[str, dict[str, float]]:
    """Per model variant (float, int8): chunks/s of the real embedding model on this corpus's chunk
    texts (best of two runs, with CPU seconds) and the projected time to embed every chunk."""
    from agent.corpus import open_store
    from store.embeddings import embed

    settings = index_settings(home)
    rows = open_store(settings).db.query("SELECT text FROM index_chunks ORDER BY id LIMIT ?", (EMBED_SAMPLE,))
    texts = [r[0] for r in rows]
    per_paper = chunks / max(papers, 1)
    out = {}
    for name, variant in (("float", None), ("int8", "int8")):
        embed(texts[:8], variant=variant)  # load and warm up
        runs = []
        for _ in range(2):
            cpu0 = time.process_time()
            wall, _ = timed(lambda: embed(texts, variant=variant))
            runs.append((wall, time.process_time() - cpu0))
        wall, cpu = min(runs)
        chunk_rate = len(texts) / wall
        out[name] = {"chunks_per_s": chunk_rate, "abstracts_per_s": chunk_rate / per_paper, "cpu_s": cpu,
                     "wall_s": wall, "chunks_per_cpu_s": len(texts) / cpu,
                     "projected_hours": papers * per_paper / chunk_rate / 3600}
    return out


def server_run(bench: Bench, home: Path, n: int) -> dict[str, Any]:
    """The same store on a `chroma run` server: index sync (random vectors) and hybrid search / ask."""
    from bench.chroma_server import chroma_server
    from agent.corpus import open_store
    from agent.qa.service import ask
    from bench.latency import warm_latency
    from store.index import close_all, search

    close_all()
    with chroma_server(bench.tmp / f"chroma-server-{n}") as url:
        out: dict[str, Any] = {"index": random_vector_index(home, url)}
        bench.log(f"  index on chroma run (random vectors): {out['index']}")
        settings = index_settings(home, url)
        store = open_store(settings)
        qs = questions()
        out["hybrid"] = warm_latency(lambda q: search(store, settings, q, k=10, mode="hybrid"), qs, SEARCH_QUERIES,
                                     tag=f"server {n}")
        out["ask"] = warm_latency(lambda q: ask(q, settings, store=store, engine="local"), qs, ASK_QUERIES)
        close_all()
    return out


def run_size(bench: Bench, n: int, server: bool = False) -> dict[str, Any]:
    from bench.snapshot_corpus import write_snapshot
    from store.index import close_all

    path = bench.tmp / f"snapshot-{n}.jsonl"
    gen_s, _ = timed(lambda: write_snapshot(path, n))
    bench.log(f"snapshot {n:,}: {path.stat().st_size / 1e6:.0f} MB written in {gen_s:.0f} s")
    home = bench.tmp / f"snapshot-home-{n}"
    shutil.rmtree(home, ignore_errors=True)
    out: dict[str, Any] = {"n": n, "file_mb": path.stat().st_size / 1e6, "ingest": child_ingest(path, home)}
    bench.log(f"  ingest: {out['ingest']}")
    out["index"] = random_vector_index(home)
    bench.log(f"  index (random vectors): {out['index']}")
    out["latency"] = latencies(home)
    out["model"] = model_rate(home, out["ingest"]["papers"], out["index"]["chunks"])
    if server:
        out["server"] = server_run(bench, home, n)
    close_all()
    path.unlink(missing_ok=True)
    shutil.rmtree(home, ignore_errors=True)
    return out


def add_rows(bench: Bench, r: dict[str, Any]) -> None:
    s, n, ing = "snapshot", r["n"], r["ingest"]
    bench.add(s, f"ingest --no-index, streamed ({n:,} records, {r['file_mb']:.0f} MB)", ing["papers"] / ing["seconds"],
              "records/s", 1, f"{ing['seconds']:.1f} s wall, new process; peak RSS {ing['peak_rss_mb']:.0f} MB",
              **ing)
    bench.add(s, f"index sync without the model ({n:,})", r["index"]["chunks"] / r["index"]["seconds"], "chunks/s", 1,
              f"{r['index']['seconds']:.0f} s for {r['index']['chunks']:,} chunks; random vectors, real Chroma + SQLite")
    for name, lat in r["latency"].items():
        what = name if name == "ask" or name.startswith("papers") else f"search {name}"
        bench.add(s, f"{what} warm p50 ({n:,})", lat["p50_ms"], "ms", lat["n"], f"p95 {lat['p95_ms']:.0f} ms",
                  p95_ms=lat["p95_ms"])
    if "server" in r:
        srv = r["server"]
        bench.add(s, f"index sync without the model, chroma run ({n:,})", srv["index"]["chunks"] / srv["index"]["seconds"],
                  "chunks/s", 1, f"{srv['index']['seconds']:.0f} s; random vectors over HTTP")
        for name in ("hybrid", "ask"):
            what = "ask" if name == "ask" else "search hybrid"
            bench.add(s, f"{what} warm p50, chroma run ({n:,})", srv[name]["p50_ms"], "ms", srv[name]["n"],
                      f"p95 {srv[name]['p95_ms']:.0f} ms", p95_ms=srv[name]["p95_ms"])
    without_model = ing["seconds"] + r["index"]["seconds"]
    for name, m in r["model"].items():
        total_h = (without_model + m["projected_hours"] * 3600) / 3600
        bench.add(s, f"embedding model ({name}) on this corpus ({n:,})", m["abstracts_per_s"], "abstracts/s", 2,
                  f"{m['chunks_per_s']:.0f} chunks/s wall ({m['chunks_per_cpu_s']:.0f}/CPU-s, {m['cpu_s']:.1f} CPU-s "
                  f"for {m['wall_s']:.1f} s); embedding all {n:,} would take {m['projected_hours']:.2f} h; "
                  f"ingest + embed projected {total_h:.2f} h (measured ingest and index bookkeeping + model time)",
                  projected_total_hours=total_h)


def growth_rows(bench: Bench, small: dict[str, Any], large: dict[str, Any]) -> None:
    a, b = small["n"], large["n"]
    per = lambda r: r["ingest"]["seconds"] / r["n"] * 1000  # noqa: E731
    bench.add("snapshot", f"ingest time per record, {b:,} / {a:,}", per(large) / per(small), "x", 1,
              f"{fmt(per(small))} -> {fmt(per(large))} ms/record (includes process start)")
    bench.add("snapshot", f"ingest peak RSS, {b:,} / {a:,}", large["ingest"]["peak_rss_mb"] / small["ingest"]["peak_rss_mb"],
              "x", 1, f"{small['ingest']['peak_rss_mb']:.0f} -> {large['ingest']['peak_rss_mb']:.0f} MB")
    for name in large["latency"]:
        x, y = small["latency"][name]["p50_ms"], large["latency"][name]["p50_ms"]
        bench.add("snapshot", f"{name} p50, {b:,} / {a:,}", y / x, "x", 1, f"{fmt(x)} -> {fmt(y)} ms")


def run_snapshot(bench: Bench, sizes: list[int] | None = None, server: bool = False) -> dict[str, Any]:
    sizes = sizes or ([1000] if bench.quick else [10000])
    results = [run_size(bench, n, server) for n in sizes]
    for r in results:
        add_rows(bench, r)
    for small, large in zip(results, results[1:]):
        growth_rows(bench, small, large)
    return {"sizes": sizes, "results": results}


def main(argv: list[str]) -> int:
    from bench.common import table, write_results

    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10000", help="comma-separated record counts, e.g. 10000,100000")
    parser.add_argument("--server", action="store_true", help="also measure on a `chroma run` server")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.json")
    args = parser.parse_args(argv)
    sizes = [int(x.replace("_", "")) for x in args.n.split(",") if x.strip()]
    bench = Bench()
    try:
        out = run_snapshot(bench, sizes, args.server)
        print(table(bench.rows))
        if not args.no_write:
            print(f"wrote {write_results(bench, ['snapshot'], {'snapshot': out})}")
    finally:
        bench.close()
    return 0
