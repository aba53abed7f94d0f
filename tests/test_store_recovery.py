"""A damaged store of record: every printed hint is safe to follow, and no copy is ever deleted.

The store is built with real `papers` processes (so SQLite checkpoints and closes as in real use),
backed up, grown after the backup, then overwritten in the middle of papers.db. From there the test
does what a user would: run a command, read every `hint:` and every command `papers doctor` prints,
and run those, checking after each step that nothing that existed before was deleted.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil

from conftest import DATA, SEEDS

from test_cli_conventions import papers

COMMAND = re.compile(r"`(papers [^`]+)`")


def _digests(root) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def _commands(output: str) -> list[str]:
    found = [m.group(1) for line in output.splitlines() if line.startswith("hint:")
             for m in COMMAND.finditer(line)]
    if "run, in this order:" in output:
        block = output.split("run, in this order:", 1)[1]
        found += [ln.strip() for ln in block.splitlines() if ln.strip().startswith("papers ")]
    return found


def _corrupt_middle(path) -> None:
    data = bytearray(path.read_bytes())
    start, end = len(data) // 3, 2 * len(data) // 3
    data[start:end] = (b"\xde\xad\xbe\xef" * (end - start))[: end - start]
    path.write_bytes(bytes(data))


def _ids(home) -> set[str]:
    result = papers("list", "--json", home=home)
    assert result.returncode == 0, result.stderr
    return {json.loads(line)["id"] for line in result.stdout.splitlines()}


def test_following_every_hint_after_corruption_deletes_nothing(papers_home, tmp_path):
    home = papers_home
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DATA / "papers.jsonl", src / "papers.jsonl")
    (src / "seeds").mkdir()
    for seed in sorted(SEEDS.glob("00[02]_*.txt")):
        shutil.copy(seed, src / "seeds" / seed.name)
    assert papers("ingest", str(src / "papers.jsonl"), home=home).returncode == 0
    before_backup = _ids(home)
    assert papers("backup", home=home).returncode == 0
    # after the backup, and not embedded: only papers.db and the source files know these papers
    assert papers("ingest", "--no-index", str(src / "seeds"), home=home).returncode == 0
    all_ids = _ids(home)
    assert all_ids > before_backup

    _corrupt_middle(home / "papers.db")
    existing = _digests(home)  # everything that exists now must still exist, byte for byte, at the end
    damaged_digest = existing["papers.db"]
    chroma_files = {k for k in existing if k.startswith("chroma/")}

    outputs, ran = [], []
    first = papers("list", home=home)
    assert first.returncode != 0 and "Traceback" not in first.stderr
    todo = _commands(first.stdout + first.stderr)
    assert todo and todo[0] == "papers doctor", first.stderr
    for _ in range(8):
        if not todo:
            break
        cmd = todo.pop(0)
        ran.append(cmd)
        result = papers(*cmd.split()[1:], home=home)
        assert "Traceback" not in result.stderr, (cmd, result.stderr)
        outputs.append((cmd, result.returncode, result.stdout + result.stderr))
        todo += [c for c in _commands(result.stdout + result.stderr) if c not in todo]
        now = _digests(home)
        assert damaged_digest in now.values(), f"{cmd} deleted the damaged store"
        assert (home / "chroma" / "chroma.sqlite3").is_file(), f"{cmd} deleted the search index"
        for name, digest in existing.items():  # backups are copies of record; caches may be rebuilt
            if name.startswith("backups/"):
                assert now.get(name) == digest, f"{cmd} changed or deleted {name}"
    assert "papers restore --salvage" in ran, outputs
    assert not todo, todo
    final = papers("doctor", home=home)
    assert final.returncode == 0, final.stdout
    assert _ids(home) >= all_ids  # readable rows + the backup + the index: every paper is back
    assert chroma_files  # the index existed, and every step above kept it


def test_reindex_refuses_a_damaged_store_and_keeps_the_index(papers_home):
    home = papers_home
    assert papers("ingest", str(DATA / "papers.jsonl"), home=home).returncode == 0
    _corrupt_middle(home / "papers.db")
    index_before = _digests(home / "chroma")
    result = papers("reindex", home=home)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "hint: run `papers doctor`" in result.stderr
    assert _digests(home / "chroma") == index_before


def test_restore_keeps_the_store_it_replaces(papers_home):
    home = papers_home
    assert papers("ingest", "--no-index", str(DATA / "papers.jsonl"), home=home).returncode == 0
    made = papers("backup", "-o", str(home / "b.db"), home=home)
    assert made.returncode == 0 and "hint: `papers restore" in made.stderr
    assert papers("ingest", "--no-index", str(DATA / "papers_array.json"), home=home).returncode == 0
    current = hashlib.sha256((home / "papers.db").read_bytes()).hexdigest()
    restored = papers("restore", str(home / "b.db"), home=home)
    assert restored.returncode == 0, restored.stderr
    kept = [p for p in home.glob("papers.db.replaced-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and hashlib.sha256(kept[0].read_bytes()).hexdigest() == current
    assert papers("doctor", home=home).returncode == 0


def test_a_broken_file_header_is_salvaged_in_full(papers_home):
    home = papers_home
    assert papers("ingest", "--no-index", str(DATA / "papers.csv"), home=home).returncode == 0
    ids = _ids(home)
    with open(home / "papers.db", "r+b") as fh:
        fh.write(b"garbagegarbagegarbage")  # magic string, page size and format bytes gone
    doctor = papers("doctor", home=home)
    assert doctor.returncode == 1 and "damaged: file is not a database" in doctor.stdout
    assert "1 of 1 ingested files still on disk" in doctor.stdout
    assert papers("restore", "--salvage", home=home).returncode == 0
    assert _ids(home) == ids
    assert len(list(home.glob("papers.db.damaged-*"))) == 1


def test_reading_a_missing_database_is_an_error_and_creates_nothing(tmp_path):
    import sqlite3

    import pytest

    from store import doctor
    from store.health import check_database, connect

    missing = tmp_path / "nowhere" / "papers.db"
    with pytest.raises(sqlite3.DatabaseError):
        connect(missing)
    # the doctor's read-only probes say "nothing" for a missing file instead of creating it
    assert doctor._index_meta(missing) == (False, None, None)
    assert doctor._unindexed_papers(missing) == 0 and doctor._index_rows(missing) == 0
    assert check_database(missing).exists is False
    assert not missing.exists() and not missing.parent.exists()
    created = connect(tmp_path / "new.db", create=True)   # a copy's target may be new
    created.close()
    assert (tmp_path / "new.db").exists()


def test_a_database_path_with_uri_characters_opens_as_a_file(tmp_path):
    from store.health import connect

    odd = tmp_path / "a dir?x=1#frag" / "papers.db"
    odd.parent.mkdir()
    conn = connect(odd, create=True)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    again = connect(odd)
    assert [r[0] for r in again.execute("SELECT name FROM sqlite_master")] == ["t"]
    again.close()
