"""`papers export`: what the store holds (papers + latest extraction), as JSONL, CSV and BibTeX."""

from __future__ import annotations

import csv
import json

from core.models import Extraction
from store.extractions import save_extraction

from conftest import DATA

SPEEDUPS = [{"value": 3.1, "unit": "x", "metric": "memory", "direction": "reduction", "baseline": None,
             "qualifier": None, "evidence": "3.1x"},
            {"value": 1.8, "unit": "x", "metric": "throughput", "direction": "increase", "baseline": "vLLM",
             "qualifier": None, "evidence": "1.8x"}]


def _setup(cli, store):
    assert cli("ingest", "--no-index", str(DATA / "arxiv_query.atom.xml")).exit_code == 0
    paged = store.resolve("2401.99999")
    assert save_extraction(store, Extraction.from_json({"id": paged.id, "engine": "local",
                                                        "tldr": "Pages the KV cache.",
                                   "speedups": SPEEDUPS, "datasets": ["LongBench"],
                                   "hardware": [{"name": "NVIDIA A100", "class": "gpu", "level": "specific"}],
                                   "topics": ["kv-cache"]}))
    return paged


def test_export_jsonl_csv_bib(cli, store, tmp_path):
    paged = _setup(cli, store)
    for name in ("all.jsonl", "all.csv", "all.bib"):
        result = cli("export", "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert "exported 2 papers" in result.stderr
    rows = {r["arxiv_id"]: r for r in map(json.loads, (tmp_path / "all.jsonl").read_text().splitlines())}
    row = rows["2401.99999"]
    assert (row["id"], row["year"], row["url"], row["max_speedup"]) == \
        (paged.id, 2024, "https://arxiv.org/abs/2401.99999", 3.1)
    assert row["speedups"] == SPEEDUPS and row["topics"] == ["kv-cache"] and row["extracted"]
    assert rows["2303.13018"]["venue"] == "CVPR 2023" and rows["2303.13018"]["max_speedup"] is None
    table = {r["arxiv_id"]: r for r in csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8"))}
    assert table["2401.99999"]["max_speedup"] == "3.1" and table["2401.99999"]["year"] == "2024"
    assert json.loads(table["2401.99999"]["speedups_json"]) == SPEEDUPS
    bib = (tmp_path / "all.bib").read_text()
    assert "@misc{zhou2023monoatt,\n" in bib
    assert "  eprint = {2303.13018},\n  archivePrefix = {arXiv}," in bib
    assert "author = {Yunsong Zhou and Hongzi Zhu and Quan Liu}" in bib and bib.count("@misc{") == 2


def test_export_filters_and_refuses_to_overwrite(cli, store, tmp_path):
    _setup(cli, store)
    out = tmp_path / "kv.jsonl"
    assert cli("export", "-o", str(out), "--topic", "kv-cache").exit_code == 0
    assert [json.loads(line)["arxiv_id"] for line in out.read_text().splitlines()] == ["2401.99999"]
    again = cli("export", "-o", str(out))
    assert again.exit_code == 2 and "hint:" in again.stderr and "--force" in again.stderr
    assert cli("export", "-o", str(out), "--force").exit_code == 0
    bad = cli("export", "-o", str(tmp_path / "x.xlsx"))
    assert bad.exit_code == 2 and "use a .jsonl, .csv or .bib file name" in bad.stderr


def test_bibtex_names_a_title_less_paper_by_the_system_it_introduces():
    from store.export import _bibtex

    row = {"title": None, "authors": ["Ada Lovelace"], "year": 2022, "arxiv_id": None, "url": None,
           "venue": None, "abstract": "Serving is slow. We propose Quokka, a scheduler that batches requests."}
    bib = _bibtex([row])
    assert "title = {{Quokka}}" in bib and "Untitled" not in bib
    assert "note = {title not shown on the source page}" in bib and bib.startswith("@misc{lovelace2022quokka,")
    nameless = dict(row, abstract="Serving is slow and batching helps a lot when requests arrive together.")
    assert 'title = {{("Serving is slow and batching helps a lot…")}}' in _bibtex([nameless])


def test_extract_csv_and_export_csv_share_their_claim_columns(cli, store, tmp_path):
    """A spreadsheet built from `extract -o x.csv` joins with one from `export -o x.csv`."""
    from agent.batch import CSV_FIELDS as EXTRACT_FIELDS, to_csv_row
    from core.claim_columns import CLAIM_COLUMNS
    from store.export import CSV_FIELDS as EXPORT_FIELDS

    paged = _setup(cli, store)
    assert cli("export", "-o", str(tmp_path / "all.csv")).exit_code == 0
    exported = {r["id"]: r for r in csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8"))}
    extraction = Extraction.from_json({"id": paged.id, "engine": "local", "tldr": "Pages the KV cache.",
                                       "speedups": SPEEDUPS, "datasets": ["LongBench"], "topics": ["kv-cache"],
                                       "hardware": [{"name": "NVIDIA A100", "class": "gpu", "level": "specific"}]})
    extracted = to_csv_row(extraction)
    for column in CLAIM_COLUMNS:
        assert column in EXTRACT_FIELDS and column in EXPORT_FIELDS
        assert exported[paged.id][column] == str(extracted[column]), column
    assert exported[paged.id]["speedups"] == "3.1x memory reduction; 1.8x throughput increase vs vLLM"
    assert (exported[paged.id]["hardware"], exported[paged.id]["hardware_classes"]) == ("NVIDIA A100", "gpu")
    unextracted = [r for pid, r in exported.items() if pid != paged.id]
    assert unextracted and all(r[c] == "" for r in unextracted for c in CLAIM_COLUMNS)
