"""Empty filtered listings say why: nothing extracted yet, or a value nobody extracted."""

from __future__ import annotations

import json

from core.models import Extraction
from store.extractions import save_extraction

from conftest import SEEDS

EXTRACTED = {"topics": ["kv-cache", "quantization"], "datasets": ["KITTI"],
             "hardware": [{"name": "NVIDIA A100", "class": "gpu", "level": "specific"}],
             "speedups": [{"value": 3.1, "unit": "x", "metric": "latency", "direction": "faster",
                           "evidence": "3.1x"}]}


def test_claim_filters_before_any_extraction_point_at_extract(cli):
    cli("ingest", "--no-index", str(SEEDS))
    for flag, value in (("--topic", "quantization"), ("--dataset", "KITTI"), ("--hardware-class", "gpu"),
                        ("--min-speedup", "2")):
        result = cli("list", flag, value)
        assert result.exit_code == 0
        assert "0 papers" in result.stdout
        assert f"note: no paper has been extracted yet, so {flag} cannot match anything" in result.stderr
        assert "hint: run `papers extract --all` first" in result.stderr
    as_json = cli("list", "--topic", "quantization", "--json")
    assert as_json.stdout == "" and "papers extract --all" in as_json.stderr  # empty JSON Lines is valid


def test_unknown_values_name_the_closest_known_ones(cli, store):
    cli("ingest", "--no-index", str(SEEDS))
    pid = store.all()[0].id
    assert save_extraction(store, Extraction.from_json({"id": pid, "engine": "local", **EXTRACTED}))
    typo = cli("list", "--topic", "kvcache")
    assert "note: no paper has --topic 'kvcache'" in typo.stderr
    assert "hint: closest known values: kv-cache" in typo.stderr
    assert "hint: closest known values: KITTI" in cli("list", "--dataset", "kitti360").stderr
    assert "largest extracted speedup is 3.1x" in cli("list", "--min-speedup", "100").stderr
    found = cli("list", "--topic", "kv-cache")
    assert "1 paper\n" in found.stdout and found.stderr == ""
    assert json.loads(cli("list", "--topic", "kv-cache", "--json").stdout)["id"] == pid


def test_hardware_class_in_any_case_singular_or_plural(cli, store):
    """`--hardware-class GPUs` is the class gpu, as `--topic "KV caches"` is kv-cache (not 'no paper has
    --hardware-class' with gpu as the closest known value)."""
    cli("ingest", "--no-index", str(SEEDS))
    pid = store.all()[0].id
    assert save_extraction(store, Extraction.from_json({"id": pid, "engine": "local", **EXTRACTED}))
    for value in ("gpu", "GPU", "gpus", "GPUs"):
        result = cli("list", "--hardware-class", value, "--json")
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [pid], value
        assert "note:" not in result.stderr, value


def test_search_takes_the_claim_filters_of_list(cli, store):
    """`search` filters like `list` (and `ask`, chat's /filter): --dataset, --hardware, --hardware-class,
    --min-speedup, with the same empty-result note for an unknown value."""
    cli("ingest", "--no-index", str(SEEDS))
    paper = store.all()[0]
    pid, query = paper.id, paper.title or paper.abstract[:80]
    assert save_extraction(store, Extraction.from_json({"id": pid, "engine": "local", **EXTRACTED}))
    for flag, value in (("--dataset", "KITTI"), ("--hardware", "A100"), ("--hardware-class", "GPUs"),
                        ("--min-speedup", "3")):
        result = cli("search", query, "--mode", "bm25", flag, value, "--json")
        assert result.exit_code == 0, result.output
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [pid], flag
    unknown = cli("search", query, "--mode", "bm25", "--dataset", "kitty")
    assert unknown.stdout == "" and "closest known values: KITTI" in unknown.stderr
