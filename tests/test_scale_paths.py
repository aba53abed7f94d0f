"""Issue 18's fast paths give the same answers as the slow ones: length-bucketed embedding, the int8
variant's selection and isolation, the pipelined index sync (every chunk once; an embedding error
keeps what was stored), cached filter masks (against a brute-force filter) and SQL statistics.

No timings here: the speed figures are printed by `python -m bench embed` and `python -m bench scale`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from core.errors import StoreError
from core.settings import Settings, reset_settings_cache

CATEGORIES = ["cs.DC", "cs.AR", "cs.LG", "cs.DC cs.LG", "cs.AR cs.DC", "cs.CL"]
WORDS = ("cache kernel scheduler memory gradient tensor compiler accelerator network storage "
         "latency throughput training inference sparse quantized pipeline cluster").split()


def _abstract(i: int) -> str:
    rng = np.random.default_rng(i)
    sentences = []
    for _ in range(3 + i % 9):   # 3-11 sentences: one to several chunks
        sentences.append(" ".join(rng.choice(WORDS, size=12 + i % 7)).capitalize() + ".")
    return " ".join(sentences)


def _write_corpus(path: Path, n: int) -> Path:
    rows = []
    for i in range(n):
        rows.append({"id": f"2301.{i:05d}", "title": f"Paper {i} on {WORDS[i % len(WORDS)]}",
                     "abstract": _abstract(i), "categories": CATEGORIES[i % len(CATEGORIES)],
                     "versions": [{"created": f"Mon, {1 + i % 28} Jan {2019 + i % 6} 10:00:00 GMT"}],
                     "update_date": f"{2019 + i % 6}-02-01", "authors": "A. Author"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _fake_vector(text: str) -> list[float]:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return (v / np.linalg.norm(v)).tolist()


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """(settings, store, embed calls): 60 snapshot-format papers, stored but not indexed; the
    embedding model replaced by text-hash vectors (the index code is real: Chroma, SQLite)."""
    from agent.corpus import ingest, open_store
    from store import index_sync
    from store.vectors import VectorStore

    reset_settings_cache()
    settings = Settings(home=tmp_path / "home", chroma_url=None, embedding="local")
    ingest([_write_corpus(tmp_path / "snap.jsonl", 60)], settings, index=False)
    calls: list[list[str]] = []

    def fake_embed(self, texts):
        calls.append(list(texts))
        return [_fake_vector(t) for t in texts]

    monkeypatch.setattr(VectorStore, "embed", fake_embed)
    monkeypatch.setattr(index_sync, "BATCH_PAPERS", 8)   # several batches in flight
    yield settings, open_store(settings), calls
    from store.index import close_all

    close_all()


# -- embedding ------------------------------------------------------------------------------------
def test_length_buckets_give_the_same_vectors_as_one_text_at_a_time():
    from store.embeddings import get_model

    model = get_model()
    texts = [_abstract(i)[: 40 + 37 * i] for i in range(24)] + ["GPU", "KV cache eviction", "  padded  "]
    bucketed = model.embed(texts)                                   # TOKEN_BUDGET buckets, 2 threads
    alone = np.vstack([model.embed([t], threads=1) for t in texts])  # no padding at all
    one_batch = model.embed(texts, batch_size=64, token_budget=10**6, threads=1)   # padded to the longest
    assert np.abs(bucketed - alone).max() < 1e-5
    assert np.abs(one_batch - alone).max() < 1e-5
    batches = model.batches(texts, 64, 512)
    assert sorted(i for rows, _, _ in batches for i in rows) == list(range(len(texts)))
    assert all(ids.shape[0] == 1 or ids.size <= 512 for _, ids, _ in batches)


def test_int8_is_selected_by_the_setting_and_is_its_own_space():
    from store.embeddings import embed, get_model
    from store.vectors import collection_name, embedding_name, embedding_spec

    float_s = Settings(embedding="local")
    int8_s = Settings(embedding="minilm-int8")
    assert embedding_spec(float_s) == ("local", None) and embedding_spec(int8_s) == ("local", "int8")
    assert embedding_name(int8_s) == "minilm-int8" and embedding_name(Settings(embedding="minilm")) == "local"
    assert collection_name(int8_s) != collection_name(float_s)
    assert get_model("int8") is not get_model(None)
    texts = ["KV cache compression for LLM serving", "a systolic array accelerator on an FPGA"]
    f, q = embed(texts), embed(texts, variant="int8")
    cos = (f * q).sum(axis=1)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    assert cos.min() > 0.97 and not np.array_equal(f, q)   # close, but not the same vectors


def test_index_refuses_a_different_embedding_and_reindex_switches(corpus):
    from store.index import search, sync_index
    from store.rebuild import reindex

    settings, store, _ = corpus
    sync_index(store, settings)
    other = settings.model_copy(update={"embedding": "minilm-int8"})
    for attempt in (lambda: search(store, other, "cache scheduler", k=3),
                    lambda: sync_index(store, other)):
        with pytest.raises(StoreError) as err:
            attempt()
        assert "'local'" in str(err.value) and "minilm-int8" in str(err.value)
        assert "papers reindex" in err.value.hint
    reindex(store, other)
    assert store.db.query("SELECT value FROM meta WHERE key = 'index_embedding'")[0][0] == "minilm-int8"
    assert search(store, other, "cache scheduler", k=3)
    with pytest.raises(StoreError):
        search(store, settings, "cache scheduler", k=3)


def test_an_index_from_before_the_name_was_recorded_is_checked_by_its_collection(corpus):
    from store.index import search, sync_index

    settings, store, _ = corpus
    sync_index(store, settings)
    with store.db.write() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'index_embedding'")
    assert search(store, settings, "cache scheduler", k=3)     # same collection: accepted
    with store.db.write() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'index_embedding'")
    with pytest.raises(StoreError, match="another embedding"):
        sync_index(store, settings.model_copy(update={"embedding": "minilm-int8"}))


# -- the pipelined sync ---------------------------------------------------------------------------
def _chroma_ids(settings) -> list[str]:
    from store.vectors import VectorStore

    vec = VectorStore.open(settings, create=False)
    try:
        return sorted(vec.all_ids())
    finally:
        vec.close()


def test_pipeline_stores_every_chunk_exactly_once(corpus):
    from store.chunking import chunk_abstract
    from store.index import close_all, sync_index

    settings, store, calls = corpus
    report = sync_index(store, settings)
    expected = sum(len(chunk_abstract(p.abstract, p.title)) for p in store.all())
    embedded = [t for call in calls for t in call]
    assert report.added == 60 and report.chunks == expected == len(embedded) == len(set(embedded))
    rows = [r[0] for r in store.db.query("SELECT id FROM index_chunks")]
    assert len(rows) == len(set(rows)) == expected
    close_all()
    assert _chroma_ids(settings) == sorted(rows)
    assert store.db.query("SELECT count(*) FROM index_papers")[0][0] == 60


def test_an_embedding_error_propagates_and_keeps_the_stored_batches(corpus, monkeypatch):
    from store.index import close_all, sync_index
    from store.vectors import VectorStore

    settings, store, calls = corpus
    good = VectorStore.embed

    def failing(self, texts):
        if len(calls) == 3:   # the fourth batch fails
            raise StoreError("the embedding model crashed", hint="retry")
        return good(self, texts)

    monkeypatch.setattr(VectorStore, "embed", failing)
    with pytest.raises(StoreError, match="crashed"):
        sync_index(store, settings)
    indexed = store.db.query("SELECT count(*) FROM index_papers")[0][0]
    assert indexed == 3 * 8   # the three batches embedded before the failure are stored
    close_all()
    n_rows = store.db.query("SELECT count(*) FROM index_chunks")[0][0]
    assert len(_chroma_ids(settings)) == n_rows   # no paper counted as indexed without its vectors
    monkeypatch.setattr(VectorStore, "embed", good)
    report = sync_index(store, settings)
    assert report.added == 60 - indexed
    rows = [r[0] for r in store.db.query("SELECT id FROM index_chunks")]
    close_all()
    assert _chroma_ids(settings) == sorted(rows) and len(rows) == len(set(rows))


# -- filtered search and statistics -----------------------------------------------------------------
def _brute_force(store, flt) -> set[str]:
    """The filter applied paper by paper in Python, from the papers' own fields."""
    out = set()
    for p in store.all():
        codes = set(p.categories or [p.category])
        if flt.category and flt.category not in codes:
            continue
        if flt.year and str(p.year) != flt.year:
            continue
        if flt.grep and flt.grep.lower() not in (p.title + " " + p.abstract).lower():
            continue
        out.add(p.id)
    return out


@pytest.mark.parametrize("mode", ["bm25", "hybrid", "dense"])
def test_filtered_search_matches_a_brute_force_filter(corpus, mode):
    from store.index import search, sync_index
    from store.papers import PaperFilter

    settings, store, _ = corpus
    sync_index(store, settings)
    for flt in (PaperFilter(category="cs.DC"), PaperFilter(category="cs.AR", year="2021"),
                PaperFilter(grep="Paper 1"), PaperFilter(category="cs.OS")):
        admitted = _brute_force(store, flt)
        for query in ("cache scheduler latency", "sparse quantized accelerator"):
            unfiltered = [h.paper.id for h in search(store, settings, query, k=60, mode=mode)]
            hits = [h.paper.id for h in search(store, settings, query, k=60, mode=mode, flt=flt)]
            expected = [p for p in unfiltered if p in admitted]   # k and the pool cover every chunk
            assert set(hits) == set(expected)
            if mode != "hybrid":   # fusion re-ranks a filtered run; single modes keep their order
                assert hits == expected


def test_a_filter_mask_is_recomputed_after_a_write(corpus, tmp_path):
    from agent.corpus import ingest
    from store.index import search, sync_index
    from store.papers import PaperFilter

    settings, store, _ = corpus
    sync_index(store, settings)
    flt = PaperFilter(category="cs.DC")
    before = {h.paper.id for h in search(store, settings, "cache", k=100, mode="bm25", flt=flt)}
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "2302.99999", "title": "A cache paper", "categories": "cs.DC",
                                 "abstract": "Cache cache cache scheduler for clusters of machines.",
                                 "versions": [{"created": "Mon, 2 Jan 2023 10:00:00 GMT"}],
                                 "update_date": "2023-01-02"}) + "\n")
    ingest([extra], settings)
    after = {h.paper.id for h in search(store, settings, "cache", k=100, mode="bm25", flt=flt)}
    new_id = store.resolve("2302.99999").id
    assert after == before | {new_id}


def test_stats_by_sql_equal_counting_the_papers(corpus):
    settings, store, _ = corpus
    papers = store.all()
    stats = store.stats()
    assert stats.papers == len(papers)
    assert stats.multi_source_papers == sum(1 for p in papers if len(p.sources) > 1)
    assert stats.per_year == dict(sorted(Counter(str(p.year) if p.year else "unknown" for p in papers).items()))
    assert stats.per_category == dict(Counter(p.category or "unknown" for p in papers))
    assert stats.with_arxiv_id == sum(1 for p in papers if p.arxiv_id)
    assert stats.with_title == sum(1 for p in papers if p.title)
    assert stats.duplicates_merged == stats.occurrences - len(papers)


def _seed_chunks(n: int) -> list[str]:
    from bench.common import seed_abstracts
    from store.chunking import chunk_abstract

    return [c.embed_text for title, abstract in seed_abstracts() for c in chunk_abstract(abstract, title)][:n]


@pytest.mark.parametrize("variant", [None, "int8"])
def test_skipping_the_slow_fusion_keeps_the_vectors(variant):
    # The embedder turns off onnxruntime's SkipLayerNormFusion for speed (bench embed); the vectors
    # must be those of the fully optimised session, chunk by chunk. int8: the last-bit differences of
    # the unfused residual + LayerNorm move a few activations across a quantization step (measured
    # min cosine 0.998 on these chunks; int8 vs float itself is ~0.994), so a looser bound there.
    import onnxruntime as ort

    from store import embeddings

    model, tokenizer = embeddings.onnx_model(variant=variant), embeddings.model_path() / "tokenizer.json"
    texts = _seed_chunks(60)
    fast = embeddings.OnnxEmbedder(model, tokenizer).embed(texts)
    plain = embeddings.OnnxEmbedder(model, tokenizer)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    plain.session = ort.InferenceSession(model if isinstance(model, bytes) else str(model), options,
                                         providers=["CPUExecutionProvider"])
    cos = (fast * plain.embed(texts)).sum(axis=1)
    bound = 0.9999 if variant is None else 0.997
    assert cos.min() >= bound, f"min cosine {cos.min():.6f}"


def test_int8_keeps_exactly_the_early_ffn_down_projections_float():
    import onnx

    from store.embeddings import FLOAT_FFN_DOWN_LAYERS, onnx_model

    model = onnx_model(variant="int8")
    graph = (onnx.load(str(model)) if isinstance(model, Path) else onnx.load_from_string(model)).graph
    float_weights = {i for n in graph.node if n.op_type == "MatMul" for i in n.input if i.endswith(".w")}
    assert float_weights == {f"encoder.layer.{i}.output.dense.w" for i in FLOAT_FFN_DOWN_LAYERS}
    texts = _seed_chunks(60)
    from store.embeddings import embed

    cos = (embed(texts) * embed(texts, variant="int8")).sum(axis=1)
    assert cos.min() >= 0.99, f"int8 vs float, min cosine {cos.min():.5f}"
