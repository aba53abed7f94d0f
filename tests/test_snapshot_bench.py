"""The bench's synthetic snapshot corpus: deterministic, snapshot-shaped, mapped like the real thing."""

from __future__ import annotations

from bench.snapshot_corpus import write_snapshot
from store.sources import read_source


def test_synthetic_snapshot_is_deterministic_and_parses_as_snapshot(tmp_path):
    a, b = write_snapshot(tmp_path / "a.jsonl", 80), write_snapshot(tmp_path / "b.jsonl", 80)
    assert a.read_bytes() == b.read_bytes()
    papers = read_source(a, max_bytes=20_000_000).papers
    assert len(papers) == 80 and len({p.arxiv_id for p in papers}) == 80
    assert any(p.arxiv_id.startswith("cs/0") for p in papers)
    assert all(p.categories and p.date and "\n" not in p.title and "\n" not in p.abstract for p in papers)
    assert all(p.authors and p.year == int(p.date[:4]) for p in papers)
