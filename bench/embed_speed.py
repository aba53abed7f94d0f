"""`python -m bench embed`: embedding throughput of the local model, before vs after, float vs int8.

    .venv/bin/python -m bench embed [--abstracts 300] [--runs 2]

A fixed set: every seed abstract and the first N SciTLDR *train* abstracts (/work/shared/data or
PAPERS_SCITLDR_TRAIN), chunked as the index chunks them. Settings, each run `--runs` times:
- before: the embedder before issue 18 itself (store/embeddings.py at the parent of the commit that
  introduced TOKEN_BUDGET, loaded as a module: batches of 32 rows sorted by characters, no session
  tuning), when git has it; else its batching emulated (32 rows padded to the longest, which with
  today's session options is ~1.5x faster than the real thing: the ratios then understate);
- float: length buckets under TOKEN_BUDGET tokens (store/embeddings.py), float graph;
- int8: the same buckets, the int8 dynamically quantized graph (PAPERS_EMBEDDING=minilm-int8).
Each line gives wall time and the process's CPU seconds (all threads): on a machine shared with
other jobs the wall time depends on them, chunks per CPU-second much less. Abstracts/s is chunks/s
over the set's chunks per abstract.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

SCITLDR = Path(os.environ.get("PAPERS_SCITLDR_TRAIN", "/work/shared/data/scitldr_train.jsonl"))


def fixed_set(n_scitldr: int) -> tuple[list[str], int]:
    """(chunk texts, number of abstracts) of the seeds plus the first n SciTLDR train abstracts."""
    from bench.common import seed_abstracts
    from store.chunking import chunk_abstract

    abstracts = list(seed_abstracts())
    limit = len(abstracts) + n_scitldr
    if SCITLDR.is_file():
        with open(SCITLDR, encoding="utf-8") as fh:
            for line in fh:
                if len(abstracts) >= limit:
                    break
                row = json.loads(line)
                abstracts.append(("", " ".join(row["source"])))
    texts = [c.embed_text for title, abstract in abstracts for c in chunk_abstract(abstract, title)]
    return texts, len(abstracts)


def pre_bucket_ref() -> str:
    """The git revision just before length buckets (TOKEN_BUDGET) came to store/embeddings.py."""
    import subprocess

    from bench.common import REPO

    try:
        first = subprocess.run(["git", "log", "--format=%H", "--reverse", "-S", "TOKEN_BUDGET", "--",
                                "store/embeddings.py"], cwd=REPO, capture_output=True, text=True, check=True,
                               timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "main"
    return f"{first[0]}^" if first else "main"


def previous_embedder(ref: str | None = None) -> Any:
    """The embedder of `ref` (git; default: the one before length buckets), loaded from its source;
    None when git or the file is unavailable."""
    import importlib.util
    import subprocess
    import sys
    import tempfile

    from bench.common import REPO

    ref = ref or pre_bucket_ref()
    try:
        source = subprocess.run(["git", "show", f"{ref}:store/embeddings.py"], cwd=REPO, capture_output=True,
                                text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if "TOKEN_BUDGET" in source:   # `ref` already has this version: nothing older to compare with
        return None
    path = Path(tempfile.mkdtemp(prefix="papers-bench-")) / "previous_embeddings.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("previous_embeddings", path)
    module = importlib.util.module_from_spec(spec)   # type: ignore[arg-type]
    sys.modules["previous_embeddings"] = module
    spec.loader.exec_module(module)   # type: ignore[union-attr]
    return module.get_model()


def measure(label: str, fn, texts: list[str], n_abstracts: int, runs: int) -> list[dict[str, Any]]:
    out = []
    for run in range(runs):
        cpu0, t0 = time.process_time(), time.perf_counter()
        fn(texts)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        row = {"setting": label, "run": run + 1, "wall_s": wall, "cpu_s": cpu, "chunks_per_s": len(texts) / wall,
               "chunks_per_cpu_s": len(texts) / cpu, "abstracts_per_s": n_abstracts / wall}
        print(f"{label:<8} run {run + 1}: {len(texts)} chunks in {wall:6.1f} s wall, {cpu:6.1f} CPU-s: "
              f"{row['chunks_per_s']:6.1f} chunks/s, {row['chunks_per_cpu_s']:5.1f} chunks/CPU-s, "
              f"{row['abstracts_per_s']:5.1f} abstracts/s", flush=True)
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench embed", description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=300, help="SciTLDR train abstracts added to the seeds")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--only", default="before,float,int8")
    args = parser.parse_args(argv)
    from store.embeddings import get_model

    texts, n_abstracts = fixed_set(args.abstracts)
    print(f"fixed set: {n_abstracts} abstracts, {len(texts)} chunks ({len(texts) / n_abstracts:.2f} per abstract); "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    previous = previous_embedder() if "before" in args.only else None
    print("before = " + (f"the embedder at git {pre_bucket_ref()}" if previous is not None else
                         "this embedder with the old batching (32 rows, padded to the longest)"), flush=True)
    settings = {
        "before": (lambda t: previous.embed(t)) if previous is not None else
                  (lambda t: get_model().embed(t, batch_size=32, token_budget=10**9)),
        "float": lambda t: get_model().embed(t),
        "int8": lambda t: get_model("int8").embed(t),
    }
    rows = []
    for label in [s.strip() for s in args.only.split(",") if s.strip()]:
        settings[label](texts[:16])   # load and warm up
        rows += measure(label, settings[label], texts, n_abstracts, args.runs)
    best = {label: max(r["chunks_per_cpu_s"] for r in rows if r["setting"] == label)
            for label in {r["setting"] for r in rows}}
    if "before" in best:
        print("chunks per CPU-second vs before: " + ", ".join(
            f"{label} {best[label] / best['before']:.2f}x" for label in best if label != "before"))
    print(f"load average after {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
