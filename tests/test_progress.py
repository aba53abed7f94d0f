"""Phase-aware progress: parse -> store -> embed, one plain line at the start and end of each phase
when stderr is not a terminal; a Chroma outage after storing says the papers were stored."""

from __future__ import annotations

import json
import re

from conftest import DATA, SEEDS

from test_cli_conventions import papers


def test_ingest_reports_each_phase_in_order_without_a_terminal(papers_home):
    result = papers("ingest", str(SEEDS / "001_4ede9d5f6e220ed7.txt"), str(DATA / "papers.csv"), home=papers_home)
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if re.match(r"^(parse|store|embed): ", ln)]
    assert lines[:4] == ["parse: 2 files...", lines[1], "store: 12 papers...", lines[3]]
    assert re.fullmatch(r"parse: 2 files in \d+\.\ds(, [\d.]+ files/s)?", lines[1])
    assert lines[4] == "embed: 12 papers..."
    assert re.fullmatch(r"embed: 12 papers in \d+\.\ds, [\d.]+ papers/s", lines[5])


def test_chroma_down_says_the_papers_were_stored(papers_home):
    down = {"PAPERS_CHROMA_URL": "http://127.0.0.1:9"}  # nothing listens on the discard port
    result = papers("ingest", str(DATA / "papers.csv"), env=down, home=papers_home)
    assert result.returncode == 1
    assert "error: the papers were stored (papers in store: 0 -> 2), but the search index was not updated: " \
           "cannot reach the Chroma server" in result.stderr
    assert "hint: start the server" in result.stderr and "Traceback" not in result.stderr
    listed = papers("list", "--json", home=papers_home)
    assert len([json.loads(line) for line in listed.stdout.splitlines()]) == 2
