"""Several `papers` processes on one home at once.

1. Two `papers ingest` processes with the search index enabled. tests/test_reliability_ingest.py
   covers concurrent writers of the store (`--no-index`); here both processes also embed and write
   the Chroma index (OpenAI-compatible embeddings from the fake server: no model load keeps the test
   short, and the locking under test does not depend on the embedder). The two files share a few
   papers, which must end as one paper each. Afterwards the store is intact, every paper is indexed
   exactly once (index tables, Chroma and store agree), and a search in a new process finds the
   papers of both files.
2. The first open of a brand-new home by several processes at once (switching a new file to WAL
   used to fail at once with "database is locked"; store/db.py now retries the switch).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys

from conftest import REPO

N_EACH, SHARED = 30, 5
EMBEDDING = "openai:text-embedding-3-small"


def word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))


def write_files(tmp_path) -> tuple[list, list]:
    rng = random.Random(4242)
    shared = [{"title": f"Shared {word(rng)} paper", "abstract": f"A shared study of {word(rng)} scheduling on GPUs. "
               f"It reports a {i + 2}.5x speedup over the {word(rng)} baseline."} for i in range(SHARED)]
    files = []
    for name in ("alpha", "bravo"):
        rows = [{"title": f"{name.title()} {word(rng)} systems", "abstract": f"We study {word(rng)} caching for "
                 f"{word(rng)} inference. It is {i % 9 + 1}.2x faster than {word(rng)} on A100 GPUs."}
                for i in range(N_EACH - SHARED)] + shared
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        files.append((path, rows))
    return files, shared


def test_two_ingest_processes_with_the_index_enabled(fake_openai, tmp_path):
    from agent.corpus import open_store
    from core.settings import Settings

    home = tmp_path / "home"          # brand-new: both processes also race to create the store
    files, shared = write_files(tmp_path)
    env = {**os.environ, "PAPERS_HOME": str(home), "PAPERS_EMBEDDING": EMBEDDING}
    procs = [subprocess.Popen([sys.executable, "-m", "agent.cli", "ingest", str(path), "--json"], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path, _ in files]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    reports = [json.loads(out) for out, _ in outs]
    assert sum(r["index"]["added"] for r in reports) == 2 * N_EACH - SHARED   # nobody embedded twice

    expected = 2 * N_EACH - SHARED
    conn = sqlite3.connect(home / "papers.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == expected
    stale = conn.execute("SELECT count(*) FROM papers p LEFT JOIN index_papers i ON i.paper_id = p.id "
                         "WHERE i.paper_id IS NULL OR i.content_hash != p.content_hash").fetchone()[0]
    assert stale == 0, f"{stale} papers are not (or wrongly) indexed"
    n_chunks = conn.execute("SELECT count(*) FROM index_chunks").fetchone()[0]
    conn.close()

    from store.index import close_all
    from store.vectors import VectorStore

    settings = Settings(home=home, embedding=EMBEDDING)
    vectors = VectorStore.open(settings, create=False)
    try:
        assert vectors.count() == n_chunks, "Chroma and the index tables disagree"
    finally:
        vectors.close()
    assert open_store(settings).count() == expected
    close_all()

    search = subprocess.run([sys.executable, "-m", "agent.cli", "search", "GPU inference speedup", "-k", "1000",
                             "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert search.returncode == 0, search.stderr
    titles = {json.loads(line)["title"] for line in search.stdout.splitlines() if line.strip()}
    for _, rows in files:
        assert {r["title"] for r in rows} <= titles, "papers of one ingest are missing from search"
    assert len(titles) == expected
    print(f"\nconcurrent ingest with index: 2 processes, {2 * N_EACH} records ({SHARED} in both files), "
          f"{expected} papers, {n_chunks} chunks; store, index tables and Chroma agree; all found by search")


FIRST_OPEN = """
import sys, time
from store.db import Database
start = float(sys.argv[2])
while time.time() < start:
    pass
try:
    Database(sys.argv[1])
except Exception as exc:
    print(exc)
    sys.exit(1)
"""


def test_first_open_of_a_fresh_home_by_several_processes(tmp_path):
    """Three processes open the same brand-new store at the same instant, in a few rounds."""
    import time

    failures = []
    for round_ in range(4):
        db = tmp_path / f"home{round_}" / "papers.db"
        start = time.time() + 1.0
        procs = [subprocess.Popen([sys.executable, "-c", FIRST_OPEN, str(db), str(start)], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        failures += [out.strip() for p in procs for out, _ in [p.communicate(timeout=60)] if p.returncode]
    print(f"\nfirst open of a fresh home: 4 rounds x 3 processes, {len(failures)} failed to open")
    assert not failures, failures[:2]
