"""CLI conventions: empty env vars, usage errors as error:/hint: lines, --version, JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO


def papers(*args: str, env: dict | None = None, home=None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERS_")}
    full_env.update({"PYTHONPATH": str(REPO), "PAPERS_HOME": str(home), **(env or {})})
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


def test_empty_papers_env_vars_mean_unset(papers_home):
    empty = {name: "" for name in ("PAPERS_DEBUG", "PAPERS_CONCURRENCY", "PAPERS_ENGINE", "PAPERS_MAX_FILE_MB",
                                   "PAPERS_CHROMA_URL", "PAPERS_REQUEST_TIMEOUT", "PAPERS_CONFIG")}
    result = papers("config", "--json", env=empty, home=papers_home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["debug"] is False and data["concurrency"] == 8 and data["engine"] == "local"


def test_invalid_setting_is_one_error_line_not_a_traceback(papers_home):
    result = papers("config", env={"PAPERS_CONCURRENCY": "lots"}, home=papers_home)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: invalid PAPERS_CONCURRENCY='lots'")
    assert "hint: fix or unset PAPERS_CONCURRENCY" in result.stderr


def test_papers_debug_zero_is_off(papers_home):
    result = papers("show", "nope", env={"PAPERS_DEBUG": "0"}, home=papers_home)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "error: no paper" in result.stderr


def test_usage_errors_are_error_and_hint_lines(cli):
    for args, message in ((["search"], "error: Missing argument 'query'."),
                          (["lst"], "error: No such command 'lst'. Did you mean 'list'?"),
                          (["search", "x", "-k", "0"], "error: Invalid value for '-k' / '--top'"),
                          (["--bogus"], "error: No such option: --bogus")):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(message), result.stderr
        assert "hint: `papers" in result.stderr and "╭" not in result.stderr


def test_version(cli):
    from importlib.metadata import version

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"papers {version('papers')}"


def test_json_conventions_are_stated_and_empty_results_are_valid(cli):
    assert "JSON Lines" in cli("--help").stdout
    for command in ("list", "search", "parse"):
        assert "JSON Lines on stdout" in " ".join(cli(command, "--help").stdout.split()), command
    for command in ("stats", "show", "doctor", "config"):
        assert "one JSON document" in " ".join(cli(command, "--help").stdout.split()), command
    empty = cli("list", "--json")
    assert empty.exit_code == 0 and empty.stdout == ""  # zero lines: valid (empty) JSON Lines
    assert json.loads(cli("stats", "--json").stdout)["papers"] == 0
