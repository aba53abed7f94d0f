"""Scraped pages and spreadsheets carry invisible characters (byte-order marks, zero-width spaces,
bidi overrides, no-break spaces). They are dropped at parse time, so every output (show/list/search
--json, not only the human tables) and de-duplication see the clean title."""

from __future__ import annotations

import json

from store.sources import read_source
from store.stream_ingest import read_jsonl_line

ABSTRACT = ("We present WidgetNet, a system for widget inference on edge devices that schedules "
            "operators by their memory footprint. On a Jetson board WidgetNet runs 2.5x faster than "
            "TensorFlow Lite while keeping accuracy on ImageNet.")
MESSY_TITLE = "\ufeffWidgetNet:\u200b Fast\u00a0Widget \u202eInference\u202c on Edge Devices"
CLEAN_TITLE = "WidgetNet: Fast Widget Inference on Edge Devices"


def _record(title: str, abstract: str = ABSTRACT, **extra) -> str:
    return json.dumps({"title": title, "abstract": abstract, "authors": ["\u200bA. Person", "B.\u00a0Person"],
                       **extra}, ensure_ascii=False)


def test_parsed_titles_authors_and_abstracts_lose_invisible_characters(tmp_path):
    path = tmp_path / "messy.jsonl"
    path.write_text(_record(MESSY_TITLE, ABSTRACT.replace("2.5x", "2.5\u200bx")) + "\n", encoding="utf-8")
    for paper in (read_source(path, max_bytes=10**7).papers[0],
                  read_jsonl_line(path.read_bytes(), 1)[0][0]):     # whole-file and streamed paths
        assert paper.title == CLEAN_TITLE
        assert paper.authors == ["A. Person", "B. Person"]
        assert paper.abstract == ABSTRACT


def test_messy_and_clean_copies_are_one_paper_with_a_clean_title_everywhere(cli, tmp_path):
    messy, clean = tmp_path / "messy.jsonl", tmp_path / "clean.jsonl"
    messy.write_text(_record(MESSY_TITLE, "  " + ABSTRACT) + "\n", encoding="utf-8")
    clean.write_text(_record(CLEAN_TITLE) + "\n", encoding="utf-8")
    assert cli("ingest", "--no-index", str(messy), str(clean)).exit_code == 0
    rows = [json.loads(line) for line in cli("list", "--json").stdout.splitlines()]
    assert [r["title"] for r in rows] == [CLEAN_TITLE]
    shown = json.loads(cli("show", rows[0]["id"], "--json").stdout)
    assert shown["title"] == CLEAN_TITLE and len(shown["sources"]) == 2
    parsed = json.loads(cli("parse", str(messy), "--json").stdout.splitlines()[0])
    assert parsed["title"] == CLEAN_TITLE
