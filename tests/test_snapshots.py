"""What the index persists between changes: BM25 statistics (bm25.npz) and the dense snapshot
(dense.npz) that lets a new process search without importing chromadb."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
PAPERS = [
    ("2401.00001", "ForkLess: snapshotting Redis without fork", "We remove fork latency from Redis snapshots "
     "by copy-on-write page tracking in user space, cutting p99 latency by 4.2x."),
    ("2401.00002", "FedPhone: federated learning on phones", "Federated learning trains models across phones "
     "without collecting raw data; we cut communication by 3x with sparse updates."),
    ("2401.00003", "KVZip: compressing the KV cache", "We compress the key-value cache of large language "
     "model serving by 4x with per-head quantization, keeping accuracy."),
    ("2401.00004", "TinyDet: object detection on microcontrollers", "An object detector for "
     "microcontrollers that runs at 12 fps on a Cortex-M7 with 256 KB of RAM."),
    ("2401.00005", "Pipelined MoE training", "Mixture-of-experts training overlaps all-to-all "
     "communication with expert computation, giving 1.8x higher throughput on 64 GPUs."),
]
QUERIES = ["Redis snapshot latency", "federated learning", "KV cache quantization", "edge object detection",
           "expert parallel training", "compression"]


@pytest.fixture
def home(tmp_path):
    from agent.corpus import ingest
    from core.settings import Settings
    from store.index import close_all

    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps({"id": i, "title": t, "abstract": a}) + "\n" for i, t, a in PAPERS))
    settings = Settings(home=tmp_path / "home", chroma_url=None, embedding="local")
    ingest([src], settings)
    close_all()
    yield settings
    close_all()


def _search_all(settings, mode: str) -> list[list[tuple[str, float]]]:
    from agent.corpus import open_store
    from store.index import search

    store = open_store(settings)
    return [[(h.paper.id, round(h.score, 5)) for h in search(store, settings, q, k=5, mode=mode)]
            for q in QUERIES]


def test_sync_persists_bm25_and_dense_snapshot(home):
    assert (home.home / "bm25.npz").is_file() and (home.home / "dense.npz").is_file()


def test_snapshot_answers_like_chroma(home, monkeypatch):
    from store import index
    from store.index import close_all

    from_snapshot = {m: _search_all(home, m) for m in ("dense", "hybrid")}
    h = next(iter(index._handles.values()))
    assert h.dense is not None and h.vectors is None            # Chroma was never opened
    close_all()
    monkeypatch.setattr(index, "_current_snapshot", lambda h, store: None)
    from_chroma = {m: _search_all(home, m) for m in ("dense", "hybrid")}
    assert from_chroma == from_snapshot


def test_filters_apply_to_snapshot_queries(home):
    from agent.corpus import open_store
    from store.index import search
    from store.papers import PaperFilter

    hits = search(open_store(home), home, "compression", k=5, mode="dense", flt=PaperFilter(grep="cache"))
    assert [h.paper.id for h in hits] == ["2401.00003"]


def test_new_process_searches_without_chromadb(home):
    code = ("import sys\nfrom agent.corpus import open_store\nfrom core.settings import get_settings\n"
            "from store.index import search\n"
            "hits = search(open_store(), get_settings(), 'Redis snapshot latency', k=1, mode='hybrid')\n"
            "print(hits[0].paper.id, 'chromadb' in sys.modules)")
    env = _env(home)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2401.00001", "False"]


def test_a_change_invalidates_the_snapshot(home, tmp_path):
    from agent.corpus import ingest
    from store.index import close_all

    before = np.load(home.home / "dense.npz")["key"]
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "2401.00006", "title": "Sparse attention kernels",
                                 "abstract": "Block-sparse attention kernels for long sequences on GPUs."}) + "\n")
    ingest([extra], home)
    close_all()
    assert np.load(home.home / "dense.npz")["key"] != before
    ids = [pid for pid, _ in _search_all(home, "dense")[0]]
    assert "2401.00006" in ids                                     # the new paper is searchable


def test_rewritten_chroma_falls_back_to_chroma(home):
    from store.snapshots import DenseSnapshot, chroma_size

    db = home.chroma_path / "chroma.sqlite3"
    size = chroma_size(home)
    with open(db, "ab") as fh:                                     # Chroma's file changed under us
        fh.write(b"\0" * 4096)
    assert chroma_size(home) == size + 4096
    with np.load(home.home / "dense.npz") as saved:
        key = str(saved["key"])
    assert not DenseSnapshot.is_current(home, key)


def test_bm25_round_trip_scores_identically():
    from store.bm25 import BM25, tokenize

    docs = [tokenize(a) for _, _, a in PAPERS]
    built = BM25(docs)
    loaded = BM25.from_arrays(built.to_arrays())
    for q in QUERIES:
        assert np.array_equal(built.scores(tokenize(q)), loaded.scores(tokenize(q)))


def test_bm25_is_loaded_not_rebuilt_in_a_new_process(home, monkeypatch):
    from agent.corpus import open_store
    from store import retrieval
    from store.index import search

    def no_build(*_a, **_k):
        raise AssertionError("BM25 was rebuilt although bm25.npz is current")

    monkeypatch.setattr(retrieval, "BM25", no_build)
    assert search(open_store(home), home, "federated", k=1, mode="bm25")[0].paper.id == "2401.00002"


def _env(settings) -> dict[str, str]:
    import os

    env = dict(os.environ, PAPERS_HOME=str(settings.home), PYTHONPATH=str(REPO))
    for name in ("PAPERS_CHROMA_URL", "PAPERS_EMBEDDING", "PAPERS_CONFIG"):
        env.pop(name, None)
    return env
