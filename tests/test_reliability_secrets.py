"""The API key never leaks: not in output, error messages, `--json`, logs, tracebacks or PAPERS_HOME.

Commands run with a distinctive fake key against the fake server, first succeeding (ingest with
OpenAI embeddings, so the Chroma directory is built through the key; extract with the openai and
hybrid engines; search; tldr/claims/tags; ask; config/stats/show/list) and then failing, with a
server that echoes the key back in its error messages (as some gateways do): 500, 400, 401 and 429
insufficient_quota on chat, 500 and 401 on embeddings, each also with PAPERS_DEBUG=1 (tracebacks).
Everything they print, every log record (all loggers at DEBUG) and every byte of every file under
PAPERS_HOME (SQLite database, WAL, Chroma directory, outputs) is searched for the key and for
fragments of it.
"""

from __future__ import annotations

import json
import logging
import traceback

import pytest

from fakeopenai import auto_answer, error_reply

KEY = "sk-papers-leakcheck-7Q4vX9mZ2kR8tW1yB6nD3hF5"
FRAGMENTS = (KEY, KEY[len("sk-papers-"):], "7Q4vX9mZ2kR8", "tW1yB6nD3hF5")
ABSTRACT = ("We present FastThing, a kernel library for sparse attention. FastThing achieves a 3.1x speedup over "
            "FlashAttention on NVIDIA A100 GPUs and reduces memory by 42% on ImageNet.")
TEXT = "We present SlowThing, a compiler pass for sparse attention that is 2.5x faster than TVM on CPUs."


def echo(status: int, code: str | None = None):
    """An error reply quoting the request's key back, as a careless gateway would."""
    def reply(request):
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        return error_reply(status, f"Incorrect API key provided: {key}. Check your key at /account.", code=code)
    return reply


class Transcript:
    def __init__(self, runner, monkeypatch):
        self.runner, self.monkeypatch = runner, monkeypatch
        self.texts: list[tuple[str, str]] = []
        self.commands = self.failing = 0

    def run(self, *args: str, debug: bool = False, expect_ok: bool | None = None):
        from agent.cli import app

        if debug:
            self.monkeypatch.setenv("PAPERS_DEBUG", "1")
        try:
            result = self.runner.invoke(app, list(args))
        finally:
            self.monkeypatch.delenv("PAPERS_DEBUG", raising=False)
        self.commands += 1
        self.failing += result.exit_code != 0
        where = " ".join(args[:3]) + (" [debug]" if debug else "")
        self.texts.append((where + " stdout", result.stdout))
        self.texts.append((where + " stderr", getattr(result, "stderr", "") or ""))
        if result.exc_info and not isinstance(result.exception, SystemExit):
            self.texts.append((where + " traceback", "".join(traceback.format_exception(*result.exc_info))))
        if expect_ok is not None:
            assert (result.exit_code == 0) == expect_ok, (where, result.exit_code, result.output[-1500:])
        return result


def leaks_in(text: str) -> list[str]:
    return [f for f in FRAGMENTS if f in text]


def test_the_api_key_never_leaks(runner, fake_openai, papers_home, monkeypatch, caplog):
    from core.settings import reset_settings_cache

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    for name, value in (("PAPERS_EMBEDDING", "openai:text-embedding-3-small"), ("PAPERS_MAX_RETRIES", "1"),
                        ("PAPERS_BACKOFF_BASE", "0.01"), ("PAPERS_BACKOFF_MAX", "0.05"),
                        ("PAPERS_REQUEST_TIMEOUT", "5")):
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    caplog.set_level(logging.DEBUG)
    fake_openai.handler = auto_answer
    inp = papers_home / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": f"2603.{i:05d}", "title": f"FastThing {i}",
                                       "abstract": f"Variant {i}. {ABSTRACT}"}) + "\n" for i in range(8)))
    t = Transcript(runner, monkeypatch)

    # -- succeeding commands: the key is used for chat and for embeddings ----------------------
    t.run("ingest", str(inp), "--json", expect_ok=True)
    assert (papers_home / "chroma").is_dir()
    t.run("extract", "--engine", "openai", "--all", "-o", str(papers_home / "out.jsonl"), expect_ok=True)
    t.run("extract", "--engine", "hybrid", "--input", str(inp), "-o", str(papers_home / "out.csv"), expect_ok=True)
    t.run("search", "sparse attention kernels", "--json", expect_ok=True)
    t.run("tldr", "--engine", "openai", "--text", ABSTRACT, "--json", expect_ok=True)
    t.run("claims", "--engine", "hybrid", "--text", ABSTRACT, "--json", expect_ok=True)
    t.run("tags", "--engine", "openai", "--text", ABSTRACT, "--json", expect_ok=True)
    t.run("ask", "Which paper speeds up sparse attention?", "--engine", "openai", "--json")
    for args in (("config", "--json"), ("stats", "--json"), ("show", "2603.00001", "--json"), ("list", "--json")):
        t.run(*args, expect_ok=True)
    used = [r for r in fake_openai.requests if r.headers.get("authorization") == f"Bearer {KEY}"]
    assert {r.path.rsplit("/", 1)[-1] for r in used} >= {"completions", "embeddings"}, "the key was never sent"

    # -- failing commands, the server quoting the key back --------------------------------------
    chat_failures = [(500, None), (400, None), (401, None), (429, "insufficient_quota")]
    for debug in (False, True):
        for status, code in chat_failures:
            fake_openai.handler = echo(status, code)
            tag = f"{status}{'d' if debug else ''}"
            t.run("extract", "--engine", "openai", "--input", str(inp), "-o", str(papers_home / f"fail-{tag}.jsonl"),
                  "--no-cache", "--no-store", debug=debug, expect_ok=False)
            t.run("tldr", "--engine", "openai", "--text", f"{TEXT} ({tag})", "--json", debug=debug, expect_ok=False)
            t.run("claims", "--engine", "hybrid", "--text", f"{TEXT} [{tag}]", "--json", debug=debug, expect_ok=False)
            t.run("ask", f"Which paper speeds up sparse attention ({tag})?", "--engine", "openai", "--json",
                  debug=debug, expect_ok=False)
        for status in (500, 401):
            fake_openai.reset()
            fake_openai.push(*[echo(status)] * 6, endpoint="embeddings")
            t.run("search", f"a query never embedded before {status} {debug}", "--json", debug=debug, expect_ok=False)
    fake_openai.reset()

    # -- search everything ------------------------------------------------------------------------
    found = [(where, leaks_in(text)) for where, text in t.texts if leaks_in(text)]
    found += [(f"log {r.name}", leaks_in(r.getMessage())) for r in caplog.records if leaks_in(r.getMessage())]
    files = [p for p in papers_home.rglob("*") if p.is_file()]
    scanned = 0
    for path in files:
        data = path.read_bytes()
        scanned += len(data)
        hits = [f for f in FRAGMENTS if f.encode() in data or f.encode("utf-16-le") in data]
        if hits:
            found.append((str(path.relative_to(papers_home)), hits))
    assert any(p.match("*.sqlite3") for p in files) and (papers_home / "papers.db").exists()
    assert not found, f"the API key leaked into: {found}"
    print(f"\nsecrets: {t.commands} commands ({t.failing} failing, the server echoing the key), "
          f"{len(t.texts)} outputs, {len(caplog.records)} log records, {len(files)} files / {scanned:,} bytes "
          f"under PAPERS_HOME searched; key leaks 0")
