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
    from agent.settings import reset_settings_cache

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
    from agent.settings import Settings

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
