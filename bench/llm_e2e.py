"""End-to-end `papers extract --engine openai` throughput: process start to exit, fake server, no network.

    .venv/bin/python -m bench.llm_e2e [--papers 120] [--latency 0.3] [--concurrency 8]

Runs the real CLI in a fresh process against tests/fakeopenai.py (its own process, `latency` s per
request) and prints the wall time against the ideal `papers x latency / concurrency`, the fixed
overhead before the first request and after the last, and the prompt tokens per abstract.
Target (issue 17): >= 0.9 of ideal at concurrency 8 with 300 ms calls.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.llm_throughput import REPO, server_stats, start_server


def write_input(path: Path, n: int) -> None:
    base = ("We present a scheduler for serving large language models on GPU clusters that batches "
            "requests by predicted length and overlaps prefill with decoding, reaching 2.1x higher throughput. ")
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"e2e-{i}", "title": f"Paper {i}", "abstract": f"{base}Variant {i}."}) + "\n")


def prompt_tokens_per_abstract(path: Path) -> float:
    from agent.engines.llm.costs import estimate_tokens
    from agent.engines.llm.schemas import taxonomy_tags
    from agent.prompts import load

    prompt = load("extraction")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return sum(estimate_tokens(prompt.render({"title": r["title"], "abstract": r["abstract"],
                                              "taxonomy": taxonomy_tags()})) for r in rows) / len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=120)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    proc, base_url = start_server(args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            write_input(home / "in.jsonl", args.papers)
            env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "sk-bench-fake",
                   "PAPERS_HOME": str(home), "PYTHONPATH": str(REPO)}
            cmd = [sys.executable, "-m", "agent.cli", "extract", "--engine", "openai", "--input", str(home / "in.jsonl"),
                   "-o", str(home / "out.jsonl"), "--concurrency", str(args.concurrency)]
            started = time.time()
            done = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True)
            ended = time.time()
            if done.returncode:
                raise SystemExit(done.stderr[-2000:])
            stats = server_stats(base_url)
            tokens = prompt_tokens_per_abstract(home / "in.jsonl")
    finally:
        proc.kill()
        proc.wait()
    wall, ideal = ended - started, args.papers * args.latency / args.concurrency
    print(f"papers extract --engine openai: {args.papers} abstracts, concurrency {args.concurrency}, "
          f"{args.latency * 1000:.0f} ms per call")
    print(f"wall {wall:.2f} s, ideal {ideal:.2f} s -> {ideal / wall:.2f} of ideal; {stats['count']} requests")
    print(f"before the first request {stats['first_at'] - started:.2f} s, "
          f"after the last answer {ended - stats['last_at'] - args.latency:.2f} s")
    print(f"prompt tokens per abstract (estimate): {tokens:.0f}")


if __name__ == "__main__":
    main()
