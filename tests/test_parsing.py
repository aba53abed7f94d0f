"""Parsing every input format into the right records, attached to the right paper."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputFileError
from store.sources import detect_format, read_source
from store.sources.common import parse_date, split_title_authors, venue_from_comment

from conftest import DATA, SEEDS

MB = 50_000_000


def parse(name: str):
    return read_source(SEEDS / name, max_bytes=MB)


def by_title(result, prefix: str):
    return next(p for p in result.papers if (p.title or "").startswith(prefix))


def test_every_seed_format_is_detected():
    formats = {p.name[:3]: read_source(p, max_bytes=MB).format for p in sorted(SEEDS.glob("*.txt"))}
    assert formats == {"000": "alphaxiv", "001": "arxiv", "002": "profile", "003": "arxiv", "004": "hf-daily"}


def test_paper_counts_match_abstract_lines():
    for path in SEEDS.glob("*.txt"):
        long_lines = [ln for ln in path.read_text().splitlines() if len(ln) > 160]
        result = read_source(path, max_bytes=MB)
        assert len(result.papers) == len(long_lines), path.name
        assert not result.issues, result.issues


def test_alphaxiv_title_authors_and_metadata_before_the_title():
    result = parse("000_8528321f52109f11.txt")
    first = result.papers[0]
    assert first.title == "Density-invariant Features for Distant Point Cloud Registration"
    assert first.authors == ["Quan Liu", "Hongzi Zhu", "Yunsong Zhou"] and first.org == "pku"
    assert first.date is None and first.category is None  # no metadata line above it
    nesting = by_title(result, "Nesting Forward")
    assert (nesting.score, nesting.category, nesting.date) == (3.3, "LG", "2022-09-22")
    ellm = by_title(result, "eLLM")
    assert ellm.date == "--05-06" and ellm.category == "DC"  # the page shows no year
    co_design = result.papers[13]
    assert co_design.title.endswith("Partition Method Co-Design")
    assert co_design.authors[0] == "Shuwen Lu"
    gpu = by_title(result, "Inf-MLLM")
    assert gpu.title.endswith("on a Single GPU") and gpu.authors[0] == "Zhenyu Ning"
    assert by_title(result, "Transkimmer").org == "meta-ai, mila"


def test_arxiv_glued_ids_belong_to_the_previous_abstract():
    result = parse("001_4ede9d5f6e220ed7.txt")
    lasnet, fl = result.papers[0], result.papers[1]
    assert lasnet.abstract.startswith("Spatial-wise dynamic convolution")
    assert lasnet.arxiv_id == "2210.06223" and lasnet.venue == "NeurIPS 2022"
    assert fl.abstract.startswith("Federated learning (FL)")  # glued id stripped from the text
    assert fl.arxiv_id == "2210.01708"
    assert result.papers[7].comment == "8 pages, 10 figures" and result.papers[7].venue is None
    assert result.papers[9].arxiv_id == "2105.04919"  # the id on the file's last line
    assert all(p.title is None for p in result.papers)


def test_arxiv_listing_comment_id_and_created_date():
    result = parse("003_a2f809acec3995b1.txt")
    mono = result.papers[0]
    assert (mono.arxiv_id, mono.date, mono.venue) == ("2303.13018", "2023-03-22", "CVPR 2023")
    fork = result.papers[1]
    assert (fork.arxiv_id, fork.date, fork.venue, fork.comment) == ("2301.05861", "2023-01-14", None, None)
    assert result.papers[3].venue == "MICRO 2022"
    assert result.papers[5].comment == "Accepted by 59th DAC" and result.papers[5].venue == "DAC"


def test_profile_layout_meta_title_authors_abstract():
    result = parse("002_7d32a3e5c875130f.txt")
    first = result.papers[0]
    assert first.title.startswith("Towards High-Quality and Efficient Video Super-Resolution")
    assert first.authors == ["Gen Li", "Jie Ji", "Minghai Qin"]
    assert (first.category, first.date, first.has_code) == ("CV", "2023-03-15", True)
    robot = by_title(result, "When Should a Robot Think?")
    assert (robot.score, robot.category, robot.date, robot.org) == (91.1, "RO", "--03-17", "harvard")
    sod = by_title(result, "SoD$^2$")
    assert sod.authors == ["Wei Niu", "Gagan Agrawal", "Bin Ren"]  # no "et al."
    assert result.papers[-1].title == "Real-Time Execution of Large-scale Language Models on Mobile"


def test_hf_daily_metadata_after_the_abstract():
    result = parse("004_74f5bfe55f112bb8.txt")
    nas = result.papers[0]
    assert nas.title.startswith("Single-Path NAS")
    assert (nas.n_authors, nas.date, nas.upvotes) == (7, "2019-04-05", None)
    gla = by_title(result, "Gated Linear Attention")
    assert (gla.date, gla.upvotes) == ("2023-12-11", 2)
    tequila = by_title(result, "Tequila")
    assert tequila.date == "--09-28"  # the page date "Dec 9" at the top is not a paper's date
    brain = by_title(result, "Neural Brain")
    assert brain.date is None and brain.n_authors is None  # missing metadata stays missing
    assert by_title(result, "HRVMamba").date == "2024-10-04"


def test_abstract_text_is_kept_exactly():
    result = parse("000_8528321f52109f11.txt")
    nimbus = by_title(result, "Nimbus")
    assert "$2.7\\times \\sim 4.7\\times$" in nimbus.abstract


def test_jsonl_records_and_line_numbered_problems():
    result = read_source(DATA / "papers.jsonl", max_bytes=MB)
    assert result.format == "jsonl"
    assert [p.arxiv_id for p in result.papers] == ["2401.99999", "2402.11111"]
    tiny = result.papers[1]
    assert tiny.authors == ["Cy Person", "Di Person"] and tiny.date == "2024-02-03"
    assert result.papers[0].category == "DC"
    reasons = {i.line: i.reason for i in result.issues}
    assert "no abstract" in reasons[2] and "malformed JSON" in reasons[3]


def test_csv_and_json_array():
    csv_result = read_source(DATA / "papers.csv", max_bytes=MB)
    assert csv_result.format == "csv" and len(csv_result.papers) == 2
    assert csv_result.papers[0].arxiv_id == "2402.11111" and csv_result.papers[1].arxiv_id is None
    assert csv_result.papers[1].title == "Fast Sparse Attention Kernels, Revisited"
    arr = read_source(DATA / "papers_array.json", max_bytes=MB)
    assert arr.format == "json" and arr.papers[0].authors == ["Ed Writer"]
    assert arr.papers[0].date == "2023-11-05"


def test_atom_feed():
    result = read_source(DATA / "arxiv_query.atom.xml", max_bytes=MB)
    assert result.format == "atom" and len(result.papers) == 2
    mono, paged = result.papers
    assert mono.arxiv_id == "2303.13018" and mono.category == "CV" and mono.venue == "CVPR 2023"
    assert mono.title == "MonoATT: Online Monocular 3D Object Detection with Adaptive Token Transformer"
    assert mono.authors == ["Yunsong Zhou", "Hongzi Zhu", "Quan Liu"] and mono.date == "2023-03-22"
    assert paged.venue == "MLSys 2024"


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("中文摘要 ".encode("gbk") * 100, "not valid UTF-8"),      # Windows-1252 text is read (test_new_user_r10)
    (b"just a short note\nwith two lines\n", "unknown format"),
    (b'[{"title": "x", "abstract": "y"', "cannot parse as json"),
    (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>", "cannot parse as atom"),
])
def test_bad_files_are_rejected_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as err:
        read_source(path, max_bytes=MB)
    assert reason in err.value.message and "bad.txt" in err.value.message


def test_too_large_file_is_rejected_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB sparse file
    with pytest.raises(InputFileError, match="too large"):
        read_source(path, max_bytes=20_000_000)


def test_truncated_page_reports_the_listing_without_abstract(tmp_path):
    text = (SEEDS / "002_7d32a3e5c875130f.txt").read_text()
    cut = text[: text.index("Convolutional neural networks (CNNs) are becoming")]
    path = tmp_path / "truncated.txt"
    path.write_text(cut)
    result = read_source(path, max_bytes=MB)
    assert len(result.papers) == 48
    assert any("ClickTrain" in i.reason and "no abstract" in i.reason for i in result.issues)


def test_helpers():
    assert parse_date("Sep 22, 2022") == "2022-09-22" and parse_date("May 6") == "--05-06"
    assert parse_date("Foo 6") is None
    assert venue_from_comment("18 pages, 2 figures, ICLR 2022") == "ICLR 2022"
    assert venue_from_comment("Published as a conference paper at ACL 2022") == "ACL 2022"
    assert split_title_authors("Just A Title") == ("Just A Title", [], None)
    assert detect_format(Path("x.csv"), "title,abstract\nA,B\n") == "csv"
