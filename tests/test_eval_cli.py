"""`papers eval` outputs: JSON only on stdout, JUnit XML, Markdown, --compare, not-available suites,
usage errors, and a `--help` that imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from test_eval_claims import _shift_values, write_predictions

from conftest import REPO, run_cli


@pytest.fixture
def gold(tmp_path):
    return write_predictions(tmp_path / "gold.jsonl")


@pytest.fixture
def bad(tmp_path):
    return write_predictions(tmp_path / "bad.jsonl", _shift_values)


def _eval(runner, *args):
    return run_cli(runner, "eval", "--suite", "claims", *args)


def test_json_is_the_only_stdout(runner, gold):
    result = _eval(runner, "--predictions", str(gold), "--json")
    data = json.loads(result.stdout)          # the whole of stdout is one JSON document
    assert result.exit_code == 0 and data["passed"] is True and data["schema"] == 1
    claims = data["suites"]["claims"]
    assert claims["status"] == "ok" and claims["metrics"]["speedups"]["f1"] == 1.0
    assert all(c["passed"] for c in data["checks"]) and data["failures"] == []


def test_json_failure_lists_the_failing_checks(runner, bad):
    result = _eval(runner, "--predictions", str(bad), "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["passed"] is False
    assert any(f.startswith("claims.speedups.f1 = 0 < ") for f in data["failures"])


def test_junit_one_case_per_field_and_failures(runner, bad, tmp_path):
    out = tmp_path / "ci" / "eval.xml"
    result = _eval(runner, "--predictions", str(bad), "--junit", str(out))
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    suite = root.find("testsuite[@name='eval.claims']")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert "claims.speedups" in names and "claims.topics" in names and "claims.grounding" in names
    failed = {c.get("name") for c in suite.findall("testcase") if c.find("failure") is not None}
    assert "claims.speedups" in failed and "claims.datasets" not in failed
    assert int(root.get("failures")) == len(failed) >= 1
    props = {p.get("name"): p.get("value") for p in suite.find("testcase[@name='claims.datasets']/properties")}
    assert props["f1"] == "1.000"


def test_markdown_report_has_scores_and_worst_cases(runner, bad, tmp_path):
    out = tmp_path / "report.md"
    _eval(runner, "--predictions", str(bad), "--markdown", str(out), "--worst", "2")
    text = out.read_text()
    assert text.startswith("# `papers eval` report") and "Gate: **FAILED**" in text
    assert "| speedups |" in text and "### Worst cases" in text and "missing" in text
    assert text.count("errors)") == 2


def test_compare_shows_regressions_and_improvements(runner, gold, bad, tmp_path):
    old = tmp_path / "old.json"
    old.write_text(_eval(runner, "--predictions", str(gold), "--json").stdout)
    result = _eval(runner, "--predictions", str(bad), "--compare", str(old), "--json")
    cmp = json.loads(result.stdout)["comparison"]
    regressed = {c["key"] for c in cmp["regressed"]}
    assert "claims.speedups.f1" in regressed and "claims.datasets.f1" not in regressed
    assert cmp["cases_regressed"] and cmp["improved"] == []
    text = _eval(runner, "--predictions", str(gold), "--compare", str(old)).output
    assert "0 improved, 0 regressed" in text


def test_compare_rejects_files_that_are_not_eval_output(runner, gold, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    result = _eval(runner, "--predictions", str(gold), "--compare", str(junk))
    assert result.exit_code == 1 and "not the output of `papers eval --json`" in result.output


def test_missing_component_is_reported_not_available(runner, monkeypatch):
    import agent.engines.registry as base

    def missing(*a, **k):
        raise ModuleNotFoundError("No module named 'agent.engines.nothing'", name="agent.engines.nothing")

    monkeypatch.setattr(base, "get_engine", missing)
    result = _eval(runner, "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0, "not available is reported, not a failure"
    assert data["suites"]["claims"]["status"] == "not available"
    assert "agent.engines.nothing does not exist yet" in data["suites"]["claims"]["reason"]
    text = _eval(runner).output
    assert "claims: not available: engine 'local': agent.engines.nothing does not exist yet" in text
    assert _eval(runner, "--strict").exit_code == 1


def test_crashing_engine_is_an_error_that_fails_the_gate(runner, monkeypatch):
    import agent.engines.registry as base

    class Broken:
        name = "broken"

        def extract(self, paper):
            raise RuntimeError("boom")

    monkeypatch.setattr(base, "get_engine", lambda *a, **k: Broken())
    data = json.loads(_eval(runner, "--json").stdout)
    assert data["suites"]["claims"]["status"] == "error" and "boom" in data["suites"]["claims"]["reason"]
    assert data["passed"] is False


@pytest.mark.parametrize("args,needle", [
    (["--suite", "nope"], "unknown suite"),
    (["--suite", "tldr", "--predictions", "x.jsonl"], "--predictions scores the claims suite"),
    (["--suite", "tldr", "--tldr-data", "/no/such/scitldr.jsonl"], "SciTLDR data not found"),
    (["--suite", "claims", "--fixtures", "/no/such/dir"], "no claim fixtures")])
def test_usage_and_input_errors(runner, args, needle):
    result = run_cli(runner, "eval", *args)
    assert result.exit_code in (1, 2) and needle in result.output


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom agent.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0 and 'eval' in r.output, r.output\n"
            "r = CliRunner().invoke(app, ['eval', '--help'])\nassert r.exit_code == 0, r.output\n"
            "assert '--suite' in r.output and '--junit' in r.output\n"
            "heavy = [m for m in ('rouge_score', 'numpy', 'chromadb', 'torch', 'evals.metrics') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_compare_only_suites_that_ran_and_per_case_changes():
    from evals.compare import compare_runs
    from evals.results import EvalRun, SuiteResult

    old = {"suites": {
        "claims": {"status": "ok", "metrics": {"speedups": {"f1": 0.5, "tp": 3}, "topics": {"f1": 0.8}},
                   "per_case": {"a": 1.0, "b": 0.5}},
        "tldr": {"status": "ok", "metrics": {"engine": {"rouge1": 40.0}}}}}
    new = EvalRun([SuiteResult("claims", metrics={"speedups": {"f1": 0.6, "tp": 9}, "topics": {"f1": 0.7999},
                                                  "datasets": {"f1": 1.0}},
                               per_case={"a": 0.0, "b": 0.75, "c": 1.0})])
    cmp = compare_runs(old, new, "old.json")
    assert [c.key for c in cmp.improved] == ["claims.speedups.f1"]          # tp is a count, not a score
    assert cmp.regressed == [] and cmp.unchanged == 1                          # 0.0001 is within tolerance
    assert cmp.appeared == ["claims.datasets.f1"] and cmp.disappeared == []    # tldr did not run: not compared
    assert [c.key for c in cmp.cases_regressed] == ["claims:a"] and [c.key for c in cmp.cases_improved] == ["claims:b"]


def test_junit_skips_suites_that_are_not_available(runner, monkeypatch, tmp_path):
    import agent.engines.registry as base

    def missing(*a, **k):
        raise ModuleNotFoundError("No module named 'agent.engines.nothing'", name="agent.engines.nothing")

    monkeypatch.setattr(base, "get_engine", missing)
    out = tmp_path / "j.xml"
    _eval(runner, "--junit", str(out))
    suite = ET.parse(out).getroot().find("testsuite[@name='eval.claims']")
    assert suite.get("skipped") == "1" and "does not exist yet" in suite.find("testcase/skipped").get("message")
    _eval(runner, "--junit", str(out), "--strict")
    assert ET.parse(out).getroot().get("failures") == "1"
