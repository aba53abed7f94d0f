"""Sections `extract` (local engine) and `llm` (LLM engine against the fake server).

Local: abstracts/s of `LocalEngine(use_embeddings=False)` (rules + keyword tags) and of
`LocalEngine(use_embeddings=True)` (plus embedding-based topic tagging), each in its own process
(bench/extract_child.py) so that its peak RSS can be reported.

LLM: bench/llm_throughput.py's fake server (its own process) answering every request after 200 ms;
wall time of a cold batch at concurrency 1, 8 and 32 next to the ideal papers x latency /
concurrency, then the cached re-run of the same batch (zero requests expected).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Bench, median

LLM_LATENCY = 0.2
LLM_LEVELS = (1, 8, 32)


def extract_child(*args: str, timeout: float = 3600) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.extract_child", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bench.extract_child {' '.join(args)} failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def extract_runs(runs: int, *args: str) -> dict[str, Any]:
    results = [extract_child(*args) for _ in range(runs)]
    out = dict(results[-1])
    for key in ("seconds", "rate", "first_call_s", "rss_mb", "rss_peak_mb"):
        out[key] = median([r[key] for r in results])
    out["runs"] = runs
    return out


def synthetic_extract(bench: Bench, n: int) -> dict[str, Any]:
    """Keyword-only local extraction of the synthetic corpus of `n` (cached for the scale section)."""
    runs = bench.sizes.mid_runs if n <= bench.sizes.small else 1
    return bench.once(("extract", n), lambda: extract_runs(runs, "--input", str(bench.synthetic(n))))


def run_extract(bench: Bench) -> None:
    s = "extract"
    plain = extract_runs(bench.sizes.mid_runs, "--seeds")
    bench.add(s, f"local, use_embeddings=False, seeds ({plain['abstracts']})", plain["rate"], "abstracts/s",
              plain["runs"], f"rules + keyword tags; first call {plain['first_call_s']:.2f} s")
    bench.add(s, "  peak RSS of that process", plain["rss_peak_mb"], "MB", plain["runs"],
              f"{plain['rss_mb']:.0f} MB after the first call, before the batch")
    from agent.engines.local.engine import LocalEngine

    n = bench.sizes.emb_sample
    emb = extract_runs(bench.sizes.mid_runs, "--seeds", "--limit", str(n), "--embeddings")
    how = "batched model calls" if hasattr(LocalEngine, "extract_many") else "one abstract per model call"
    bench.add(s, f"local, use_embeddings=True, seeds ({emb['abstracts']})", emb["rate"], "abstracts/s",
              emb["runs"], f"+ embedding tags, {how}; first call {emb['first_call_s']:.1f} s "
              "(model, tag prototypes, labelled neighbours)")
    bench.add(s, "  peak RSS of that process", emb["rss_peak_mb"], "MB", emb["runs"],
              f"{emb['rss_mb']:.0f} MB after the first call (model loaded), before the batch")
    again = extract_runs(bench.sizes.mid_runs, "--seeds", "--limit", str(n), "--embeddings", "--stored")
    bench.add(s, f"  the same, vectors stored by an earlier run ({again['abstracts']})", again["rate"], "abstracts/s",
              again["runs"], "a repeated `extract --all`: topic vectors read from the store, none embedded")
    rate, n_claims = claims_rate(bench.sizes.mid_runs)
    bench.add(s, f"local claims only (speedups, datasets, hardware), {n_claims} fixture abstracts", rate,
              "abstracts/CPU-s", bench.sizes.mid_runs, "in-process, no topics/TL;DR; target >= 1,000 (issue 13)")
    for size in (bench.sizes.small, bench.sizes.large):
        r = synthetic_extract(bench, size)
        bench.add(s, f"local, use_embeddings=False, synthetic {size:,}", r["rate"], "abstracts/s", r["runs"],
                  f"{r['seconds']:.1f} s; {r['speedups']:,} speedups found; peak RSS {r['rss_peak_mb']:.0f} MB",
                  rss_peak_mb=r["rss_peak_mb"])


def claims_rate(runs: int, repeat: int = 10) -> tuple[float, int]:
    """Abstracts per CPU-second of LocalEngine.claims over the labelled fixtures (warm, in-process):
    the rules themselves, without process start-up, topics or TL;DR."""
    from agent.engines.local.engine import LocalEngine
    from core.models import PaperText
    from evals.loaders import load_claims

    papers = [PaperText(id=f["id"], abstract=f["abstract"], title=f.get("title")) for f in load_claims()] * repeat
    engine = LocalEngine(use_embeddings=False)
    engine.claims(papers[0])  # warm: lexicons and gazetteers compiled once
    cpus = []
    for _ in range(max(1, runs)):
        start = time.process_time()
        for paper in papers:
            engine.claims(paper)
        cpus.append(time.process_time() - start)
    return len(papers) / median(cpus), len(papers)


def run_llm(bench: Bench) -> None:
    from bench import llm_throughput as lt

    proc, base_url = lt.start_server(LLM_LATENCY)
    saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    os.environ.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY="sk-bench-fake")
    try:
        lt.warm_up(bench.tmp / "llm-warm")
        _llm_levels(bench, lt, base_url)
    finally:
        proc.kill()
        proc.wait()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _llm_levels(bench: Bench, lt, base_url: str) -> None:
    s = "llm"
    last_home: Path | None = None
    n = 0
    for level in LLM_LEVELS:
        n = bench.sizes.llm_serial if level == 1 else bench.sizes.llm_papers
        walls, cpus, stats = [], [], []
        for i in range(bench.sizes.mid_runs):
            last_home = bench.tmp / f"llm-c{level}-{i}"      # fresh home: a cold cache every run
            lt.server_stats(base_url, reset=True)
            cpu0 = time.process_time()
            elapsed, _ = lt.run(lt.make_papers(n), level, last_home, use_cache=True)
            cpus.append(time.process_time() - cpu0)
            walls.append(elapsed)
            stats.append(lt.server_stats(base_url))
        wall, cpu_ms = median(walls), median(cpus) / stats[-1]["count"] * 1000
        ideal = n * LLM_LATENCY / level
        bench.add(s, f"openai engine, concurrency {level} ({n} abstracts)", n / wall, "abstracts/s",
                  len(walls), f"{wall:.2f} s vs ideal {ideal:.2f} s = {ideal / wall:.0%} of ideal; "
                  f"{stats[-1]['count']} requests, max {stats[-1]['max_in_flight']} in flight; "
                  f"client CPU {cpu_ms:.1f} ms/request", wall_s=wall, ideal_s=ideal, efficiency=ideal / wall,
                  client_cpu_ms_per_request=cpu_ms)
    lt.server_stats(base_url, reset=True)
    elapsed, usage = lt.run(lt.make_papers(n), LLM_LEVELS[-1], last_home, use_cache=True)
    requests = lt.server_stats(base_url)["count"]
    bench.add(s, f"cached re-run ({n} abstracts, same store)", n / elapsed, "abstracts/s", 1,
              f"{elapsed:.2f} s; {requests} requests, {usage.cached_calls} cache hits", requests=requests)
