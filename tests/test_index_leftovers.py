"""The search index after a reindex that did not finish (round 6, a new user's first hour).

Ctrl-C puts the old index back; a killed process (closed terminal, OOM) cannot, and left the old
index directory beside an empty new one while `papers doctor` said "all good"."""

from __future__ import annotations

import pytest

from tests.test_index import PAPERS_B, chroma_ids, env, golden, model, sql_ids, write_jsonl  # noqa: F401


def test_interrupted_reindex_puts_the_old_index_back(env):  # noqa: F811
    from store.index import close_all
    from store.rebuild import reindex

    settings, store, _ = env
    before_sql, before_chroma = sql_ids(store), chroma_ids(settings)
    assert before_sql and before_sql == before_chroma

    def ctrl_c(_n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex(store, settings, progress=ctrl_c)
    close_all()
    assert chroma_ids(settings) == before_chroma
    assert not list(settings.chroma_path.parent.glob("chroma.old-*"))


def test_doctor_names_an_old_index_a_killed_reindex_left_and_reindex_deletes_it(env):  # noqa: F811
    from store.doctor import diagnose
    from store.index import close_all
    from store.rebuild import reindex

    settings, store, _ = env
    left = settings.chroma_path.with_name(f"{settings.chroma_path.name}.old-0badc0de")
    left.mkdir()
    (left / "chroma.sqlite3").write_bytes(b"an old copy")
    report = diagnose(settings)
    assert report.healthy and report.commands == ["papers reindex"]
    assert any(c.name == "old index copies" and str(left) in c.detail for c in report.components)
    close_all()
    reindex(store, settings)
    assert not left.exists()
    assert "old index copies" not in {c.name for c in diagnose(settings).components}


def test_doctor_says_how_many_papers_the_index_does_not_hold_yet(env):  # noqa: F811
    from agent.corpus import ingest
    from store.doctor import diagnose

    settings, _, src = env
    more = src.parent / "more"
    more.mkdir()
    write_jsonl(more / "c.jsonl", [(f"Extra {t}", d, c, f"{a} A different follow-up study of {t}.") for t, d, c, a in PAPERS_B[:2]])
    ingest([more], settings, index=False)
    (index,) = [c for c in diagnose(settings).components if c.name == "search index"]
    assert "2 papers not indexed yet" in index.detail, index.detail
