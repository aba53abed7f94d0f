"""One local-extraction measurement in a fresh process, so its peak memory is its own.

    python -m bench.extract_child (--input FILE.jsonl | --seeds) [--limit N] [--embeddings [--stored]]

Prints one JSON object: abstracts, seconds (batch only), rate, first_call_s (warm-up: gazetteers,
taxonomy, and with --embeddings the model and the tag prototypes), rss_mb before the batch and
rss_peak_mb after it (ru_maxrss: the whole process, interpreter and libraries included). Results
are consumed one by one and dropped, as `papers extract -o out.jsonl` streams them to a file.
--stored: the topic vectors live in a scratch store (store/text_vectors.py), filled by an untimed
first pass, so the timed batch is a repeated `papers extract --all` that re-embeds nothing.
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
    parser.add_argument("--stored", action="store_true", help="topic vectors read from a store filled beforehand")
    args = parser.parse_args(argv)

    from agent.engines.base import ExtractionFailure, extract_many
    from agent.engines.local.engine import LocalEngine
    from bench.common import rss_mb

    papers = load(args)
    engine = LocalEngine(use_embeddings=args.embeddings)
    if args.stored:
        engine = stored_engine(engine, papers)
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


def stored_engine(engine, papers: list):
    """The engine with its vectors in a scratch store that already holds every paper's vector."""
    import os
    import tempfile

    os.environ["PAPERS_HOME"] = tempfile.mkdtemp(prefix="papers-bench-vectors-")
    from agent.corpus import open_store
    from core.settings import reset_settings_cache

    reset_settings_cache()
    engine = engine.using_store(open_store())
    for _ in engine.extract_many(papers):   # the first run: embeds and stores
        pass
    return engine


if __name__ == "__main__":
    main()
