"""Streaming ingest of large JSON Lines: over the page-format limit, filters, resume after a crash."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from core.errors import UsageError
from store.ingest import ingest_paths
from store.papers import PaperFilter
from store.stream_ingest import RecordFilter, _BatchWriter, ingest_all

from conftest import DATA, REPO

TINY = 2_000  # bytes: the page-format limit in these tests, so a few records are already "large"


def snapshot_line(i: int) -> str:
    year = 2019 + i % 5
    return json.dumps({
        "id": f"{year % 100:02d}{1 + i % 12:02d}.{i:05d}", "title": f"Streaming record {i}\n  on systems",
        "authors": "A. Author", "authors_parsed": [["Author", "A.", ""]],
        "categories": ["cs.LG cs.DC", "cs.AR", "cs.CV"][i % 3], "comments": None, "journal-ref": None,
        "abstract": f"  Record {i} measures a kernel {i} times\n on a GPU cluster with {i % 7} nodes.\n",
        "versions": [{"version": "v1", "created": f"Mon, {1 + i % 28} Jan {year} 10:00:00 GMT"}],
        "update_date": "2024-01-01"})


def write_lines(path, n: int, start: int = 0) -> None:
    path.write_text("".join(snapshot_line(i) + "\n" for i in range(start, start + n)), encoding="utf-8")


def occurrence_lines(store, path) -> list[int]:
    rows = store.db.query("SELECT position FROM occurrences WHERE path = ? ORDER BY position", (str(path.resolve()),))
    return [r[0] for r in rows]


def test_jsonl_over_the_limit_is_streamed_and_page_formats_are_still_refused(store, tmp_path):
    big = tmp_path / "snapshot.jsonl"
    write_lines(big, 300)
    page = tmp_path / "page.txt"
    page.write_text(sorted((REPO / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert big.stat().st_size > TINY and page.stat().st_size > TINY
    report = ingest_all(store, [big, page], max_bytes=TINY, batch_size=64)
    assert [f.status for f in report.files] == ["new"] and report.papers_after == 300
    assert [r[0] for r in report.rejected] == [str(page)] and "too large" in report.rejected[0][1]
    assert occurrence_lines(store, big) == list(range(300))  # position = 0-based line, each once
    again = ingest_all(store, [big], max_bytes=TINY)
    assert [f.status for f in again.files] == ["unchanged"] and again.papers_after == 300
    assert store.resolve("2002.00001").title == "Streaming record 1 on systems"


def test_changed_stream_file_starts_over(store, tmp_path):
    big = tmp_path / "snapshot.jsonl"
    write_lines(big, 200)
    ingest_all(store, [big], max_bytes=TINY, batch_size=50)
    write_lines(big, 120, start=1000)  # a different file under the same name
    report = ingest_all(store, [big], max_bytes=TINY, batch_size=50)
    assert report.files[0].status == "updated" and store.count() == 120
    assert occurrence_lines(store, big) == list(range(120))


def test_category_and_since_filters_while_streaming(store, tmp_path):
    big = tmp_path / "snapshot.jsonl"
    write_lines(big, 300)
    flt = RecordFilter.parse("cs.DC,cs.AR", "2022-01-01")
    ingest_all(store, [big], max_bytes=TINY, flt=flt, batch_size=40)
    papers = store.all()
    expected = [i for i in range(300) if i % 3 in (0, 1) and 2019 + i % 5 >= 2022]
    assert sorted(int(p.arxiv_id.split(".")[1]) for p in papers) == expected
    assert all(p.date >= "2022-01-01" and {"cs.DC", "cs.AR"} & set(p.categories) for p in papers)
    # other filters on the same file: it starts over rather than mixing the two selections
    report = ingest_all(store, [big], max_bytes=TINY, flt=RecordFilter.parse("cs.CV"), batch_size=40)
    assert report.files[0].status == "updated"
    assert {p.categories[0] for p in store.all()} == {"cs.CV"} and store.count() == 100


def test_filters_on_a_fresh_whole_file(store, tmp_path):
    small = tmp_path / "small.jsonl"
    write_lines(small, 30)
    ingest_all(store, [small], max_bytes=20_000_000, flt=RecordFilter.parse("AR"))
    assert store.count() == 10 and {p.category for p in store.all()} == {"AR"}
    assert {p.arxiv_id for p in store.list(PaperFilter(category="cs.AR"))} == {p.arxiv_id for p in store.all()}


def test_bad_since_is_a_usage_error():
    with pytest.raises(UsageError):
        RecordFilter.parse(since="last year")


def test_bad_lines_are_reported_and_skipped(store, tmp_path):
    big = tmp_path / "snapshot.jsonl"
    lines = [snapshot_line(i) for i in range(50)]
    lines[10], lines[20] = "{not json", json.dumps({"id": "x", "abstract": "", "versions": [], "update_date": "2020"})
    big.write_text("\n".join(lines) + "\n")
    report = ingest_all(store, [big], max_bytes=TINY, batch_size=16)
    assert store.count() == 48 and sorted(i.line for i in report.issues) == [11, 21]
    assert len(store.stats().issues) == 2


def test_crash_mid_file_then_rerun_keeps_every_record_once(store, tmp_path, monkeypatch):
    big = tmp_path / "snapshot.jsonl"
    write_lines(big, 400)
    real_commit, commits = _BatchWriter.commit, []

    def crashing_commit(self):
        if len(commits) == 3:
            raise KeyboardInterrupt  # the process dies between two batches
        real_commit(self)
        commits.append(self.offset)

    monkeypatch.setattr(_BatchWriter, "commit", crashing_commit)
    with pytest.raises(KeyboardInterrupt):
        ingest_all(store, [big], max_bytes=TINY, batch_size=50)
    assert store.count() == 150
    monkeypatch.setattr(_BatchWriter, "commit", real_commit)
    report = ingest_all(store, [big], max_bytes=TINY, batch_size=50)
    assert report.files[0].status == "resumed" and store.count() == 400
    assert occurrence_lines(store, big) == list(range(400))


def test_kill_9_at_half_then_rerun_ends_with_every_record_once(tmp_path):
    """A real SIGKILL of `papers ingest` once its progress passes 50%, then the same command again."""
    big = tmp_path / "snapshot.jsonl"
    n = 6000
    write_lines(big, n)
    env = dict(os.environ, PAPERS_HOME=str(tmp_path / "home"), PAPERS_MAX_FILE_MB="0.01", PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "agent.cli", "ingest", "--no-index", "--batch-size", "100", str(big)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:  # non-terminal stderr: one progress line per 10%, after a commit
            pct = re.search(r"\s(\d+)% ", line)
            if pct and 50 <= int(pct.group(1)) < 90:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "resumed" in done.stdout
    from store.papers import PaperStore

    store = PaperStore.open(tmp_path / "home" / "papers.db")
    assert store.count() == n and occurrence_lines(store, big) == list(range(n))


def test_ingest_cli_filters_and_remove_then_reingest(tmp_path, cli, monkeypatch):
    big = tmp_path / "snapshot.jsonl"
    write_lines(big, 90)
    monkeypatch.setenv("PAPERS_MAX_FILE_MB", "0.001")
    from core.settings import reset_settings_cache

    reset_settings_cache()
    out = cli("ingest", "--no-index", "--json", "--category", "cs.AR", "--since", "2021-01-01", str(big))
    report = json.loads(out.stdout)
    expected = [i for i in range(90) if i % 3 == 1 and 2019 + i % 5 >= 2021]
    assert report["files"][0]["status"] == "new" and report["papers_after"] == len(expected)
    listed = [json.loads(line) for line in cli("list", "--category", "cs.AR", "--json").stdout.splitlines()]
    assert len(listed) == len(expected) and all(p["year"] >= 2021 for p in listed)
    cli("remove", "snapshot.jsonl")
    again = json.loads(cli("ingest", "--no-index", "--json", "--category", "cs.AR", "--since", "2021",
                           str(big)).stdout)
    assert again["files"][0]["status"] == "new" and again["papers_after"] == len(expected)


def test_parse_streams_jsonl_over_the_limit_with_bad_lines_reported(tmp_path, cli, monkeypatch):
    """`papers parse` on a snapshot file over the page-format limit: read line by line (not refused),
    every good record printed with the position a streamed ingest stores, bad lines reported."""
    from store.stream_ingest import iter_jsonl_file

    big = tmp_path / "snapshot.jsonl"
    lines = [snapshot_line(i) for i in range(40)]
    lines[7] = "{not json"
    big.write_text("\n".join(lines) + "\n")
    read = list(iter_jsonl_file(big))
    assert [p.position for p, _ in read if p] == [i for i in range(40) if i != 7]
    assert [(i.line, "malformed JSON" in i.reason) for _, i in read if i] == [(8, True)]
    monkeypatch.setenv("PAPERS_MAX_FILE_MB", "0.001")
    from core.settings import reset_settings_cache

    reset_settings_cache()
    out = cli("parse", "--json", str(big))
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 39 and records[0]["title"] == "Streaming record 0 on systems"
    assert {r["source"] for r in records} == {"snapshot.jsonl"} and "snapshot.jsonl:8" in out.stderr
