"""Property test: typed mutations of every field, in every input format, never cost a good record.

Seeded and fast (no hypothesis): 8 formats x 55 files x 12 records, 5 of them mutated per file
(2,200 mutated records). Every file is parsed *and* stored; a parse must never raise, and every
record that was not mutated must come out of the store with its abstract (and title) intact.
"""

from __future__ import annotations

import random
import re

import pytest

from store.ingest import ingest_paths
from store.sources import read_source

import fuzzrecords as fz

FILES_PER_FORMAT, RECORDS_PER_FILE, MUTATED_PER_FILE = 55, 12, 5


def _write_corpus(tmp_path, fmt: str, seed: int):
    rng = random.Random(seed)
    folder = tmp_path / fmt
    folder.mkdir()
    files = []
    for i in range(FILES_PER_FORMAT):
        records = fz.make_file(rng, fmt, first_uid=10_000 * (fz.FORMATS.index(fmt) + 1) + i * RECORDS_PER_FILE,
                               n_records=RECORDS_PER_FILE, n_mutated=MUTATED_PER_FILE)
        path = folder / f"{fmt}_{i:03d}{fz.SUFFIX.get(fmt, '.txt')}"
        path.write_text(fz.RENDER[fmt](records), encoding="utf-8", errors="surrogatepass")
        files.append((path, records))
    return folder, files


@pytest.mark.parametrize("fmt", fz.FORMATS)
def test_typed_mutations_never_lose_good_records(fmt, store, tmp_path, cli):
    folder, files = _write_corpus(tmp_path, fmt, seed=1600 + fz.FORMATS.index(fmt))
    mutated = sum(len(r.mutated) > 0 for _, records in files for r in records)
    assert mutated == FILES_PER_FORMAT * MUTATED_PER_FILE
    for path, records in files:  # the parser alone: no exception escapes, good records all there
        result = read_source(path, max_bytes=50_000_000)
        parsed = {p.abstract: p for p in result.papers}
        for r in records:
            if r.mutated:
                continue
            assert r.abstract in parsed, (path.name, r.uid)
            if fmt in fz.TITLED:
                assert parsed[r.abstract].title == r.title, (path.name, r.uid)
        assert all(i.file == path.name and i.reason for i in result.issues)

    parsed = cli("parse", str(folder))  # what a user sees: one `warning: FILE:LINE: reason` per problem
    assert parsed.exit_code == 0 and "Traceback" not in parsed.output
    bad = [ln for ln in parsed.stderr.splitlines() if not re.match(rf"warning: {fmt}_\d{{3}}\.\w+:\d+: \S", ln)]
    assert not bad, bad[:5]

    report = ingest_paths(store, [folder], max_bytes=50_000_000)
    assert not report.rejected, report.rejected[:3]
    stored = {p.abstract: p for p in store.all()}
    good = [r for _, records in files for r in records if not r.mutated]
    lost = [r.uid for r in good if r.abstract not in stored]
    assert not lost, lost[:10]
    assert all(stored[r.abstract].title == r.title for r in good if fmt in fz.TITLED)


def test_the_issue_examples_are_warnings_with_file_and_line(tmp_path, cli):
    abstract = "We present a sparse attention kernel that keeps accuracy while cutting latency. " * 3
    (tmp_path / "bad.csv").write_text(
        "title,abstract,category\nGood One," + abstract + ",cs.LG\nSpaces," + abstract.replace("We", "Us")
        + ",   \nGood Two," + abstract.replace("We", "They") + ",cs.CV\n", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text(
        '{"title": "A", "abstract": "%s", "authors": ["Ann Lee", 7, {"x": 1}]}\n'
        '{"title": "B", "abstract": "%s", "authors": "Bo Chen"}\n' % (abstract, abstract.replace("We", "Our")),
        encoding="utf-8")
    result = cli("ingest", "--no-index", str(tmp_path / "bad.csv"), str(tmp_path / "bad.jsonl"))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "warning: bad.jsonl:1: authors: 2 of 3 entries are not names; field ignored" in result.stderr
    assert "(csv, 3 papers)" in result.stdout and "(jsonl, 2 papers)" in result.stdout
