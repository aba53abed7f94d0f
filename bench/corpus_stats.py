"""Corpus statistics for `ask` (IDF weights, vocabulary): one pass over every paper vs stored counts.

    .venv/bin/python -m bench.corpus_stats --n 10000          # builds a synthetic snapshot store
    .venv/bin/python -m bench.corpus_stats --home DIR         # an existing store (100k: a copy of one)

Every figure is one fresh process (wall and CPU seconds; on a shared machine CPU is the steadier one) (the first `papers ask` of a session pays it):
- before: `PaperStore.all()` + `CorpusStats.build` (what agent/qa/tools.py did on every new process
  and after every change);
- after, first call: the stored counts do not exist yet, so every paper is counted once;
- after, up to date: a new process only reads the counts;
- after, +100 papers: an ingest added papers; only they are counted;
- after, a file removed: its papers' stored terms are subtracted.
`--home` WRITES to that store (the counts, and a 100-paper file ingested then removed): use a copy.
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

from bench.common import REPO

EXTRA = 100


def child(home: str, what: str) -> dict:
    """One measurement, in this (fresh) process."""
    from agent.corpus import open_store
    from core.settings import Settings

    settings = Settings(home=Path(home), chroma_url=None)
    store = open_store(settings)
    t0, c0 = time.perf_counter(), time.process_time()
    if what == "before":
        from agent.qa.text import CorpusStats

        stats = CorpusStats.build([f"{p.title or ''} {p.abstract}" for p in store.all()])
    else:
        from agent.corpus_stats import corpus_stats

        stats = corpus_stats(store)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {"seconds": seconds, "cpu": cpu, "n_docs": stats.n_docs, "terms": len(stats.df), "vocab": len(stats.vocab)}
    if what == "check":
        from agent.qa.text import CorpusStats

        old = CorpusStats.build([f"{p.title or ''} {p.abstract}" for p in store.all()])
        out["same_as_build"] = old == stats
    return out


def run(home: Path, what: str) -> dict:
    code = f"import json, bench.corpus_stats as b; print(json.dumps(b.child({str(home)!r}, {what!r})))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERS_")}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=3600,
                          env=dict(env, PYTHONPATH=str(REPO)))
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-800:])
    return json.loads(done.stdout.splitlines()[-1])


def extra_file(folder: Path) -> Path:
    """EXTRA synthetic papers with ids no other synthetic record has."""
    from bench.snapshot_corpus import records

    path = folder / "extra.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, record in enumerate(records(EXTRA, seed=99)):
            fh.write(json.dumps(dict(record, id=f"2612.{90000 + i:05d}")) + "\n")
    return path


def ingest(home: Path, paths: list[Path]) -> None:
    from agent.corpus import ingest as run_ingest
    from core.settings import Settings

    run_ingest(paths, Settings(home=home, chroma_url=None), index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus_stats", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing store (written to: use a copy)")
    parser.add_argument("--n", type=int, default=10_000, help="synthetic snapshot records when no --home")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            from bench.snapshot_corpus import write_snapshot

            home = Path(tmp) / "home"
            ingest(home, [write_snapshot(Path(tmp) / "snap.jsonl", args.n)])
        rows = [("before: load + tokenize every paper", run(home, "before")),
                ("after: first call (counts every paper once)", run(home, "after")),
                ("after: new process, counts up to date", run(home, "after"))]
        extra = extra_file(Path(tmp))
        ingest(home, [extra])
        rows.append((f"after: +{EXTRA} papers ingested", run(home, "after")))
        from agent.corpus import open_store
        from core.settings import Settings
        from store.ingest import remove_source

        remove_source(open_store(Settings(home=home, chroma_url=None)), str(extra))   # no index sync
        rows.append(("after: their file removed (subtracted)", run(home, "after")))
        rows.append(("after, checked against CorpusStats.build", run(home, "check")))
    for name, r in rows:
        extra_note = f"  same as build: {r['same_as_build']}" if "same_as_build" in r else ""
        print(f"{name:<48} {r['seconds']:8.3f} s wall {r['cpu']:8.3f} s CPU  ({r['n_docs']} papers, {r['terms']} terms, "
              f"{r['vocab']} vocabulary words){extra_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
