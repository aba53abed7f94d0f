"""Paper cuts a new user meets in the first hour (round 6): each test fails on the code before its fix."""

from __future__ import annotations

from conftest import DATA


def test_a_paper_id_in_an_empty_store_says_the_store_is_empty_and_where(cli, papers_home):
    for command in ("show", "claims", "tldr"):
        result = cli(command, "2303.13018")
        assert result.exit_code == 1
        error, hint = result.stderr.splitlines()[:2]
        assert error == f"error: no paper '2303.13018': the store at {papers_home} is empty", error
        assert "papers ingest" in hint and "PAPERS_HOME" in hint, hint


def test_an_unknown_paper_id_in_a_filled_store_hints_how_to_find_ids(cli):
    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    result = cli("show", "does-not-exist")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "error: no paper 'does-not-exist' in the store"
    assert "papers list --grep" in result.stderr.splitlines()[1]
