"""`papers extract/tldr/claims/tags` with the local engine, and the claim filters of `papers list`."""

from __future__ import annotations

import csv
import json

import pytest

from agent.batch import RowWriter, read_input_jsonl
from agent.claim_grounding import check_speedup
from core.models import Speedup

from conftest import SEEDS

ANT = "2208.14286"


@pytest.fixture
def extracted(cli):
    assert cli("ingest", str(SEEDS), "--no-index").exit_code == 0
    result = cli("extract", "--all", "--no-embeddings", "--no-store")  # stdout only, store untouched
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and len(rows) == 173
    assert cli("extract", "--all", "--no-embeddings", "-o", "all.jsonl").exit_code == 0
    return {r["id"]: r for r in rows}


def test_extract_all_writes_the_contract_and_every_number_is_grounded(extracted, store):
    abstracts = {p.id: p.abstract for p in store.all()}
    for row in extracted.values():
        assert set(row) >= {"id", "title", "tldr", "speedups", "datasets", "hardware", "topics", "engine"}
        assert 1 <= len(row["topics"]) <= 4 and row["engine"] == "local"
        for item in row["speedups"]:
            assert check_speedup(abstracts[row["id"]], Speedup(**item)) is None
    ant = extracted[ANT]
    assert {(s["value"], s["unit"], s["metric"]) for s in ant["speedups"]} == {(2.8, "x", "speedup"), (2.5, "x", "energy")}


def test_results_are_saved_and_filterable(extracted, cli):
    shown = json.loads(cli("show", ANT, "--json").stdout)
    assert shown["extraction"]["speedups"][0]["evidence"].startswith("Our design results in 2.8$\\times$")

    def ids(*args):
        return {json.loads(line)["id"] for line in cli("list", *args, "--json").stdout.splitlines()}

    kitti = ids("--dataset", "KITTI")
    assert "2303.13018" in kitti and all("KITTI" in extracted[i]["datasets"] for i in kitti)
    fast = ids("--min-speedup", "5")
    assert fast and all(any(s["unit"] == "x" and s["value"] >= 5 for s in extracted[i]["speedups"]) for i in fast)
    edge_quant = ids("--hardware-class", "edge", "--topic", "quantization")
    assert all("quantization" in extracted[i]["topics"] and
               any(h["class"] == "edge" for h in extracted[i]["hardware"]) for i in edge_quant)
    assert ANT in ids("--topic", "quantization", "--min-speedup", "2")


def test_input_file_problems_are_reported_by_line_and_the_rest_processed(cli, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "abstract": "Our kernel runs 3.1x faster than cuBLAS on an NVIDIA A100 GPU."}),
        "{not json",
        json.dumps({"id": "a", "abstract": "duplicate id"}),
        json.dumps({"id": "empty", "abstract": ""}),
        json.dumps({"id": "b", "title": "Soup", "abstract": "$\\times$ 10^{4} \\% 1,2,3 $$ x2 512x512 " * 50}),
        json.dumps({"id": "c", "abstract": "本文提出了一种新的量化方法，速度提高了3倍。"}),
    ]) + "\n")
    result = cli("extract", "--input", str(src), "-o", str(tmp_path / "out.jsonl"), "--no-embeddings")
    assert result.exit_code == 0  # bad input records are warnings (as in ingest); the rest is extracted
    assert "in.jsonl:2: malformed JSON" in result.stderr and "in.jsonl:3: duplicate id 'a'" in result.stderr
    assert "in.jsonl:4: no abstract for 'untitled'; record skipped" in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["speedups"][0]["value"] == 3.1


def test_resume_skips_done_rows_and_csv_joins_lists(cli, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"p{i}", "abstract": f"We reduce latency by {i + 2}x over "
                                         "TensorRT on the Jetson Nano and evaluate on ImageNet and COCO."})
                             for i in range(4)) + "\n")
    out = tmp_path / "out.csv"
    first = cli("extract", "--input", str(src), "-o", str(out), "--no-embeddings")
    assert first.exit_code == 0
    with out.open("a") as fh:
        fh.write("p9,partial row cut by a kil")  # what SIGKILL mid-write could leave behind
    again = cli("extract", "--input", str(src), "-o", str(out), "--resume", "--no-embeddings")
    assert "extracted 0, skipped 4" in again.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["id"] for r in rows] == ["p0", "p1", "p2", "p3"]
    assert rows[0]["datasets"] == "ImageNet; COCO" and "latency" in rows[0]["speedups"]
    refused = cli("extract", "--input", str(src), "-o", str(out), "--no-embeddings")
    assert refused.exit_code != 0 and "--resume" in refused.stderr


def test_single_paper_commands(cli):
    cli("ingest", str(SEEDS), "--no-index")
    tldr = json.loads(cli("tldr", ANT, "--json").stdout)["tldr"]
    assert "ANT" in tldr and tldr.endswith(".")
    claims = json.loads(cli("claims", ANT, "--json").stdout)
    assert {s["value"] for s in claims["speedups"]} == {2.8, 2.5}
    tags = json.loads(cli("tags", ANT, "--json", "--no-embeddings").stdout)["topics"]
    assert tags[0]["tag"] == "quantization" and tags[0]["signals"]
    text = cli("tldr", "--text", "We propose FooNet, which cuts training time by 40% on CIFAR-10 with no accuracy loss.")
    assert "FooNet" in text.stdout
    both = cli("tldr", ANT, "--text", "x")
    assert both.exit_code == 2 and "either a paper id or --text" in both.stderr


def test_read_input_and_row_writer_units(tmp_path):
    src = tmp_path / "x.jsonl"
    src.write_text('{"id": 1, "abstract": "a"}\n[1, 2]\n\n{"id": "1", "abstract": "b"}\n')
    papers, problems = read_input_jsonl(src)
    assert [p.id for p in papers] == ["1"] and len(problems) == 2
    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "1"}\n{"id": "2", "tl')
    writer = RowWriter(out, resume=True)
    assert writer.done_ids == {"1"}
    writer.close()
    assert out.read_text() == '{"id": "1"}\n'
