"""arXiv metadata snapshot records: field mapping, all categories filterable, the v1 date."""

from __future__ import annotations

import json
import sqlite3

from store.ingest import ingest_paths
from store.papers import PaperFilter
from store.sources import read_source

MB = 20_000_000

OLD = {
    "id": "cs/0112017", "submitter": "Someone",
    "authors": "J. Smith and A. Jones",
    "title": "Parallel Sorting on Clusters:\n  A Study of Communication Costs",
    "comments": "12 pages, accepted at IPDPS 2002",
    "journal-ref": "Journal of Parallel Computing 28 (2002) 1-20",
    "doi": None, "report-no": None,
    "categories": "cs.DC cs.AR",
    "license": None,
    "abstract": "  We study parallel sorting on commodity clusters and measure\n"
                "communication costs.   Our algorithm reaches 3.1x speedup over\nthe baseline on 64 nodes.\n",
    "versions": [{"version": "v1", "created": "Wed, 12 Dec 2001 10:00:00 GMT"},
                 {"version": "v2", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
    "update_date": "2007-05-23",
    "authors_parsed": [["Smith", "John", ""], ["Jones", "Alice", "Jr"]],
}
NEW = {
    "id": "2203.01234", "authors": "Wei Zhang, Li Chen",
    "title": "Training Large Models\n  with Pipeline Parallelism",
    "comments": "Accepted to MLSys 2022", "journal-ref": None,
    "categories": "cs.LG cs.DC",
    "abstract": "We train large models with pipeline parallelism and report throughput on GPUs.",
    "versions": [{"version": "v1", "created": "Wed, 2 Mar 2022 08:00:00 GMT"}],
    "update_date": "2022-03-03", "authors_parsed": [],
}
NOT_DC = {
    "id": "2301.00001", "authors": "A B", "title": "Vision Things", "comments": None, "journal-ref": None,
    "categories": "cs.CV", "abstract": "A vision paper about detection with transformers on images.",
    "versions": [{"version": "v1", "created": "Sun, 1 Jan 2023 08:00:00 GMT"}], "update_date": "2023-01-02",
}


def write_snapshot(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_snapshot_field_mapping(tmp_path):
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    write_snapshot(path, [OLD, NEW])
    result = read_source(path, max_bytes=MB)
    old, new = result.papers
    assert old.arxiv_id == "cs/0112017"
    assert old.title == "Parallel Sorting on Clusters: A Study of Communication Costs"
    assert old.abstract.startswith("We study parallel sorting on commodity clusters and measure communication costs. ")
    assert "\n" not in old.abstract and "  " not in old.abstract
    assert old.date == "2001-12-12" and old.year == 2001  # v1, not update_date (2007)
    assert old.categories == ["cs.DC", "cs.AR"] and old.category == "DC"
    assert old.authors == ["John Smith", "Alice Jones Jr"]  # from authors_parsed
    assert old.venue == "Journal of Parallel Computing 28 (2002) 1-20"  # journal-ref before comments
    assert old.comment == "12 pages, accepted at IPDPS 2002"
    # no journal-ref: the venue comes from the comments; empty authors_parsed: the authors string
    assert new.venue == "MLSys 2022" and new.authors == ["Wei Zhang", "Li Chen"]
    assert new.title == "Training Large Models with Pipeline Parallelism" and new.date == "2022-03-02"


def test_generic_jsonl_is_not_mistaken_for_a_snapshot(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"id": "2203.01234", "title": "T", "abstract": "An abstract about GPUs.",
                                "categories": "cs.LG cs.DC", "date": "2022-03-02"}) + "\n")
    paper = read_source(path, max_bytes=MB).papers[0]
    assert paper.categories is None and paper.category == "LG"


def test_secondary_category_is_filterable(store, tmp_path, cli):
    path = tmp_path / "snap.jsonl"
    write_snapshot(path, [OLD, NEW, NOT_DC])
    ingest_paths(store, [path], max_bytes=MB)
    assert {p.arxiv_id for p in store.list(PaperFilter(category="cs.DC"))} == {"cs/0112017", "2203.01234"}
    assert {p.arxiv_id for p in store.list(PaperFilter(category="AR"))} == {"cs/0112017"}
    assert {p.arxiv_id for p in store.list(PaperFilter(category="cs.LG"))} == {"2203.01234"}
    assert store.list(PaperFilter(category="math.DC")) == []
    assert store.resolve("cs/0112017").categories == ["cs.DC", "cs.AR"]
    listed = [json.loads(line) for line in cli("list", "--category", "cs.DC", "--json").stdout.splitlines()]
    assert sorted(p["arxiv_id"] for p in listed) == ["2203.01234", "cs/0112017"]
    assert [p["year"] for p in listed if p["arxiv_id"] == "cs/0112017"] == [2001]


def test_old_store_gets_categories_on_open(settings, tmp_path):
    """A store written before `paper_categories` existed is migrated (and backfilled) when opened."""
    from agent.corpus import open_store
    from conftest import SEEDS

    store = open_store(settings)
    ingest_paths(store, [SEEDS], max_bytes=MB)
    expected = {p.id for p in store.list(PaperFilter(category="CV"))}
    store.db.close()
    conn = sqlite3.connect(settings.db_path)
    conn.execute("DROP TABLE paper_categories")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    reopened = open_store(settings)
    assert expected and {p.id for p in reopened.list(PaperFilter(category="cs.CV"))} == expected
    assert reopened.db.query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0] == "2"
