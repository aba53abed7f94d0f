"""`papers doctor` compares the embedding the index was built with against the one the settings
select (a search would refuse the index), both ways round, and names `papers reindex` as the fix.

The index is real (Chroma, SQLite); the embedding model is replaced by text-hash vectors."""

from __future__ import annotations

import pytest

from core.settings import Settings, reset_settings_cache
from store.doctor import diagnose

from test_scale_paths import _fake_vector, _write_corpus


@pytest.fixture
def indexed(tmp_path, monkeypatch):
    """(settings, store): 12 papers indexed with the float MiniLM ('local')."""
    from agent.corpus import ingest, open_store
    from store.index import close_all, sync_index
    from store.vectors import VectorStore

    reset_settings_cache()
    monkeypatch.setattr(VectorStore, "embed", lambda self, texts: [_fake_vector(t) for t in texts])
    settings = Settings(home=tmp_path / "home", chroma_url=None, embedding="local")
    ingest([_write_corpus(tmp_path / "snap.jsonl", 12)], settings, index=False)
    store = open_store(settings)
    sync_index(store, settings)
    yield settings, store
    close_all()


def component(report, name: str):
    return next(c for c in report.components if c.name == name)


def test_doctor_accepts_the_embedding_the_index_was_built_with(indexed):
    settings, _ = indexed
    report = diagnose(settings)
    assert report.healthy and component(report, "embedding").detail == "local, as the index was built"


def test_doctor_names_reindex_when_the_settings_select_another_embedding(indexed):
    settings, _ = indexed
    report = diagnose(settings.model_copy(update={"embedding": "minilm-int8"}))
    emb = component(report, "embedding")
    assert not report.healthy and not emb.ok
    assert "built with 'local'" in emb.detail and "select 'minilm-int8'" in emb.detail
    assert "`papers reindex`" in emb.detail and "PAPERS_EMBEDDING=local" in emb.detail
    assert report.commands == ["papers reindex"]
    assert component(report, "search index").detail.startswith("ok, ")   # checked with its own embedding


def test_the_other_way_round_after_a_reindex_to_int8(indexed):
    from store.rebuild import reindex

    settings, store = indexed
    int8 = settings.model_copy(update={"embedding": "minilm-int8"})
    reindex(store, int8)
    assert diagnose(int8).healthy
    report = diagnose(settings)
    emb = component(report, "embedding")
    assert not emb.ok and "built with 'minilm-int8'" in emb.detail and "select 'local'" in emb.detail
    assert "PAPERS_EMBEDDING=minilm-int8" in emb.detail and report.commands == ["papers reindex"]


def test_an_index_from_before_the_name_was_recorded_is_checked_by_its_collection(indexed):
    settings, store = indexed
    with store.db.write() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'index_embedding'")
    assert diagnose(settings).healthy
    emb = component(diagnose(settings.model_copy(update={"embedding": "minilm-int8"})), "embedding")
    assert not emb.ok and "another embedding (collection papers-minilm-l6-v2)" in emb.detail


def test_an_unknown_embedding_setting_is_a_problem_with_its_hint(indexed):
    settings, _ = indexed
    report = diagnose(settings.model_copy(update={"embedding": "bogus"}))
    emb = component(report, "embedding")
    assert not report.healthy and "unknown embedding 'bogus'" in emb.detail and "minilm-int8" in emb.detail
    assert report.commands == []


def test_nothing_indexed_yet_is_fine_with_any_embedding(tmp_path):
    from agent.corpus import ingest

    settings = Settings(home=tmp_path / "home", chroma_url=None, embedding="minilm-int8")
    ingest([_write_corpus(tmp_path / "snap.jsonl", 3)], settings, index=False)
    emb = component(diagnose(settings), "embedding")
    assert emb.ok and emb.detail == "minilm-int8 (nothing indexed yet)"


def test_the_cli_exits_1_and_prints_the_fix(indexed, cli, monkeypatch):
    settings, _ = indexed
    monkeypatch.setenv("PAPERS_HOME", str(settings.home))
    monkeypatch.setenv("PAPERS_EMBEDDING", "minilm-int8")
    reset_settings_cache()
    result = cli("doctor")
    assert result.exit_code == 1
    assert "embedding  PROBLEM" in result.stdout and "\n  papers reindex" in result.stdout
