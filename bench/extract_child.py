"""One local-extraction measurement in a fresh process, so its peak memory is its own.

    python -m bench.extract_child (--input FILE.jsonl | --seeds) [--limit N] [--embeddings]

Prints one JSON object: abstracts, seconds (batch only), rate, first_call_s (warm-up: gazetteers,
taxonomy, and with --embeddings the model and the tag prototypes), rss_mb before the batch and
rss_peak_mb after it (ru_maxrss: the whole process, interpreter and libraries included). Results
are consumed one by one and dropped, as `papers extract -o out.jsonl` streams them to a file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def load(args) -> list:
    from core.models import PaperText

    if args.seeds:
        from bench.common import seed_abstracts

        papers = [PaperText(id=f"seed-{i}", title=t, abstract=a) for i, (t, a) in enumerate(seed_abstracts())]
    else:
        from agent.batch import read_input_jsonl

        papers, _ = read_input_jsonl(Path(args.input))
    return papers[: args.limit] if args.limit else papers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input")
    parser.add_argument("--seeds", action="store_true")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--embeddings", action="store_true", help="LocalEngine(use_embeddings=True)")
    args = parser.parse_args(argv)

    from agent.engines.base import ExtractionFailure, extract_many
    from agent.engines.local.engine import LocalEngine
    from bench.common import rss_mb

    papers = load(args)
    engine = LocalEngine(use_embeddings=args.embeddings)
    t0 = time.perf_counter()
    engine.extract(papers[0])          # warm-up, timed apart: lazy data and (maybe) the model
    first = time.perf_counter() - t0
    rss_before = rss_mb()
    done = failed = speedups = 0
    t0 = time.perf_counter()
    for result in extract_many(engine, papers):
        if isinstance(result, ExtractionFailure):
            failed += 1
        else:
            done += 1
            speedups += len(result.speedups)
    seconds = time.perf_counter() - t0
    print(json.dumps({"abstracts": len(papers), "done": done, "failed": failed, "speedups": speedups,
                      "seconds": seconds, "rate": len(papers) / seconds, "first_call_s": first,
                      "rss_mb": rss_before, "rss_peak_mb": rss_mb(), "embeddings": args.embeddings}))


if __name__ == "__main__":
    main()
