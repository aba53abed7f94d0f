"""Ingest into the store: de-duplication, idempotence, updates in place, bad input, the CLI."""

from __future__ import annotations

import json
import shutil

from store.ingest import ingest_paths, remove_source

from conftest import DATA, SEEDS

MB = 20_000_000


def test_seeds_dedup_across_pages(store):
    report = ingest_paths(store, [SEEDS], max_bytes=MB)
    assert report.ok and report.papers_after == 173
    stats = store.stats()
    assert stats.occurrences == 179 and stats.duplicates_merged == 6
    mono = store.resolve("2303.13018")
    # union of fields: the title comes from page 000, the arXiv id and venue from page 003
    assert mono.title.startswith("MonoATT") and mono.venue == "CVPR 2023"
    assert mono.date == "2023-03-22"  # arXiv's own date wins over the listing's
    assert {s.ref for s in mono.sources} == {"000_8528321f52109f11.txt#5", "003_a2f809acec3995b1.txt#0"}
    assert store.resolve("000_8528321f52109f11.txt#5").id == "2303.13018"


def test_shared_closing_sentence_does_not_merge(store):
    ingest_paths(store, [SEEDS], max_bytes=MB)
    mono = store.resolve("000_8528321f52109f11.txt#5")
    mogde = store.resolve("000_8528321f52109f11.txt#7")
    assert mono.id != mogde.id  # MonoATT and MoGDE end with the same sentence
    assert mono.abstract.endswith("KITTI 3D benchmark.") and mogde.abstract.endswith("KITTI 3D benchmark.")


def test_reingest_is_idempotent(store):
    ingest_paths(store, [SEEDS], max_bytes=MB)
    before = {p.id: p.model_dump() for p in store.all()}
    report = ingest_paths(store, [SEEDS], max_bytes=MB)
    assert {f.status for f in report.files} == {"unchanged"} and not report.touched
    assert {p.id: p.model_dump() for p in store.all()} == before


def test_new_version_of_a_page_updates_in_place(store, tmp_path):
    page = tmp_path / "003.txt"
    shutil.copy(SEEDS / "003_a2f809acec3995b1.txt", page)
    ingest_paths(store, [page], max_bytes=MB)
    assert store.count() == 10
    text = page.read_text()
    last = text.rindex("The development of cloud infra")
    page.write_text(text[:last].rstrip() + "\n" + text[last:].replace("cloud infra", "CLOUD infra"))
    report = ingest_paths(store, [page], max_bytes=MB)
    assert report.files[0].status == "updated"
    assert store.count() == 10
    assert "CLOUD infra" in store.resolve("2112.12921").abstract


def test_same_paper_from_structured_inputs_merges(store):
    ingest_paths(store, [DATA / "arxiv_query.atom.xml", DATA / "papers.jsonl"], max_bytes=MB)
    paged = store.resolve("2401.99999")
    assert len(paged.sources) == 2 and paged.venue == "MLSys 2024"
    assert paged.authors == ["Ada Example", "Bo Sample"]  # the longer author list wins


def test_remove_source(store):
    ingest_paths(store, [SEEDS], max_bytes=MB)
    assert remove_source(store, "003_a2f809acec3995b1.txt") == 1
    assert store.count() == 173 - 4  # 6 of its 10 papers are also on page 000
    assert len(store.resolve("2303.13018").sources) == 1


def test_bad_files_do_not_stop_good_ones(store, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "gbk.txt").write_bytes("中文摘要 ".encode("gbk") * 50)
    shutil.copy(SEEDS / "001_4ede9d5f6e220ed7.txt", tmp_path / "good.txt")
    report = ingest_paths(store, [tmp_path, tmp_path / "missing.txt"], max_bytes=MB)
    reasons = sorted(r for _, r, _ in report.rejected)
    assert len(reasons) == 4 and store.count() == 10
    assert any("empty file" in r for r in reasons) and any("UTF-8" in r for r in reasons)
    assert any("binary" in r for r in reasons) and any("no such file" in r for r in report_paths(report))


def report_paths(report):
    return [f"{p}: {r}" for p, r, _ in report.rejected]


def test_folder_with_thousands_of_files(store, tmp_path):
    for i in range(2000):
        (tmp_path / f"note{i:04d}.txt").write_text("tiny note\n")
    shutil.copy(DATA / "papers.csv", tmp_path / "papers.csv")
    report = ingest_paths(store, [tmp_path], max_bytes=MB)
    assert len(report.rejected) == 2000 and store.count() == 2


def test_cli_ingest_list_show_stats(cli):
    result = cli("ingest", str(SEEDS), "--no-index", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["papers_after"] == 173
    listed = [json.loads(line) for line in cli("list", "--year", "2023", "--category", "CV", "--json").stdout.splitlines()]
    assert listed and all(p["year"] == 2023 and p["category"] == "CV" for p in listed)
    assert any(p["id"] == "2303.13018" for p in listed)
    grep = cli("list", "--grep", "key-value stores", "--json").stdout.splitlines()
    assert [json.loads(line)["arxiv_id"] for line in grep] == ["2301.05861"]
    shown = json.loads(cli("show", "2303.13018", "--json").stdout)
    assert shown["venue"] == "CVPR 2023" and len(shown["sources"]) == 2
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["duplicates_merged"] == 6 and stats["per_source"]["004_74f5bfe55f112bb8.txt"] == 59


def test_cli_parse_prints_one_record_per_occurrence(cli):
    result = cli("parse", str(SEEDS / "003_a2f809acec3995b1.txt"), "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 10 and rows[0]["source"] == "003_a2f809acec3995b1.txt"
    assert [r["position"] for r in rows] == list(range(10))
    assert rows[0]["arxiv_id"] == "2303.13018"


def test_cli_rejects_with_one_line_and_nonzero_exit(cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = cli("ingest", str(bad), str(DATA / "papers.csv"), "--no-index")
    assert result.exit_code == 1
    assert "error: bad.txt: binary file" in result.stderr
    assert "Traceback" not in result.output
    assert "papers in store: 0 -> 2" in result.stdout


def test_cli_unknown_paper_is_one_clear_line(cli):
    result = cli("show", "does-not-exist")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("error: no paper 'does-not-exist'")
    assert len(result.stderr.splitlines()) == 2 and result.stderr.splitlines()[1].startswith("hint: ")


def test_help_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = ("import sys; from agent.cli import app; "
            "from typer.main import get_command; get_command(app); "
            "heavy = [m for m in ('chromadb', 'langchain_core', 'langchain_openai', 'openai', 'torch', "
            "'sentence_transformers', 'numpy', 'pydantic') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
