"""Reliability of the batch extractor (local engine): SIGKILL mid-run, then `--resume`.

A real `python -m agent.cli extract --input X.jsonl -o out.{jsonl,csv} --no-embeddings` process works
through a few hundred synthetic abstracts (seed sentences recombined, with arXiv-style ids so that the store's
paper ids are the input ids) that were ingested into the home first. It is killed at a point drawn
from a seeded RNG, a torn half row is appended (what a kill in the middle of a write leaves), and the
batch is resumed. Afterwards: every abstract is in the output exactly once, no line is corrupt, and
the store holds exactly one extraction per abstract, equal to its output row, with claim tables that
match. Two more tests kill a batch deterministically inside the window between a row's store commit
and its fsync'd output line (before and after the commit).

(The openai engine's kill/resume test lives in tests/test_llm_cli.py.)
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SEEDS

N_ABSTRACTS = 400
SEED = 20260214
# Keyword-only topic tags: durability does not depend on the tagger, and without the embedding
# model a process starts in about a second instead of ten or more (CI time).
EXTRACT_FLAGS = ("--no-embeddings",)


def synthetic_abstracts(n: int, seed: int) -> list[dict]:
    from agent.corpus import parse
    from store.chunking import chunk_sentences

    rng = random.Random(seed)
    records, _, _ = parse([SEEDS])
    pool = [s for r in records for s in chunk_sentences(r["abstract"])]
    return [{"id": f"2601.{i:05d}", "title": f"Synthetic paper {i}",
             "abstract": " ".join(rng.sample(pool, rng.randint(4, 9)))} for i in range(n)]


def prepare(home: Path, tmp: Path, n: int = N_ABSTRACTS) -> tuple[Path, list[str]]:
    from agent.corpus import ingest
    from core.settings import Settings

    rows = synthetic_abstracts(n, SEED)
    inp = tmp / "abstracts.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = ingest([inp], Settings(home=home), index=False)
    assert report.papers_after == n
    return inp, [r["id"] for r in rows]


def extract_cmd(inp: Path, out: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "agent.cli", "extract", "--input", str(inp), "-o", str(out), *EXTRACT_FLAGS, *more]


def child_env(home: Path) -> dict[str, str]:
    return {**os.environ, "PAPERS_HOME": str(home)}


def data_rows(path: Path) -> int:
    if not path.exists():
        return 0
    lines = path.read_bytes().count(b"\n")
    return lines - 1 if path.suffix == ".csv" and lines else lines


def wait_for_rows(path: Path, n: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if data_rows(path) >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"extract exited early ({proc.returncode}): {proc.stderr.read()[-2000:]!r}")
        time.sleep(0.005)
    raise AssertionError(f"fewer than {n} rows in {path} after {timeout}s")


def tear_last_row(path: Path) -> None:
    """Append half of the last row without its newline: a kill in the middle of a write."""
    data = path.read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    with path.open("ab") as fh:
        fh.write(last[: max(1, len(last) // 2)])


def read_output(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n"), "the output ends in a partial row"
    if path.suffix == ".csv":
        from agent.batch import CSV_FIELDS

        assert text.count("id,title,tldr,") == 1, "the CSV header is repeated"
        rows = list(csv.DictReader(text.splitlines(keepends=True)))
        for row in rows:   # a torn row would have missing (None) or surplus (key None) fields
            assert None not in row and all(row[k] is not None for k in CSV_FIELDS), row
        return rows
    return [json.loads(line) for line in text.splitlines()]   # raises on a corrupt line


def check_store(home: Path, out_rows: list[dict], ids: list[str], csv_output: bool) -> None:
    from agent.batch import to_csv_row
    from core.models import Extraction

    conn = sqlite3.connect(home / "papers.db")
    conn.row_factory = sqlite3.Row
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == len(ids)
    stored = {r["paper_id"]: json.loads(r["data"]) for r in conn.execute(
        "SELECT paper_id, data FROM extractions WHERE engine = 'local'")}
    assert conn.execute("SELECT count(*) FROM extractions").fetchone()[0] == len(stored)
    assert sorted(stored) == sorted(ids), (
        f"store has {len(stored)} extractions for {len(ids)} abstracts; "
        f"missing {sorted(set(ids) - set(stored))[:5]}")
    by_id = {r["id"]: r for r in out_rows}
    for pid, record in stored.items():
        expected = {k: "" if v is None else str(v) for k, v in to_csv_row(Extraction.from_json(record)).items()} \
            if csv_output else record
        got = {k: (v or "") for k, v in by_id[pid].items()} if csv_output else by_id[pid]
        assert got == expected, f"{pid}: output row and stored extraction differ"
    for table, key, n_of in (("claim_speedups", "speedups", len), ("claim_datasets", "datasets", len),
                             ("claim_hardware", "hardware", len), ("claim_topics", "topics", len)):
        counts = dict(conn.execute(f"SELECT paper_id, count(*) FROM {table} GROUP BY paper_id").fetchall())
        assert set(counts) <= set(stored), f"{table} has rows for papers without an extraction"
        for pid, record in stored.items():
            assert counts.get(pid, 0) == n_of(record.get(key, [])), f"{table} of {pid} disagrees with its extraction"
    conn.close()


def check_all(home: Path, out: Path, ids: list[str]) -> list[dict]:
    rows = read_output(out)
    got = [r["id"] for r in rows]
    assert len(got) == len(set(got)), f"{len(got) - len(set(got))} abstracts extracted twice"
    assert sorted(got) == sorted(ids), f"{len(set(ids) - set(got))} abstracts missing"
    check_store(home, rows, ids, out.suffix == ".csv")
    return rows



class Run:
    """One `papers extract` batch in its own home, killed at a seeded random point and resumed."""

    def __init__(self, root: Path, suffix: str):
        self.suffix = suffix
        self.rng = random.Random(f"{SEED}{suffix}")
        self.home, tmp = root / f"home{suffix}", root / f"work{suffix}"
        tmp.mkdir(parents=True)
        self.inp, self.ids = prepare(self.home, tmp)
        self.out = tmp / f"out{suffix}"
        self.kill_at = self.rng.randrange(5, N_ABSTRACTS // 2)
        self.proc: subprocess.Popen | None = None
        self.killed_after = 0

    def start(self, *more: str) -> None:
        self.proc = subprocess.Popen(extract_cmd(self.inp, self.out, *more), cwd=REPO, env=child_env(self.home),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def kill_when_due(self) -> bool:
        """SIGKILL once `kill_at` rows are out (plus a random delay: anywhere in the next abstract)."""
        assert self.proc is not None
        if self.proc.poll() is not None and not self.killed_after:
            raise AssertionError(f"{self.suffix}: extract exited early: {self.proc.stderr.read()[-2000:]!r}")
        if data_rows(self.out) < self.kill_at:
            return False
        time.sleep(self.rng.uniform(0, 0.01))
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.killed_after = data_rows(self.out)
        assert self.killed_after < N_ABSTRACTS, "the batch finished before the kill; nothing was tested"
        tear_last_row(self.out)
        return True

    def finish(self) -> list[dict]:
        assert self.proc is not None
        _, err = self.proc.communicate(timeout=180)
        assert self.proc.returncode == 0, err[-2000:]
        assert f"skipped {self.killed_after} already done" in err
        return check_all(self.home, self.out, self.ids)


def test_sigkill_at_a_random_point_then_resume_jsonl_and_csv(tmp_path):
    """Both output formats at once (two homes, two processes), to keep the test short."""
    runs = [Run(tmp_path, ".jsonl"), Run(tmp_path, ".csv")]
    try:
        for run in runs:
            run.start()
        pending, deadline = list(runs), time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            pending = [run for run in pending if not run.kill_when_due()]
            time.sleep(0.005)
        assert not pending, "no kill point reached before the timeout"
        for run in runs:
            run.start("--resume")
        for run in runs:
            rows = run.finish()
            print(f"\nkill/resume ({run.suffix}): {N_ABSTRACTS} abstracts, killed after {run.killed_after} rows "
                  f"(seeded target {run.kill_at}), 1 torn row injected, {len(rows) - run.killed_after} done on "
                  f"resume; duplicates 0, lost 0, corrupt lines 0, store consistent")
    finally:
        for run in runs:
            if run.proc is not None and run.proc.poll() is None:
                run.proc.kill()


# -- the window between the output row and the store commit, hit deterministically -------------------
def _blocked_batch(home: str, inp: str, out: str, block_at: int, after_commit: bool, ready) -> None:
    """Child: a local batch whose `block_at`-th store write hangs (before or after its commit)."""
    import store.extractions as extractions
    from agent.engines.local.engine import LocalEngine
    from agent.extract import extract_batch
    from core.settings import Settings

    real, calls = extractions.save_extraction, [0]

    def save(store, record, abstract=None):
        calls[0] += 1
        if calls[0] == block_at and not after_commit:
            ready.set()
            time.sleep(600)                   # killed here: the row's store write never happens
        done = real(store, record, abstract)
        if calls[0] == block_at:
            ready.set()
            time.sleep(600)                   # killed here: stored, but the row may not be out yet
        return done

    extractions.save_extraction = save
    extract_batch(LocalEngine(use_embeddings=False), input_path=Path(inp), use_all=False, output=Path(out),
                  settings=Settings(home=Path(home)))


@pytest.mark.parametrize("after_commit", [False, True], ids=["before-store-commit", "after-store-commit"])
def test_kill_between_output_row_and_store_commit(after_commit, papers_home, tmp_path):
    import multiprocessing

    from agent.engines.local.engine import LocalEngine
    from agent.extract import extract_batch
    from core.settings import Settings

    n, block_at = 30, 7
    inp, ids = prepare(papers_home, tmp_path, n)
    out = tmp_path / "out.jsonl"
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_blocked_batch, args=(str(papers_home), str(inp), str(out), block_at,
                                                      after_commit, ready))
    child.start()
    try:
        assert ready.wait(60), "the batch never reached the blocked store write"
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
    finally:
        if child.is_alive():
            child.kill()
    rows_at_kill = data_rows(out)
    report = extract_batch(LocalEngine(use_embeddings=False), input_path=inp, use_all=False, output=out,
                           resume=True, settings=Settings(home=papers_home))
    assert not report.failures and report.skipped == rows_at_kill
    check_all(papers_home, out, ids)
    print(f"\nkill {'after' if after_commit else 'before'} the store commit of row {block_at}: "
          f"{rows_at_kill} rows out at the kill, {report.done} redone; lost 0, store consistent")
