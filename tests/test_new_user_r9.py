"""Frictions a new ML-systems researcher met in round 9: each test fails on the code before its fix.

Every paper, board and page here is invented."""

from __future__ import annotations

import json

import pytest

from core.models import Extraction
from store.extractions import save_extraction

ABSTRACTS = {
    "a1": "We present an invented detector that runs at 40 FPS on an NVIDIA Jetson TX2 module for drones.",
    "a2": "We present an invented tracker that reaches 25 FPS on an NVIDIA TX2 and 2x faster than a baseline.",
    "a3": "We present an invented serving system that is evaluated on an NVIDIA A100 GPU with long prompts.",
    "a4": "We present an invented training recipe for a DGX A100 node that shortens training by 30%.",
    "a5": "We present an invented compiler that lowers kernels onto an NVIDIA A100 for sparse models.",
}
HARDWARE = {"a1": "NVIDIA Jetson TX2", "a2": "NVIDIA TX2", "a3": "NVIDIA A100", "a4": "DGX A100", "a5": "NVIDIA A100"}


@pytest.fixture
def hw_store(cli, tmp_path, store):
    """Five invented papers, each with the hardware name its abstract writes."""
    rows = [{"id": pid, "title": f"Invented paper {pid}", "abstract": text} for pid, text in ABSTRACTS.items()]
    path = tmp_path / "invented.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert cli("ingest", "--no-index", str(path)).exit_code == 0
    for rid, text in ABSTRACTS.items():
        pid = store.id_of_abstract(text)
        cls = "edge" if "TX2" in HARDWARE[rid] else "gpu"
        assert save_extraction(store, Extraction.from_json({"id": pid, "engine": "local", "hardware": [
            {"name": HARDWARE[rid], "class": cls, "level": "specific"}]}))
    return store


def _titles(cli, *args) -> set[str]:
    result = cli("list", *args, "--json")
    assert result.exit_code == 0, result.output
    return {json.loads(line)["title"] for line in result.stdout.splitlines()}


# -- a product family read from the stored names ---------------------------------------------------
def test_a_family_word_finds_a_product_written_without_it(cli, hw_store):
    """`--hardware jetson` used to miss the paper that wrote only "NVIDIA TX2"."""
    assert _titles(cli, "--hardware", "jetson") == {"Invented paper a1", "Invented paper a2"}


def test_a_code_most_names_write_without_the_word_stays_out_of_its_family(cli, hw_store):
    """"DGX A100" must not make the two plain "NVIDIA A100" papers DGX papers."""
    assert _titles(cli, "--hardware", "dgx") == {"Invented paper a4"}
    assert _titles(cli, "--hardware", "A100") == {"Invented paper a3", "Invented paper a4", "Invented paper a5"}


def test_family_names_by_shares_of_model_codes():
    from store.hardware_family import codes, family_names

    assert codes("Acme Nimbus QX7 board") == {"QX7"}
    assert codes("Acme Q9-24GB card at 7nm") == {"Q9"}          # sizes and processes are no model
    names = ["Acme Nimbus QX7", "Acme QX7", "Zeta Box R5", "Acme R5", "Orbit R5 module"]
    assert family_names(names, "nimbus") == ["Acme QX7"]
    assert family_names(names, "zeta box") == []                  # R5 is written mostly without it
    assert family_names(names, "") == []


# -- ask and chat refuse what list refuses ---------------------------------------------------------
@pytest.mark.parametrize("args", [("--year", "2024-2019"), ("--min-speedup", "-1"), ("--min-speedup", "nan")])
def test_ask_refuses_an_impossible_filter_value_like_list(cli, hw_store, args):
    listed = cli("list", *args)
    asked = cli("ask", "which invented papers run on a TX2?", *args)
    assert listed.exit_code == asked.exit_code == 2, asked.output
    assert asked.stderr.splitlines()[0] == listed.stderr.splitlines()[0]
    assert asked.stdout == ""


@pytest.mark.parametrize("arg,message", [("min_speedup=-1", "min_speedup -1 is not a speedup factor"),
                                         ("year=2024-2019", "runs backwards")])
def test_chat_filter_refuses_an_impossible_value_and_keeps_the_old_filter(arg, message):
    from agent.cli.chat import parse_filter
    from core.errors import UsageError

    with pytest.raises(UsageError, match=message):
        parse_filter([arg])
    assert parse_filter(["year>=2023", "min_speedup=2x"]).min_speedup == 2.0


# -- ingest --json always prints its document ------------------------------------------------------
def test_ingest_json_with_only_a_missing_path_still_prints_a_document(cli, papers_home):
    result = cli("ingest", "--json", str(papers_home / "no-such-folder"))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["files"] == [] and doc["papers_before"] == doc["papers_after"] == 0
    assert doc["rejected"][0]["path"].endswith("no-such-folder")
    assert "error:" in result.stderr
    assert not (papers_home / "papers.db").exists()


def test_ingest_json_with_an_unreadable_format_still_prints_a_document(cli, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("just a shopping list\n", encoding="utf-8")
    result = cli("ingest", "--json", "--no-index", str(bad))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["files"] == [] and "unknown format" in doc["rejected"][0]["reason"]


# -- one name for one figure -----------------------------------------------------------------------
def test_ask_sources_carry_relevance_as_search_names_it():
    from agent.qa.types import Citation, Source
    from store.records import Paper

    src = Source.of(Paper(id="p1", abstract="An invented abstract."), score=0.75)
    assert src.to_json()["relevance"] == src.to_json()["score"] == 0.75
    assert Citation.from_source(src, 1, "An invented abstract.").to_json()["relevance"] == 0.75


# -- a Hugging Face page whose upvotes sit on their own line --------------------------------------
HF_PAGE = """Daily Papers

Invented Paper One: Fast Things

We present an invented method that makes fast things faster on invented hardware for everybody. It is evaluated on three invented benchmarks, where it beats two invented baselines by a wide margin while keeping the same accuracy and using less memory than either of them.

  • 3 authors
·
Mar 4, 2024
17

Invented Paper Two: Small Things

We present an invented method that makes small things smaller on invented hardware for everybody. It is evaluated on three invented benchmarks, where it beats two invented baselines by a wide margin while keeping the same accuracy and using less memory than either of them.

  • 2 authors
·
Mar 5, 2024
"""


def test_hf_upvotes_on_their_own_line_are_upvotes_not_an_orphan_title():
    from store.sources.pages import parse_hf_daily

    out = parse_hf_daily(HF_PAGE)
    assert [p.title for p in out.papers] == ["Invented Paper One: Fast Things", "Invented Paper Two: Small Things"]
    assert out.papers[0].upvotes == 17 and out.papers[1].upvotes is None
    assert out.issues == []


# -- extract after failures says how to redo only them ----------------------------------------------
def test_retry_hint_names_the_command_that_redoes_only_the_failed_papers(tmp_path):
    from agent.cli.extract import _rerun_args, _retry_hint

    out = tmp_path / "out.jsonl"
    assert _retry_hint(out, _rerun_args(None, True), 3) == (
        f"the 3 failed papers are not in {out}; once the cause is fixed, "
        f"`papers extract --all -o {out} --resume` extracts only them")
    assert "--retry-failed" in _retry_hint(None, _rerun_args(tmp_path / "in.csv", False), 1)


# -- the demo prints the relevance `search` prints -------------------------------------------------
def test_demo_search_step_prints_relevance_not_the_raw_rrf_sum(monkeypatch):
    import io

    from rich.console import Console

    from agent.cli import demo
    from store.records import Paper
    from store.retrieval import Hit

    hit = Hit(Paper(id="p1", title="Invented", abstract="An invented abstract.", year=2024), 0.0328, "", 0,
              {"dense": 1, "bm25": 1})
    monkeypatch.setattr("store.index.search", lambda *a, **k: [hit])
    out = Console(file=io.StringIO(), width=100)
    demo._search_step(None, None, out)
    assert "1. 1.00 Invented" in out.file.getvalue() and "0.033" not in out.file.getvalue()


# -- chat in a real terminal: /filter refuses an impossible value and keeps the filter it had ------
def test_pty_chat_filter_refuses_a_backwards_year_and_keeps_its_filter(papers_home, cli, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from test_chat_pty import PROMPT, spawn

    path = tmp_path / "invented.jsonl"
    path.write_text(json.dumps({"id": "a1", "title": "Invented paper", "abstract": ABSTRACTS["a1"]}) + "\n",
                    encoding="utf-8")
    assert cli("ingest", "--no-index", str(path)).exit_code == 0
    child = spawn(papers_home)
    try:
        child.sendline("/filter year>=2020")
        child.expect_exact("filter: year>=2020")
        child.expect_exact(PROMPT)
        child.sendline("/filter year=2024-2019")
        child.expect_exact("the year range '2024-2019' runs backwards")
        child.expect_exact(PROMPT)
        child.sendline("/filter min_speedup=-1")
        child.expect_exact("min_speedup -1 is not a speedup factor")
        child.expect_exact(PROMPT)
        child.sendline("/filter")
        child.expect_exact("filter: year>=2020")
        child.expect_exact(PROMPT)
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()


# -- extract --input with a folder says it is a folder ----------------------------------------------
def test_extract_input_folder_is_named_a_folder_not_a_missing_file(cli, tmp_path):
    (tmp_path / "pages").mkdir()
    result = cli("extract", "--input", str(tmp_path / "pages"), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'pages'} is a folder; --input reads one file" in result.stderr
    assert "papers extract --all" in result.stderr and "no such file" not in result.stderr


# -- an untitled paper is labelled alike in list, search and claims ----------------------------------
def test_search_labels_an_untitled_paper_by_its_first_words_as_list_does():
    import io

    from rich.console import Console

    from agent.cli.render import shown_title
    from agent.cli.search import _hits_text
    from store.records import Paper
    from store.retrieval import Hit

    paper = Paper(id="2301.00001", abstract="Invented sparse kernels make an invented accelerator twice as fast.")
    assert shown_title(paper) == paper.abstract + "…"
    out = Console(file=io.StringIO(), width=200)
    out.print(_hits_text([Hit(paper, 0.03, "a passage", 0, {"dense": 1, "bm25": 1})], "kernels"))
    assert "(untitled)" not in out.file.getvalue() and "Invented sparse kernels make" in out.file.getvalue()


# -- extract --input on an ingested page writes the id `show` finds -----------------------------------
INVENTED = ("We present an invented scheduler that packs invented kernels onto an invented accelerator and finishes "
            "invented workloads 3.2x faster than an invented baseline on three invented benchmarks of our own.")


def test_extract_input_row_of_a_page_record_carries_the_stored_papers_id(cli, tmp_path):
    listing = tmp_path / "listing.txt"
    listing.write_text(f"{INVENTED}\n\narXiv:2301.01234\nCreated: 2023-01-05\n", encoding="utf-8")
    daily = tmp_path / "daily.txt"
    daily.write_text(f"Daily Papers\n\nInvented Scheduler: Packing Kernels\n\n{INVENTED}\n\n  • 2 authors\n·\n"
                     "Jan 6, 2023\n", encoding="utf-8")
    assert cli("ingest", "--no-index", str(listing), str(daily)).exit_code == 0
    out = tmp_path / "rows.jsonl"
    result = cli("extract", "--input", str(daily), "-o", str(out), "--no-embeddings")
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert row["id"] == "2301.01234"                       # the paper both pages became
    assert cli("show", row["id"]).exit_code == 0
