"""Keeps bench/ from rotting: the cheapest section in quick mode, and the scale arithmetic.
No timing is asserted anywhere (the machine may be busy)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO


def test_quick_parse_section_runs_and_prints_its_table(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "parse", "--no-write", "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cores" in done.stdout and "parse seed pages" in done.stdout
    assert "synthetic" in done.stdout and "FAILED" not in done.stdout


def test_unknown_section_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "bench", "--only", "nope"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "unknown section" in done.stderr


def test_synthetic_corpus_is_unique_and_ingestible(tmp_path):
    sys.path.insert(0, str(REPO))
    from bench.common import write_synthetic

    from agent.corpus import ingest
    from core.settings import Settings

    path = write_synthetic(tmp_path / "syn.jsonl", 50)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len({r["abstract"] for r in rows}) == 50 and all(r["synthetic"] for r in rows)
    report = ingest([path], Settings(home=tmp_path / "home"), index=False)
    assert report.papers_after == 50 and not report.rejected


def test_growth_flags_quadratic_and_not_linear():
    sys.path.insert(0, str(REPO))
    from bench.scale import growth

    linear = growth(1000, 10000, 1.0, 10.0, batch=True)
    quadratic = growth(1000, 10000, 1.0, 100.0, batch=True)
    flat_search = growth(1000, 10000, 0.02, 0.021, batch=False)
    assert round(linear["ratio"], 6) == 1.0 and linear["verdict"] == "linear"
    assert round(quadratic["ratio"], 6) == 10.0 and quadratic["verdict"] == "LOOKS QUADRATIC"
    assert flat_search["verdict"] == "sublinear"


def test_results_file_keeps_other_sections(tmp_path):
    sys.path.insert(0, str(REPO))
    from bench.common import Bench, write_results

    path = tmp_path / "results.json"
    path.write_text(json.dumps({"sections": {"llm": [{"what": "old"}], "parse": [{"what": "stale"}]}}))
    bench = Bench(quick=True, verbose=False)
    try:
        bench.add("parse", "fresh", 1.0, "papers/s")
        write_results(bench, ["parse"], {}, path=path)
    finally:
        bench.close()
    data = json.loads(path.read_text())
    assert data["sections"]["llm"] == [{"what": "old"}]
    assert [r["what"] for r in data["sections"]["parse"]] == ["fresh"]
    assert data["machine"]["cores"] >= 1


def test_held_out_lists_every_skipped_file_in_order_and_nothing_else():
    sys.path.insert(0, str(REPO))
    from bench.common import held_out

    argv = ["tool.py", "--skip", "first.jsonl", "-v", "--file", "other.jsonl", "--skip", "second.jsonl"]
    assert held_out(argv) == ("first.jsonl", "second.jsonl")
    assert held_out(["tool.py", "-v"]) == ()
