"""The bundled embedding model: cheap import, lazy single load, unit vectors, Chroma adapter."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest


def test_import_is_cheap_and_lazy():
    # A fresh interpreter: importing the module must not pull torch, sentence-transformers or chromadb.
    code = ("import sys, store.embeddings as e; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb') if m in sys.modules]; "
            "assert not heavy, heavy; assert not e.is_loaded(); "
            "assert e.embedding_dim() == 384; assert not e.is_loaded(); "
            "assert e.embed([]).shape == (0, 384); assert not e.is_loaded()")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(_repo()))


def test_embed_rejects_a_bare_string():
    from store.embeddings import embed

    with pytest.raises(TypeError):
        embed("not a list")  # type: ignore[arg-type]


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_real_model_unit_vectors_and_semantics():
    import numpy as np

    from store.embeddings import embed, embedding_dim, get_model, is_loaded

    vecs = embed(["KV cache compression for LLM serving",
                  "compressing the key-value cache of large language models",
                  "point cloud registration for autonomous vehicles"])
    assert vecs.shape == (3, embedding_dim()) == (3, 384)
    assert vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2   # paraphrase closer than another topic
    assert is_loaded() and get_model() is get_model()    # loaded once, shared


@pytest.mark.slow
def test_concurrent_callers_share_one_model():
    from store import embeddings

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(embeddings.get_model()))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in results}) == 1
    out: list[object] = []
    workers = [threading.Thread(target=lambda: out.append(embeddings.embed(["a", "b"])))
               for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(out) == 4 and all(v.shape == (2, 384) for v in out)


@pytest.mark.slow
def test_chroma_embedding_function_round_trip(tmp_path):
    import chromadb
    from chromadb.utils.embedding_functions import known_embedding_functions

    from store.embeddings import EF_NAME
    from store.minilm_chroma import LocalEmbeddingFunction, chroma_embedding_function

    ef = chroma_embedding_function()
    assert isinstance(ef, LocalEmbeddingFunction)
    assert known_embedding_functions[EF_NAME] is LocalEmbeddingFunction
    assert LocalEmbeddingFunction.build_from_config(ef.get_config()).get_config() == ef.get_config()
    client = chromadb.PersistentClient(path=str(tmp_path))
    col = client.get_or_create_collection("papers", embedding_function=ef)
    col.add(ids=["q", "s"], documents=["post-training quantization of weights to 4 bits",
                                       "serverless functions in the cloud"])
    # Reopen without passing the function: Chroma rebuilds it from the persisted config by name.
    reopened = chromadb.PersistentClient(path=str(tmp_path)).get_collection("papers")
    hits = reopened.query(query_texts=["low-bit integer weights"], n_results=1)
    assert hits["ids"][0] == ["q"]
    with pytest.raises(ValueError):
        ef.validate_config({"model": "some-other-model"})
