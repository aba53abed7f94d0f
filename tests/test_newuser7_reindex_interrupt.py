"""An interrupted `papers reindex` (Ctrl-C while embedding) must leave the index it found: the old
index directory is put back and the store of record again says which chunks it holds."""

from __future__ import annotations

import pytest

from tests.test_index import chroma_ids, env, golden, model, sql_ids  # noqa: F401  (fixtures)


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
    assert sql_ids(store) == before_sql         # the index's bookkeeping came back with it
    leftovers = [p.name for p in settings.chroma_path.parent.iterdir() if ".old-" in p.name]
    assert leftovers == []
