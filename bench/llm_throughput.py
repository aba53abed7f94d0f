"""LLM engine throughput against the fake OpenAI server (tests/fakeopenai.py), no network.

    .venv/bin/python -m bench.llm_throughput [--papers 500] [--latency 0.2]

The fake server runs in its own process (so it does not share the client's GIL) and answers every
request after `latency` seconds. Prints, per concurrency level, the wall time of a cold batch next
to the ideal `papers x latency / concurrency`, the requests made and the most requests in flight,
then a cached re-run (same store: zero requests expected).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakeopenai", "--auto", "--latency", str(latency)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "port":
        proc.kill()
        raise SystemExit("the fake server did not start")
    return proc, f"http://127.0.0.1:{line[1]}/v1"


def make_papers(n: int):
    from core.models import PaperText

    base = ("We present a scheduler for serving large language models on GPU clusters that batches "
            "requests by predicted length and overlaps prefill with decoding across replicas. ")
    return [PaperText(id=f"bench-{i}", title=f"Bench paper {i}", abstract=f"{base}Variant {i} of the study.")
            for i in range(n)]


def server_stats(base_url: str, reset: bool = False) -> dict:
    import json
    import urllib.request

    root = base_url.rsplit("/v1", 1)[0]
    request = urllib.request.Request(root + ("/_fake/reset" if reset else "/_fake/stats"),
                                     data=b"{}" if reset else None, method="POST" if reset else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def run(papers, concurrency: int, home: Path, use_cache: bool) -> tuple[float, dict]:
    from agent.engines.base import ExtractionFailure
    from agent.engines.registry import build_llm_engine
    from core.settings import Settings

    engine = build_llm_engine("openai", Settings(home=home), model="gpt-4o-mini", use_cache=use_cache,
                              concurrency=concurrency)
    started = time.perf_counter()
    results = list(engine.extract_many(papers))
    elapsed = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, ExtractionFailure)]
    usage = engine.usage()
    engine.close()
    if failures or len(results) != len(papers):
        raise SystemExit(f"{len(failures)} failures, e.g. {failures[:1]}")
    return elapsed, usage


def warm_up(home: Path) -> None:
    """Import langchain/openai and open the store once, so timings measure the batch only."""
    from agent.engines.registry import build_llm_engine
    from core.settings import Settings

    engine = build_llm_engine("openai", Settings(home=home), model="gpt-4o-mini", use_cache=False, concurrency=1)
    list(engine.extract_many(make_papers(1)))
    engine.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--levels", default="1,8,16,32", help="concurrency levels to measure")
    args = parser.parse_args(argv)
    proc, base_url = start_server(args.latency)
    os.environ.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY="sk-bench-fake")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            report(args, Path(tmp), base_url)
    finally:
        proc.kill()
        proc.wait()


def report(args, tmp: Path, base_url: str) -> None:
    warm_up(tmp / "warm")
    print(f"fake server latency {args.latency * 1000:.0f} ms per request, {args.papers} abstracts")
    print(f"{'concurrency':>11} {'papers':>6} {'wall s':>8} {'ideal s':>8} {'vs ideal':>9} {'req/s':>7} "
          f"{'requests':>8} {'max in flight':>13}")
    for level in [int(x) for x in args.levels.split(",")]:
        n = args.papers if level > 1 else min(args.papers, 50)    # serial: a sample, not 100 s
        home = tmp / f"c{level}"
        server_stats(base_url, reset=True)
        elapsed, usage = run(make_papers(n), level, home, use_cache=True)
        stats = server_stats(base_url)
        ideal = n * args.latency / level
        print(f"{level:>11} {n:>6} {elapsed:>8.2f} {ideal:>8.2f} {elapsed / ideal - 1:>+9.1%} "
              f"{n / elapsed:>7.1f} {stats['count']:>8} {stats['max_in_flight']:>13}")
        if level == 16:
            cached_home = home
    if "cached_home" in locals():
        server_stats(base_url, reset=True)
        elapsed, usage = run(make_papers(args.papers), 16, cached_home, use_cache=True)
        print(f"cached re-run at concurrency 16: {args.papers} abstracts in {elapsed:.2f} s, "
              f"{server_stats(base_url)['count']} requests, {usage.cached_calls} cache hits")


if __name__ == "__main__":
    main()
