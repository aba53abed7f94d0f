"""Frictions a new ML-systems researcher met in round 10: each test fails on the code before its fix.

Every paper, author and page here is invented."""

from __future__ import annotations

import json

import pytest

ABSTRACT = ("We present an invented scheduler for a made-up cluster that overlaps two kinds of parallelism "
            "and reports a 1.5x higher training throughput on sixty-four invented accelerator boards. ")


def _abstract(n: int) -> str:
    return f"Invented study number {n}. " + ABSTRACT * 2


# -- authors with letters outside ASCII -----------------------------------------------------------
PROFILE = f"""h-index3
5papers

2 Papers

LGJun 3, 2024Code
Weaveline: Overlapping Two Parallelisms for an Invented Cluster

Renée Dvořák, Łukasz Ørsted, Ana Peña

{_abstract(1)}

CVMar 9, 2024
Sparsely: Pruning Invented Voxels

Ærø Sæther, José Núñez

{_abstract(2)}
"""


def test_a_profile_page_keeps_titles_when_authors_have_accented_names(cli, tmp_path):
    """"Renée Dvořák, Łukasz Ørsted" was read as no author list, so it became the paper's title."""
    page = tmp_path / "profile.txt"
    page.write_text(PROFILE, encoding="utf-8")
    result = cli("parse", "--json", str(page))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["title"] for r in rows] == ["Weaveline: Overlapping Two Parallelisms for an Invented Cluster",
                                          "Sparsely: Pruning Invented Voxels"]
    assert rows[0]["authors"] == ["Renée Dvořák", "Łukasz Ørsted", "Ana Peña"]
    assert rows[1]["authors"] == ["Ærø Sæther", "José Núñez"]


def test_ingesting_an_unchanged_file_again_repairs_an_old_reading(cli, tmp_path, monkeypatch):
    """A page ingested by an older parser kept its wrong titles: an unchanged file was skipped."""
    import store.sources.pages as pages

    page = tmp_path / "profile.txt"
    page.write_text(PROFILE, encoding="utf-8")
    right = pages._bind_title_authors
    with monkeypatch.context() as m:    # stand-in for the old parser: another reading of the same bytes
        m.setattr(pages, "_bind_title_authors", lambda paper, pending: setattr(paper, "title", "Old reading"))
        assert cli("ingest", "--no-index", str(page)).exit_code == 0
    assert pages._bind_title_authors is right
    again = cli("ingest", "--no-index", str(page))
    assert again.exit_code == 0 and "reparsed  profile.txt" in again.stdout
    titles = {json.loads(line)["title"] for line in cli("list", "--json").stdout.splitlines()}
    assert titles == {"Weaveline: Overlapping Two Parallelisms for an Invented Cluster",
                      "Sparsely: Pruning Invented Voxels"}
    assert "unchanged  profile.txt" in cli("ingest", "--no-index", str(page)).stdout


def test_name_tokens_in_any_script_but_still_capitalised():
    from store.sources.common import looks_like_authors, looks_like_name

    assert looks_like_name("Zoë Brontë") and looks_like_name("J. O'Neil") and looks_like_name("Ludwig van Beethoven")
    assert not looks_like_name("über fast kernels")          # a lower-case word is no name
    assert not looks_like_name("GPT4 Serving")               # digits are no name
    assert not looks_like_authors("Fast Kernels for Invented Boards, Again and Again")


# -- a page saved by a Windows program (Windows-1252, not UTF-8) -----------------------------------
def test_a_windows_1252_page_is_read_with_one_warning(cli, tmp_path):
    """It used to be refused whole ("not valid UTF-8"), with an iconv hint."""
    page = tmp_path / "profile.txt"
    page.write_bytes(PROFILE.replace("Łukasz Ørsted", "Lukas Ørsted").replace("ř", "r").encode("cp1252"))
    result = cli("ingest", "--no-index", str(page))
    assert result.exit_code == 0, result.output
    assert "warning: profile.txt: not UTF-8: read as Windows-1252" in result.stderr
    shown = cli("list", "--json")
    assert {json.loads(line)["title"] for line in shown.stdout.splitlines()} == {
        "Weaveline: Overlapping Two Parallelisms for an Invented Cluster", "Sparsely: Pruning Invented Voxels"}


@pytest.mark.parametrize("data", [
    "中文摘要内容 ".encode("gbk") * 40,                                  # another legacy encoding: long runs
    ("Renée Dvořák " * 20).encode("utf-8") + b"\xe9 stray byte",       # UTF-8 with one bad byte
])
def test_text_that_is_not_western_european_is_still_refused(tmp_path, data):
    from core.errors import InputFileError
    from store.sources import read_source

    path = tmp_path / "page.txt"
    path.write_bytes(data)
    with pytest.raises(InputFileError, match="not valid UTF-8"):
        read_source(path, max_bytes=1_000_000)


# -- extract's resume/retry hints repeat the options that shape the rows ----------------------------
def test_retry_hint_keeps_the_engine_and_store_options(cli, tmp_path, fake_openai, monkeypatch):
    """The hint after a failed openai batch dropped --engine openai: following it re-ran the failed
    papers with the local engine, and wrote to the store a --no-store run had kept out of it."""
    from fakeopenai import error_reply

    monkeypatch.setenv("PAPERS_MAX_RETRIES", "0")
    fake_openai.handler = lambda request: error_reply(400, "invented bad request")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "r1", "title": "Invented", "abstract": _abstract(1)}) + "\n")
    out = tmp_path / "out.jsonl"
    result = cli("extract", "--engine", "openai", "--model", "gpt-4o-mini", "--input", str(source),
                 "-o", str(out), "--no-store")
    assert result.exit_code == 1, result.output
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint:"))
    assert "--engine openai" in hint and "--model gpt-4o-mini" in hint and "--no-store" in hint
    assert f"-o {out} --resume" in hint


def test_rerun_args_quote_paths_and_skip_unset_options(tmp_path):
    from agent.cli.extract import _rerun_args

    assert _rerun_args(None, True, engine=None, no_store=False, concurrency=None) == "--all"
    assert _rerun_args(tmp_path / "my papers.csv", False, engine="hybrid", no_embeddings=True,
                       concurrency=2) == f"--input '{tmp_path / 'my papers.csv'}' --engine hybrid --no-embeddings --concurrency 2"


# -- a one-document --json command prints its failure as that document ------------------------------
@pytest.mark.parametrize("args,code", [
    (("show", "no-such-paper", "--json"), 1),
    (("claims", "no-such-paper", "--json"), 1),
    (("ask", "anything?", "--min-speedup", "nan", "--json"), 2),
    (("stats", "--json", "--no-such-option"), 2),
])
def test_json_failure_is_one_json_document_on_stdout(cli, args, code):
    result = cli(*args)
    assert result.exit_code == code
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == code and doc["error"] and "error:" in result.stderr
    assert doc["error"] in result.stderr


def test_json_lines_failure_prints_no_line_and_ingest_prints_one_document(cli, papers_home):
    listed = cli("list", "--year", "twenty", "--json")
    assert listed.exit_code == 2 and listed.stdout == ""
    ingested = cli("ingest", "--json", str(papers_home / "no-such-folder"))
    assert ingested.exit_code == 1
    assert "rejected" in json.loads(ingested.stdout)        # its own document, and only that one
    plain = cli("show", "no-such-paper")
    assert plain.exit_code == 1 and plain.stdout == ""      # without --json nothing changes


# -- progress of a long phase in a log --------------------------------------------------------------
def test_extract_progress_off_a_terminal_prints_a_line_per_tenth(cli, tmp_path, monkeypatch):
    """A log of `extract` showed its start line and then nothing until the end."""
    from agent.cli import output

    monkeypatch.setattr(output, "LOG_EVERY_SECONDS", 0.0)
    rows = [{"id": f"r{i}", "title": f"Invented {i}", "abstract": _abstract(i)} for i in range(10)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = cli("extract", "--input", str(source), "-o", str(tmp_path / "out.jsonl"), "--no-embeddings",
                 "--no-store")
    assert result.exit_code == 0, result.output
    steps = [line for line in result.stderr.splitlines() if line.startswith("extracting: ") and "%)" in line]
    assert steps[0].startswith("extracting: 1/10 papers (10%), ") and "left" in steps[0]
    assert len(steps) == 9                                   # 10% .. 90%; the end line says the rest
    assert "extracting: 10 papers in " in result.stderr


# -- --max-cost and --concurrency say what they accept and default to --------------------------------
@pytest.mark.parametrize("command", [("ask", "anything?"), ("extract", "--all")])
def test_max_cost_zero_is_refused_at_parse_time_with_any_engine(cli, command):
    result = cli(*command, "--max-cost", "0")
    assert result.exit_code == 2 and "above 0" in result.stderr


def test_help_states_the_concurrency_default_the_settings_use(cli):
    from agent.cli.extract import CONCURRENCY_HELP
    from core.settings import Settings

    assert f"default {Settings.model_fields['concurrency'].default}," in CONCURRENCY_HELP
    text = " ".join(cli("extract", "--help").stdout.replace("│", " ").split())   # unwrap the help box
    assert "x>=0.0" not in text and "no limit" in text


# -- search's terminal output ------------------------------------------------------------------------
def test_search_wraps_a_long_title_under_its_hit_and_renders_latex(cli, tmp_path):
    """A long title's second line started in column 0, and passages showed `2.5$\\times$`."""
    title = "Glimmerstack: An Invented Layered Cache for Very Long Prompts Served on Imaginary Boards"
    abstract = ("We present Glimmerstack, an invented layered cache for long prompts on imaginary boards. "
                "It gives a 2.5$\\times$ speedup in decoding over an invented baseline cache. ") * 2
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "g1", "title": title, "abstract": abstract}) + "\n")
    assert cli("ingest", "--no-index", str(source)).exit_code == 0
    result = cli("search", "Glimmerstack layered cache", "--mode", "bm25", "-k", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. ") and lines[1].startswith("    ") and "Glimmerstack" in lines[0]
    assert "2.5× speedup" in result.stdout and "$\\times$" not in result.stdout
    as_json = json.loads(cli("search", "Glimmerstack", "--mode", "bm25", "--json").stdout.splitlines()[0])
    assert "2.5$\\times$" in as_json["passage"]                  # machine output stays verbatim


# -- papers added to an extracted store ----------------------------------------------------------------
def test_ingest_names_unextracted_papers_and_extract_new_does_only_them(cli, tmp_path):
    """After adding a page to an extracted store, `ask` said the new papers report no hardware, and
    the only way to extract them was to extract every paper again."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps({"id": f"a{i}", "title": f"Invented A{i}", "abstract": _abstract(i)}) + "\n"
                             for i in range(2)))
    second.write_text(json.dumps({"id": "b1", "title": "Invented B", "abstract": _abstract(7)}) + "\n")
    assert cli("ingest", "--no-index", str(first)).exit_code == 0
    assert cli("extract", "--all", "--no-embeddings").exit_code == 0
    added = cli("ingest", "--no-index", str(second))
    assert added.exit_code == 0
    assert "note: 1 paper has no extraction yet" in added.stderr and "papers extract --all --new" in added.stderr
    out = tmp_path / "new.jsonl"
    result = cli("extract", "--all", "--new", "--no-embeddings", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["title"] for line in out.read_text().splitlines()] == ["Invented B"]
    again = cli("extract", "--all", "--new", "--no-embeddings")
    assert again.exit_code == 0 and "extracted 0" in again.stderr     # nothing new is no error
    assert cli("extract", "--new", "--input", str(second)).exit_code == 2
