"""Search never embeds silently: BM25 answers at once and says the dense index is stale; hybrid
says how many papers it embeds first."""

from __future__ import annotations

import json

from conftest import DATA


def _indexed(store) -> int:
    return store.db.query("SELECT count(*) FROM index_papers")[0][0]


def test_bm25_after_no_index_answers_without_embedding(cli, store):
    assert cli("ingest", "--no-index", str(DATA / "papers.jsonl")).exit_code == 0
    n = store.count()
    result = cli("search", "key-value cache", "--mode", "bm25", "--json")
    assert result.exit_code == 0, result.output
    assert f"note: the dense index is stale ({n} papers not embedded yet); answered from BM25 alone" in result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and "PagedKV" in hits[0]["title"]
    assert _indexed(store) == 0  # nothing was embedded behind the user's back


def test_hybrid_after_no_index_says_it_embeds_first(cli, store):
    assert cli("ingest", "--no-index", str(DATA / "papers.jsonl")).exit_code == 0
    n = store.count()
    result = cli("search", "key-value cache")
    assert result.exit_code == 0, result.output
    assert f"note: embedding {n} papers not yet in the search index before searching" in result.stderr
    assert _indexed(store) == n
    again = cli("search", "key-value cache", "--mode", "bm25")
    assert again.exit_code == 0 and "note:" not in again.stderr


def test_ask_after_no_index_says_it_embeds_first(cli, store):
    assert cli("ingest", "--no-index", str(DATA / "papers.jsonl")).exit_code == 0
    n = store.count()
    result = cli("ask", "Which paper compresses the key-value cache?", "--json")
    assert result.exit_code == 0, result.output
    assert f"note: embedding {n} papers not yet in the search index before searching" in result.stderr
    assert _indexed(store) == n
    json.loads(result.stdout)   # stdout stays one JSON document
    again = cli("ask", "Which paper compresses the key-value cache?", "--json")
    assert again.exit_code == 0 and "note:" not in again.stderr
