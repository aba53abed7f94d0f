"""Fixes from a new-user review of the command line: counts, years, usage errors, empty results."""

from __future__ import annotations

import json

import pytest

from conftest import SEEDS


@pytest.mark.parametrize("args", [("list", "-n", "0"), ("list", "-n", "-1"), ("list", "--limit", "0"),
                                  ("search", "x", "-k", "0"), ("extract", "--all", "--concurrency", "0"),
                                  ("ingest", "--batch-size", "0"), ("eval", "-n", "0")])
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
