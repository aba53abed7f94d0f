"""Shared fixtures: every test gets its own PAPERS_HOME, never the user's store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def papers_home(tmp_path_factory, monkeypatch) -> Path:
    from core.settings import reset_settings_cache

    home = tmp_path_factory.mktemp("papers-home")
    monkeypatch.setenv("PAPERS_HOME", str(home))
    monkeypatch.delenv("PAPERS_CHROMA_URL", raising=False)
    monkeypatch.delenv("PAPERS_ENGINE", raising=False)
    monkeypatch.delenv("PAPERS_DEBUG", raising=False)
    monkeypatch.delenv("PAPERS_CONFIG", raising=False)
    monkeypatch.chdir(home)  # so a papers.toml in the developer's cwd cannot leak in
    reset_settings_cache()
    yield home
    reset_settings_cache()


@pytest.fixture
def settings(papers_home):
    from core.settings import Settings

    return Settings(home=papers_home)


@pytest.fixture
def store(settings):
    from agent.corpus import open_store

    return open_store(settings)


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


def run_cli(runner, *args: str, input: str | None = None):
    from agent.cli import app

    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli(runner):
    return lambda *args, input=None: run_cli(runner, *args, input=input)


# -- LLM engine: a fake OpenAI-compatible server, and no test ever reaches a real one --------------
@pytest.fixture(autouse=True)
def _no_real_llm(request, monkeypatch):
    """Tests never see the developer's OpenAI key or tracing settings (only @pytest.mark.live does)."""
    if request.node.get_closest_marker("live") is None:
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_ORG_ID",
                     "LANGCHAIN_TRACING_V2", "LANGSMITH_TRACING", "LANGCHAIN_API_KEY", "LANGSMITH_API_KEY"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_openai(monkeypatch):
    """A started tests/fakeopenai.FakeOpenAI; OPENAI_BASE_URL and OPENAI_API_KEY point at it."""
    from fakeopenai import FakeOpenAI

    fake = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-test-key-0123456789")
    yield fake
    fake.stop()


@pytest.fixture
def llm_engine(fake_openai, papers_home):
    """make(name="openai", **settings) -> an LLM engine on the fake server, with tiny backoff."""
    from agent.engines.registry import build_llm_engine
    from core.settings import Settings

    engines = []

    def make(name: str = "openai", *, use_cache: bool = True, concurrency: int | None = None,
             max_cost: float | None = None, model: str = "gpt-4o-mini", **settings):
        options = {"backoff_base": 0.01, "backoff_max": 0.05, "max_retries": 3, "request_timeout": 5.0,
                   **settings}
        engine = build_llm_engine(name, Settings(home=papers_home, **options), model=model,
                                  use_cache=use_cache, concurrency=concurrency, max_cost=max_cost)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()
