"""Fixes from a new-user review of the command line: counts, years, usage errors, empty results."""

from __future__ import annotations

import json

import pytest

from conftest import SEEDS


@pytest.mark.parametrize("args", [("list", "-n", "0"), ("list", "-n", "-1"), ("list", "--limit", "0"),
                                  ("search", "x", "-k", "0"), ("extract", "--all", "--concurrency", "0"),
                                  ("ingest", "--batch-size", "0"), ("eval", "-n", "0"),
                                  ("extract", "--all", "--max-cost", "-1"), ("ask", "x", "--max-cost", "-0.5")])
def test_counts_must_be_positive(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "error: Invalid value for" in result.stderr and args[-2] in result.stderr and "hint:" in result.stderr


def test_list_limit_is_a_count_not_a_slice(cli, store):
    from core.errors import UsageError
    from store.papers import PaperFilter

    cli("ingest", "--no-index", str(SEEDS))
    assert len(cli("list", "-n", "2", "--json").stdout.splitlines()) == 2
    with pytest.raises(UsageError):
        PaperFilter(limit=0)


# -- 2. a paper without a date takes its year (nothing finer) from a new-style arXiv id -------------
@pytest.mark.parametrize("arxiv_id, year", [("2210.06223", 2022), ("2210.06223v2", 2022), ("0704.0001", 2007),
                                            ("0703.1234", None), ("2213.00001", None), ("9912.12345", None),
                                            ("cs/0112017", None), (None, None)])
def test_year_of_a_new_style_arxiv_id(arxiv_id, year):
    from store.records import Paper

    paper = Paper(abstract="An abstract.", arxiv_id=arxiv_id)
    assert paper.year == year and paper.date is None
    assert Paper(abstract="An abstract.", arxiv_id="2210.06223", date="2021-12-30").year == 2021  # a date wins


def _undated_jsonl(tmp_path):
    path = tmp_path / "undated.jsonl"
    path.write_text(json.dumps({"title": "Undated", "abstract": "We study paging of KV caches for serving.",
                                "arxiv_id": "2210.06223"}) + "\n")
    return path


def test_list_year_finds_an_undated_arxiv_paper(cli, tmp_path):
    cli("ingest", "--no-index", str(_undated_jsonl(tmp_path)))
    row = json.loads(cli("list", "--year", "2022", "--json").stdout)
    assert row["year"] == 2022 and row["date"] is None
    assert cli("list", "--year", "2021", "--json").stdout == ""


def test_a_store_from_before_is_backfilled_once(cli, tmp_path, settings):
    from store.db import Database

    cli("ingest", "--no-index", str(_undated_jsonl(tmp_path)))
    db = Database(settings.db_path)
    db.conn.execute("UPDATE papers SET year = NULL")   # as an older version stored it
    db.conn.execute("DELETE FROM meta WHERE key = 'years_from_arxiv_ids'")
    assert cli("list", "--year", "2022", "--json").stdout.count("\n") == 1


# -- 3. a variant written with its product is its own product (LABELLING.md §3: as written) --------
@pytest.mark.parametrize("text, names", [
    ("commercial GPUs (e.g., NVIDIA V100S)", ["NVIDIA V100S"]),
    ("an NVIDIA V100 and a V100S", ["NVIDIA V100", "NVIDIA V100S"]),
    ("a Tesla V100-SXM2 GPU", ["NVIDIA V100-SXM2"]),
    ("H100 PCIe and H100 NVL", ["NVIDIA H100 PCIe", "NVIDIA H100 NVL"]),
    ("a Tesla K40m", ["NVIDIA K40m"]),
    ("a Jetson Nano 4GB board", ["NVIDIA Jetson Nano 4GB"]),
    ("8 Tesla V100 GPUs", ["NVIDIA V100"])])
def test_hardware_variants_are_kept_as_written(text, names):
    from agent.engines.local.hardware_rules import find_hardware

    assert [h.name for h in find_hardware(text)] == names


# -- 4. usage errors of the single-paper commands carry a hint -------------------------------------
@pytest.mark.parametrize("command", ["claims", "tags", "tldr"])
@pytest.mark.parametrize("args", [(), ("someid", "--text", "We present X."), ("--text", ""), ("--text", "  ")])
def test_paper_or_text_usage_errors_have_a_hint(cli, command, args):
    result = cli(command, *args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: ")
    if args and args[-1].strip() == "":
        assert lines[0] == "error: --text is empty"


def test_every_usage_error_without_its_own_hint_points_at_help(cli):
    from core.errors import UsageError

    from agent.cli.app import app

    @app.command("raise-usage-for-test", hidden=True)
    def _raise():
        raise UsageError("nonsense asked")

    try:
        result = cli("raise-usage-for-test")
    finally:
        app.registered_commands.pop()
    assert result.exit_code == 2
    assert result.stderr == ("error: nonsense asked\n"
                             "hint: `papers raise-usage-for-test --help` lists the arguments and options\n")


# -- 5. --topic values are read as the taxonomy tag they spell --------------------------------------
def _one_extracted(cli, store, topics):
    from core.models import Extraction
    from store.extractions import save_extraction

    cli("ingest", "--no-index", str(SEEDS))
    pid = store.all()[0].id
    assert save_extraction(store, Extraction.from_json({"id": pid, "engine": "local", "topics": topics}))
    return pid


@pytest.mark.parametrize("value", ["LLM serving", "llm_serving", "Llm-Serving", "KV caches", " kv-cache "])
def test_topic_filter_normalises_case_spaces_and_plurals(cli, store, value):
    pid = _one_extracted(cli, store, ["llm-serving", "kv-cache"])
    for command in (("list", "--json"), ("search", "memory", "--mode", "bm25", "--json"),
                    ("export", "--force", "-o", "out.jsonl")):
        result = cli(*command, "--topic", value)
        assert result.exit_code == 0 and "no paper has" not in result.stderr, command
    assert json.loads(cli("list", "--topic", value, "--json").stdout)["id"] == pid


def test_an_unknown_topic_still_names_the_closest_tags(cli, store):
    _one_extracted(cli, store, ["llm-serving", "kv-cache"])
    result = cli("list", "--topic", "serving")
    assert "note: no paper has --topic 'serving'" in result.stderr
    assert "llm-serving" in result.stderr.splitlines()[-1]


# -- 6. extract -o: JSON Lines or CSV only; an existing file needs --force (or --resume) ------------
@pytest.mark.parametrize("name", ["x.txt", "x.json", "x"])
def test_extract_output_must_be_jsonl_or_csv(cli, tmp_path, name):
    cli("ingest", "--no-index", str(_undated_jsonl(tmp_path)))
    result = cli("extract", "--all", "--no-embeddings", "--no-store", "-o", str(tmp_path / name))
    assert result.exit_code == 2 and not (tmp_path / name).exists()
    assert f"error: cannot write extractions to {name}" in result.stderr and ".jsonl" in result.stderr


def test_extract_output_is_overwritten_only_with_force(cli, tmp_path):
    cli("ingest", "--no-index", str(_undated_jsonl(tmp_path)))
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old"}\n')
    refused = cli("extract", "--all", "--no-embeddings", "--no-store", "-o", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr and out.read_text() == '{"id": "old"}\n'
    resumed = cli("extract", "--all", "--no-embeddings", "--no-store", "-o", str(out), "--resume")
    assert resumed.exit_code == 0 and out.read_text().count("\n") == 2   # the old row is kept
    forced = cli("extract", "--all", "--no-embeddings", "--no-store", "-o", str(out), "--force")
    assert forced.exit_code == 0 and [json.loads(line)["title"] for line in out.read_text().splitlines()] == ["Undated"]
    both = cli("extract", "--all", "--no-store", "-o", str(out), "--force", "--resume")
    assert both.exit_code == 2 and "hint:" in both.stderr


# -- 7. every empty result says why, in one `note:` on stderr ----------------------------------------
def test_empty_year_listing_says_why(cli):
    cli("ingest", "--no-index", str(SEEDS))
    for args in (("list", "--year", "2030"), ("list", "--year", "2030", "--json"),
                 ("search", "kv cache", "--mode", "bm25", "--year", "2030")):
        result = cli(*args)
        assert result.exit_code == 0
        assert "note: no paper matches --year '2030'" in result.stderr, args
        assert "hint: the store's papers are from 2018-" in result.stderr


def test_empty_search_has_no_stdout_text_and_one_note(cli):
    cli("ingest", "--no-index", str(SEEDS))
    result = cli("search", "zzzqqqx", "--mode", "bm25")
    assert result.stdout == ""
    assert "\nnote: no paper contains a word of the query (BM25 matches words only)\n" in result.stderr


def test_an_empty_store_listing_says_so(cli):
    result = cli("list")
    assert "note: the store at " in result.stderr and "has no papers yet" in result.stderr and "papers ingest" in result.stderr


# -- 8. show --json has every key list --json has (null when unknown), and more ----------------------
def test_show_json_keys_include_list_json_keys(cli, tmp_path):
    cli("ingest", "--no-index", str(_undated_jsonl(tmp_path)))
    listed = json.loads(cli("list", "--json").stdout)
    shown = json.loads(cli("show", listed["id"], "--json").stdout)
    assert set(listed) <= set(shown)
    assert shown["venue"] is None and shown["category"] is None and shown["date"] is None
    assert shown["year"] == listed["year"] == 2022
    assert {"abstract", "authors", "extraction", "code_url"} <= set(shown)
