"""End-to-end `ask` on a small invented corpus: the module's fixtures and helpers, shared by the test
files that build one (their corpora differ; how they are built, copied and asked does not)."""

from __future__ import annotations

import pytest

from setcorpus import build_extracted_corpus, store_env


def corpus_fixtures(papers, name: str):
    """(corpus_home, env) fixtures for a test module: `corpus_home` is built once per module from
    (title, date, category, abstract) rows; `env` is (settings, store) over a fresh copy per test.
    Bind them under those names: `corpus_home, env = corpus_fixtures(PAPERS, "x-corpus")`."""

    @pytest.fixture(scope="module")
    def corpus_home(tmp_path_factory):
        return build_extracted_corpus(tmp_path_factory.mktemp(name), papers)

    @pytest.fixture
    def env(corpus_home, papers_home):
        from store.index import close_all

        yield store_env(corpus_home, papers_home)
        close_all()

    return corpus_home, env


def short_titles(ans) -> list[str]:
    """Each citation's title up to its colon: the invented system's name."""
    return [(c.title or "").split(":")[0] for c in ans.citations]


def ask_in(env, question: str):
    from agent.qa import ask

    settings, store = env
    return ask(question, settings, store=store)
