"""Reliability of ingestion: concurrent writers and a fuzz pass over the parsers."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys

from core.errors import InputFileError
from store.sources import read_source

from conftest import DATA, REPO, SEEDS


def _papers_cmd(home, *args):
    env = dict(os.environ, PAPERS_HOME=str(home))
    return subprocess.Popen([sys.executable, "-m", "agent.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_ingest_processes_on_one_home(tmp_path):
    home = tmp_path / "home"
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    for name in ("000_8528321f52109f11.txt", "001_4ede9d5f6e220ed7.txt"):
        shutil.copy(SEEDS / name, first / name)
    for name in ("002_7d32a3e5c875130f.txt", "003_a2f809acec3995b1.txt", "004_74f5bfe55f112bb8.txt"):
        shutil.copy(SEEDS / name, second / name)
    procs = [_papers_cmd(home, "ingest", str(d), "--no-index", "--json") for d in (first, second)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    conn = sqlite3.connect(home / "papers.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 173
    assert conn.execute("SELECT count(*) FROM occurrences").fetchone()[0] == 179
    orphans = conn.execute("SELECT count(*) FROM occurrences o LEFT JOIN papers p ON p.id = o.paper_id "
                           "WHERE p.id IS NULL").fetchone()[0]
    assert orphans == 0


def _mutations(rng: random.Random, text: str):
    lines = text.splitlines()
    yield "truncate", text[: rng.randrange(len(text))]
    shuffled = lines[:]
    rng.shuffle(shuffled)
    yield "shuffle", "\n".join(shuffled)
    chars = list(text)
    for _ in range(50):
        chars[rng.randrange(len(chars))] = chr(rng.choice([0x00, 0x0B, 0x2028, 0xFFFD, rng.randrange(32, 0x3000)]))
    yield "random chars", "".join(chars)
    yield "huge line", text + "\n" + "x" * 2_000_000
    dropped = [ln for ln in lines if rng.random() > 0.3]
    yield "dropped lines", "\n".join(dropped)
    yield "glued", "".join(lines)


def test_parser_fuzz_never_crashes(tmp_path):
    rng = random.Random(20261121)
    sources = sorted(SEEDS.glob("*.txt")) + sorted(DATA.iterdir())
    tried = rejected = parsed = 0
    for source in sources * 3:
        text = source.read_text(encoding="utf-8")
        for kind, mutated in _mutations(rng, text):
            path = tmp_path / f"{source.stem}-{tried}{source.suffix}"
            data = mutated.encode("utf-8", "surrogatepass")
            if rng.random() < 0.2:
                data = data[: rng.randrange(1, len(data) + 1)] + bytes(rng.randrange(256) for _ in range(16))
            path.write_bytes(data)
            tried += 1
            try:
                result = read_source(path, max_bytes=20_000_000)
            except InputFileError as exc:
                rejected += 1
                assert path.name in exc.message  # every rejection names the file and says why
                continue
            parsed += 1
            for paper in result.papers:
                assert paper.abstract.strip()
    print(f"\nparser fuzz: {tried} cases, {parsed} parsed, {rejected} rejected with a reason, 0 crashes")
    assert tried == parsed + rejected and tried >= 150
