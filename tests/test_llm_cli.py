"""`papers` commands with `--engine openai|hybrid` against the fake server (and without a key)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from fakeopenai import auto_answer, error_reply, extraction_answer

ABSTRACT = ("We present FastThing, a kernel library for sparse attention. FastThing achieves a 3.1x "
            "speedup over FlashAttention on NVIDIA A100 GPUs and reduces memory by 42% on ImageNet.")


def write_input(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"p{i:03d}", "title": f"Paper {i}", "abstract": f"Paper {i}. {ABSTRACT}"}) + "\n")
    return path


@pytest.mark.parametrize("args", [
    ["extract", "--engine", "openai", "--input", "in.jsonl", "-o", "out.jsonl"],
    ["tldr", "--engine", "openai", "--text", ABSTRACT],
    ["claims", "--engine", "hybrid", "--text", ABSTRACT],
    ["tags", "--engine", "openai", "--text", ABSTRACT],
])
def test_missing_key_is_one_clear_line_and_nonzero_exit(args, runner, papers_home):
    from agent.cli import app

    write_input(papers_home / "in.jsonl", 2)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("error: the LLM engine needs OPENAI_API_KEY")
    assert lines[1].startswith("hint: set OPENAI_API_KEY") and len(lines) == 2
    assert not (papers_home / "out.jsonl").exists()


def test_tldr_claims_tags_commands_run_through_the_llm(cli, fake_openai):
    fake_openai.handler = auto_answer
    out = cli("tldr", "--engine", "openai", "--text", ABSTRACT, "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)["tldr"]
    out = cli("claims", "--engine", "openai", "--text", ABSTRACT, "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)["speedups"] == []
    out = cli("tags", "--engine", "openai", "--text", ABSTRACT, "--json")
    assert json.loads(out.stdout)["topics"][0]["signals"] == ["llm"]
    assert [r.schema_name for r in fake_openai.chat_requests] == ["tldr", "extraction", "tags"]


def test_dry_run_estimates_without_calling(cli, fake_openai, papers_home):
    write_input(papers_home / "in.jsonl", 10)
    out = cli("extract", "--engine", "openai", "--input", "in.jsonl", "--dry-run")
    assert out.exit_code == 0, out.output
    estimate = json.loads(out.stdout)
    assert estimate["papers"] == 10 and estimate["requests"] == 10 and estimate["cached"] == 0
    assert 10 * 800 < estimate["prompt_tokens"] < 10 * 1500 and estimate["cost_usd"] > 0   # the prompt budget
    assert fake_openai.count == 0


def test_dry_run_counts_cached_papers_as_free(cli, fake_openai, papers_home):
    fake_openai.handler = auto_answer
    write_input(papers_home / "in.jsonl", 6)
    assert cli("extract", "--engine", "openai", "--input", "in.jsonl", "-o", "out.jsonl", "--no-store").exit_code == 0
    estimate = json.loads(cli("extract", "--engine", "openai", "--input", "in.jsonl", "--dry-run").stdout)
    assert estimate["cached"] == 6 and estimate["requests"] == 0 and estimate["cost_usd"] == 0
    assert fake_openai.count == 6


def test_max_cost_stops_cleanly_and_resume_finishes(cli, fake_openai, papers_home):
    fake_openai.handler = lambda req: extraction_answer(usage=(3000, 100))
    write_input(papers_home / "in.jsonl", 12)
    out = cli("extract", "--engine", "openai", "--input", "in.jsonl", "-o", "out.jsonl", "--concurrency", "1",
              "--max-cost", "0.006", "--no-store")
    assert out.exit_code == 1 and "stopped: budget of $0.0060 reached" in out.stderr
    done = [json.loads(line) for line in (papers_home / "out.jsonl").read_text().splitlines()]
    assert 1 <= len(done) < 12 and fake_openai.count == len(done)
    out = cli("extract", "--engine", "openai", "--input", "in.jsonl", "-o", "out.jsonl", "--resume", "--no-store")
    assert out.exit_code == 0
    ids = [json.loads(line)["id"] for line in (papers_home / "out.jsonl").read_text().splitlines()]
    assert sorted(ids) == [f"p{i:03d}" for i in range(12)] and fake_openai.count == 12


def test_resume_after_sigkill_loses_nothing_and_repeats_nothing(fake_openai, papers_home, tmp_path):
    """A real `papers extract` process, killed mid-batch, then resumed: each id exactly once."""
    fake_openai.handler = auto_answer
    fake_openai.latency = 0.1
    inp, out = write_input(tmp_path / "in.jsonl", 30), tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "agent.cli", "extract", "--engine", "openai", "--input", str(inp), "-o", str(out),
           "--concurrency", "2", "--no-store"]
    env = {**os.environ, "PAPERS_HOME": str(papers_home), "PAPERS_BACKOFF_BASE": "0.01"}
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_lines(out, 6, proc, timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    killed_at = len(out.read_text().splitlines())
    assert killed_at < 30
    requests_before = fake_openai.count
    done = subprocess.run(cmd + ["--resume", "--concurrency", "8"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    records = [json.loads(line) for line in lines]                        # no corrupt line
    ids = [r["id"] for r in records]
    assert sorted(ids) == [f"p{i:03d}" for i in range(30)] and len(set(ids)) == 30
    # every paper finished before the kill was neither redone nor re-requested
    assert fake_openai.count - requests_before <= 30 - killed_at


def test_ctrl_c_stops_cleanly_and_keeps_finished_rows(fake_openai, papers_home, tmp_path):
    fake_openai.handler = auto_answer
    fake_openai.latency = 0.2
    inp, out = write_input(tmp_path / "in.jsonl", 40), tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "agent.cli", "extract", "--engine", "openai", "--input", str(inp), "-o", str(out),
           "--concurrency", "4", "--no-store"]
    proc = subprocess.Popen(cmd, env={**os.environ, "PAPERS_HOME": str(papers_home)}, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lines(out, 4, proc, timeout=60)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    # 130 as for ingest/reindex (round 7: it was 1, and no line said how to resume)
    assert proc.returncode == 130 and "stopped: interrupted" in err and "Traceback" not in err
    assert f"-o {out} --resume" in err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert 4 <= len(records) < 40 and len({r["id"] for r in records}) == len(records)


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= n:
            return
        if proc.poll() is not None:
            err = proc.stderr.read()
            raise AssertionError(f"papers extract exited early: {err[-2000:]!r}")
        time.sleep(0.05)
    raise AssertionError("no progress before the timeout")


def test_failures_file_stats_and_retry_failed(cli, fake_openai, papers_home):
    """Issue 17 item 7: failed ids are machine-readable, counted by stats, and redone on their own."""
    write_input(papers_home / "in.jsonl", 4)

    def flaky(req):
        if "Paper 2." in (req.fenced("abstract") or ""):
            return error_reply(400, "context too long for sk-fake-test-key-0123456789")
        return auto_answer(req)

    fake_openai.handler = flaky
    res = cli("extract", "--engine", "openai", "--input", "in.jsonl", "-o", "out.jsonl", "--failures", "failed.jsonl")
    assert res.exit_code == 1
    [line] = (papers_home / "failed.jsonl").read_text().splitlines()
    failure = json.loads(line)
    assert failure["id"] == "p002" and failure["stage"] == "extraction" and failure["error"] == "RequestFailed"
    assert "HTTP 400" in failure["message"] and "sk-fake" not in failure["message"]
    assert json.loads(cli("stats", "--json").stdout)["extraction_failures"] == 1
    fake_openai.handler = auto_answer
    fake_openai.reset()
    res = cli("extract", "--engine", "openai", "--input", "in.jsonl", "-o", "retry.jsonl", "--retry-failed")
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["id"] for x in (papers_home / "retry.jsonl").read_text().splitlines()] == ["p002"]
    assert fake_openai.count == 1
    assert json.loads(cli("stats", "--json").stdout)["extraction_failures"] == 0


def test_openai_extraction_loads_no_embedding_model_chroma_or_langchain(fake_openai, papers_home):
    """Issue 17 item 8: the first request does not wait for anything the LLM path does not need."""
    write_input(papers_home / "in.jsonl", 3)
    code = ("import sys\nfrom agent.cli import app\n"
            "sys.argv = ['papers', 'extract', '--engine', 'openai', '--input', 'in.jsonl', '-o', 'out.jsonl']\n"
            "try:\n    app()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "heavy = [m for m in ('chromadb', 'torch', 'sentence_transformers', 'langchain_openai', 'langchain')"
            " if m in sys.modules]\nprint('heavy', heavy)\n")
    fake_openai.handler = auto_answer
    env = {**os.environ, "PYTHONPATH": str(REPO), "PAPERS_HOME": str(papers_home)}
    done = subprocess.run([sys.executable, "-c", code], cwd=papers_home, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "heavy []" in done.stdout and fake_openai.count == 3


def test_cli_names_an_llm_engine_for_the_early_sdk_import(monkeypatch):
    """The CLI starts importing the openai SDK before typer parses options only when the command line
    (or PAPERS_ENGINE) selects an LLM engine; `papers --help` and local commands never do."""
    from agent.cli import _names_llm_engine

    monkeypatch.delenv("PAPERS_ENGINE", raising=False)
    assert _names_llm_engine(["extract", "--engine", "openai", "-i", "x.jsonl"])
    assert _names_llm_engine(["ask", "q", "-e", "hybrid"]) and _names_llm_engine(["extract", "--engine=OpenAI"])
    assert not _names_llm_engine(["--help"]) and not _names_llm_engine(["extract", "--engine", "local"])
    monkeypatch.setenv("PAPERS_ENGINE", "openai")
    assert _names_llm_engine(["extract", "-i", "x.jsonl"]) and not _names_llm_engine(["ask", "q", "-e", "local"])
    assert not _names_llm_engine(["--help"]) and not _names_llm_engine(["extract", "--help"])
