"""An input record's own `id` survives every path that reads JSONL/JSON/CSV: `extract --input` writes it
as the output's `id`, `parse` shows it, and an ingested paper keeps it as a record id `show` resolves
(store ids themselves are unchanged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.batch import read_input
from core.errors import UsageError

KV = ("We present FastKV, a key-value cache for LLM serving that reduces latency by 2.3x over vLLM "
      "on A100 GPUs using the ShareGPT dataset. Paging and quantization fit more requests per GPU.")
SPARSE = ("We propose SparseTrain, a sparse training system that achieves 1.8x speedup over dense "
          "PyTorch training on ImageNet with V100 GPUs while matching accuracy within 0.1 percent.")
PIPE = ("We describe PipeFlow, a pipeline-parallel scheduler that improves training throughput by "
        "1.4x over GPipe on 32 GPUs for GPT-style models with no change to model accuracy at all.")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_read_input_keeps_the_records_own_id_in_every_structured_format(tmp_path):
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(f'id,title,abstract\nrow-1,One,"{KV}"\nrow-2,Two,"{SPARSE}"\n', encoding="utf-8")
    json_file = tmp_path / "a.json"
    json_file.write_text(json.dumps([{"ID": "j1", "abstract": KV}, {"paper_id": "j2", "abstract": SPARSE}]))
    jsonl = write_jsonl(tmp_path / "a.jsonl", [
        {"id": 7.0, "abstract": KV},                  # pandas writes an int column with gaps as floats
        {"paperId": "s2-abc", "abstract": SPARSE},    # Semantic Scholar exports
        {"id": "2301.00001v2", "abstract": PIPE, "versions": [], "update_date": "2023-01-05"}])  # snapshot shape
    assert [p.id for p in read_input(csv_file)[0]] == ["row-1", "row-2"]
    assert [p.id for p in read_input(json_file)[0]] == ["j1", "j2"]
    assert [p.id for p in read_input(jsonl)[0]] == ["7", "s2-abc", "2301.00001v2"]


def test_a_record_without_an_id_still_gets_the_store_id(tmp_path):
    jsonl = write_jsonl(tmp_path / "b.jsonl", [{"abstract": KV, "arxiv_id": "2301.00002"}, {"abstract": SPARSE}])
    ids = [p.id for p in read_input(jsonl)[0]]
    assert ids[0] == "2301.00002" and ids[1].startswith("p")


def test_parse_shows_the_records_id(cli, tmp_path):
    jsonl = write_jsonl(tmp_path / "c.jsonl", [{"id": "my-001", "abstract": KV}, {"abstract": SPARSE}])
    result = cli("parse", str(jsonl), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r.get("id") for r in records] == ["my-001", None]


@pytest.fixture
def ingested(cli, tmp_path):
    jsonl = write_jsonl(tmp_path / "mine.jsonl", [
        {"id": "my-001", "title": "FastKV caching keys", "abstract": KV},
        {"id": "2301.00003", "title": "SparseTrain for everyone", "abstract": SPARSE},  # an id that is an arXiv id
        {"title": "PipeFlow pipelines", "abstract": PIPE}])
    assert cli("ingest", str(jsonl), "--no-index").exit_code == 0
    return jsonl


def test_an_ingested_records_id_resolves_and_is_shown(ingested, store, cli):
    paper = store.resolve("my-001")
    assert paper.abstract == KV and paper.record_ids == ["my-001"]
    assert paper.id.startswith("p") and store.resolve(paper.id).id == paper.id   # the store id is unchanged
    assert store.resolve("2301.00003").record_ids is None    # the same as its arXiv id: nothing to add
    assert store.get(store.id_of_abstract(PIPE)).record_ids is None           # no id of its own
    shown = json.loads(cli("show", "my-001", "--json").stdout)
    assert shown["id"] == paper.id and shown["record_ids"] == ["my-001"]
    assert "record id: my-001" in " ".join(cli("show", "my-001").stdout.split())


def test_a_record_id_two_files_share_is_ambiguous(ingested, store, cli, tmp_path):
    other = write_jsonl(tmp_path / "theirs.jsonl", [{"id": "my-001", "abstract": PIPE + " Also in another file."}])
    assert cli("ingest", str(other), "--no-index").exit_code == 0
    with pytest.raises(UsageError, match="record id of 2 papers"):
        store.resolve("my-001")


def test_extract_input_keeps_the_id_and_saves_to_the_ingested_paper(ingested, store, cli, tmp_path):
    out = tmp_path / "out.jsonl"
    result = cli("extract", "--input", str(ingested), "--no-embeddings", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows][:2] == ["my-001", "2301.00003"]
    from store.extractions import latest_extraction

    stored = latest_extraction(store, store.resolve("my-001").id)
    assert stored is not None and stored.id == store.resolve("my-001").id   # the store's copy, under the store id
    assert {s.value for s in stored.speedups} == {2.3}


def test_export_carries_the_record_ids(ingested, cli, tmp_path):
    import csv

    assert cli("export", "-o", str(tmp_path / "all.jsonl")).exit_code == 0
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "all.jsonl").read_text().splitlines())}
    assert sorted(tuple(r["record_ids"]) for r in rows.values()) == [(), (), ("my-001",)]
    assert cli("export", "-o", str(tmp_path / "all.csv")).exit_code == 0
    with (tmp_path / "all.csv").open(newline="") as fh:
        assert sorted(r["record_ids"] for r in csv.DictReader(fh)) == ["", "", "my-001"]
