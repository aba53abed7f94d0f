"""Exit codes a script can rely on: an input error is one error line and exit 1 with no summary that
suggests work was done; an empty result is exit 0 with the reason on stderr; a filter value that
cannot mean anything is a usage error, exit 2, the same in `list`, `search` and `export`."""

from __future__ import annotations

import json

import pytest

# invented papers (no fixture text)
PAPERS = [{"id": "inv-1", "title": "Folding lanterns for sparse attention", "date": "2022-05-01",
           "abstract": "We fold sparse attention kernels into lanterns and run 2.4x faster on a GPU."},
          {"id": "inv-2", "title": "Quiet caches for edge decoding", "date": "2023-03-09",
           "abstract": "A quiet cache cuts decoding latency on edge boards by 31% without retraining."}]


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "invented.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAPERS))
    return path


def test_a_missing_path_is_one_error_and_no_summary(cli, papers_home, tmp_path):
    missing = tmp_path / "no-such-listing.jsonl"
    result = cli("ingest", "--no-index", str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""                      # no "papers in store: 0 -> 0"
    assert result.stderr.splitlines() == [f"error: {missing}: no such file or directory",
                                          "hint: check the path (typo? moved?)"]
    assert not (papers_home / "papers.db").exists()  # nothing was created for nothing


def test_several_missing_paths_are_still_one_error_line(cli, tmp_path):
    result = cli("ingest", str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv"))
    assert result.exit_code == 1 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "a.jsonl" in errors[0] and "b.csv" in errors[0]


def test_a_good_and_a_missing_path_ingest_the_good_one_and_fail(cli, good_file, tmp_path):
    missing = tmp_path / "gone.jsonl"
    result = cli("ingest", "--no-index", str(good_file), str(missing))
    assert result.exit_code == 1
    assert f"error: {missing}: no such file or directory" in result.stderr
    assert "papers in store: 0 -> 2" in result.stdout   # work was done, and says so
    listed = cli("list", "--json")
    assert sorted(json.loads(line)["title"] for line in listed.stdout.splitlines()) == \
        sorted(p["title"] for p in PAPERS)


def test_a_file_in_no_known_format_prints_no_summary(cli, tmp_path):
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01 not a listing \x02")
    result = cli("ingest", "--no-index", str(odd))
    assert result.exit_code == 1
    assert "papers in store" not in result.stdout
    assert result.stderr.count("error:") == 1


def test_a_filter_that_leaves_nothing_is_exit_0_with_the_reason(cli, good_file, tmp_path):
    cli("ingest", "--no-index", str(good_file))
    for args in (["list", "--year", "1999"], ["search", "lanterns", "--mode", "bm25", "--year", "1999"],
                 ["export", "-o", str(tmp_path / "out.jsonl"), "--year", "1999"],
                 ["list", "--grep", "no-such-word-anywhere"]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "note: no paper matches" in result.stderr, args


def test_an_empty_store_is_exit_0_too(cli):
    result = cli("list")
    assert result.exit_code == 0 and "has no papers yet" in result.stderr


@pytest.mark.parametrize("flag,value,says", [("--year", "twenty", "cannot read year filter"),
                                             ("--year", "2024-2019", "runs backwards"),
                                             ("--min-speedup", "-2", "is not a speedup factor"),
                                             ("--min-speedup", "nan", "is not a speedup factor")])
def test_a_value_no_paper_could_match_is_a_usage_error_everywhere(cli, good_file, tmp_path, flag, value, says):
    cli("ingest", "--no-index", str(good_file))
    out = tmp_path / "out.jsonl"
    for args in (["list"], ["search", "lanterns", "--mode", "bm25"], ["export", "-o", str(out)]):
        result = cli(*args, flag, value)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and says in result.stderr and "\nhint: " in result.stderr
    assert not out.exists()    # refused before any file was written
