"""The ONNX embedder: no torch at run time, a cached export keyed by the weights, parity with
sentence-transformers (vectors and search results), stores built by the old path still searchable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "evals" / "fixtures" / "qa.jsonl"
TORCH_STACK = ("torch", "transformers", "sentence_transformers")


def test_runtime_path_imports_no_torch_stack(tmp_path):
    # Embedding, the Chroma adapter and a dense search, in a fresh interpreter: none of torch,
    # transformers or sentence-transformers may be imported; with a warm cache not even onnx.
    code = f"""
import sys
from store.embeddings import embed; from store.minilm_chroma import chroma_embedding_function
assert embed(['KV cache compression'], threads=1).shape == (1, 384)
assert len(chroma_embedding_function()(['a', 'b'])) == 2
import json
from pathlib import Path
from agent.corpus import ingest, open_store
from core.settings import get_settings
from store.index import search
src = Path({str(tmp_path)!r}) / 'p.jsonl'
src.write_text(json.dumps({{'id': '2401.00001', 'title': 'ForkLess', 'abstract': 'We remove fork latency from Redis snapshots.'}}) + '\\n')
ingest([src], get_settings())
assert search(open_store(), get_settings(), 'snapshot latency', k=1, mode='dense')
print(sorted(m for m in {TORCH_STACK + ('onnx',)!r} if m in sys.modules))
"""
    env = _env(tmp_path)
    first = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split("\n")[-2] in ("[]", "['onnx']")   # onnx only if this run built the model
    env["PAPERS_HOME"] = str(tmp_path / "home2")
    again = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split("\n")[-2] == "[]"


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    env = dict(os.environ, PAPERS_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    for name in ("PAPERS_CHROMA_URL", "PAPERS_EMBEDDING", "PAPERS_CONFIG"):
        env.pop(name, None)
    return env


def _fake_model_dir(root: Path, weights: bytes) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.json").write_text('{"model_type": "bert"}')
    (root / "model.safetensors").write_bytes(weights)
    return root


def test_weights_key_follows_content_not_timestamps(tmp_path):
    from store.embeddings import weights_key

    cache = tmp_path / "cache"
    a = _fake_model_dir(tmp_path / "a", b"weights-1")
    key = weights_key(a, cache)
    assert weights_key(a, cache) == key                       # remembered per (path, size, mtime)
    b = _fake_model_dir(tmp_path / "b", b"weights-1")         # same bytes elsewhere: same model
    assert weights_key(b, cache) == key
    (a / "model.safetensors").write_bytes(b"weights-2")       # new weights: new key
    assert weights_key(a, cache) != key
    assert weights_key(b, None) == key                        # no cache: hashed every time, same answer


def test_export_is_cached_and_reused(tmp_path, monkeypatch):
    from store import embeddings

    model_dir = embeddings.model_path()
    path = embeddings.onnx_model(model_dir, tmp_path)
    assert isinstance(path, Path) and path.is_file() and path.stat().st_size > 50_000_000
    assert not list(path.parent.glob("*.tmp"))                # written atomically: no leftovers
    assert json.loads((path.parent / "source.json").read_text())["model"] == embeddings.MODEL_NAME

    def no_build(_):
        raise AssertionError("the cached export should have been used")

    monkeypatch.setattr(embeddings, "_build", no_build)
    assert embeddings.onnx_model(model_dir, tmp_path) == path


def test_unwritable_cache_still_embeds(tmp_path, monkeypatch):
    from store import embeddings

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    model = embeddings.onnx_model(embeddings.model_path(), blocker)
    assert isinstance(model, bytes)                           # built in memory, nothing cached
    embedder = embeddings.OnnxEmbedder(model, embeddings.model_path() / "tokenizer.json")
    assert embedder.embed(["quantization"]).shape == (1, 384)


def test_atomic_write_leaves_old_content_on_failure(tmp_path):
    from store.atomic import atomic_write

    target = tmp_path / "f.bin"
    atomic_write(target, lambda fh: fh.write(b"old"))

    def broken(fh):
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_batches_come_back_in_input_order():
    from store.embeddings import embed

    texts = ["a short one", "a much longer text about pipeline parallel training of large models " * 3,
             "medium length text on kv caches", "x"]
    together = embed(texts, batch_size=2)
    one_by_one = np.vstack([embed([t], threads=1) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-5)


def test_embed_cached_reads_the_second_time(tmp_path, monkeypatch):
    from core.settings import reset_settings_cache
    from store import embeddings

    monkeypatch.setenv("PAPERS_CACHE_DIR", str(tmp_path))
    reset_settings_cache()
    first = embeddings.embed_cached(["tag one", "tag two"], "test")
    assert len(list((tmp_path / "vectors").glob("test-*.npy"))) == 1
    monkeypatch.setattr(embeddings, "embed", lambda texts: (_ for _ in ()).throw(AssertionError("re-embedded")))
    assert np.array_equal(embeddings.embed_cached(["tag one", "tag two"], "test"), first)
    with pytest.raises(AssertionError):                       # other texts: another key
        embeddings.embed_cached(["tag one", "tag three"], "test")


# -- parity with sentence-transformers (the old path; needs the reference extra) -----------------
def _texts(n: int = 200) -> list[str]:
    """n texts as the index embeds them: distinct seed abstracts (title-prefixed), then chunks."""
    from bench.common import seed_abstracts
    from store.chunking import chunk_abstract

    seen, out = set(), []
    pairs = seed_abstracts()
    for title, abstract in pairs:
        text = f"{title}. {abstract}" if title else abstract
        if text not in seen:
            seen.add(text)
            out.append(text)
    for title, abstract in pairs:
        for chunk in chunk_abstract(abstract, title):
            if chunk.embed_text not in seen:
                seen.add(chunk.embed_text)
                out.append(chunk.embed_text)
    return out[:n]


@pytest.mark.slow
def test_parity_with_sentence_transformers_on_200_texts():
    pytest.importorskip("sentence_transformers")
    from store.embeddings import embed
    from store.st_reference import reference_embed

    texts = _texts(200)
    assert len(texts) == 200
    cos = np.sum(embed(texts) * reference_embed(texts), axis=1)
    assert cos.min() >= 0.999, f"min cosine {cos.min():.6f}"


@pytest.mark.slow
def test_same_top10_and_old_stores_stay_searchable(tmp_path, monkeypatch):
    """A seeds index built by sentence-transformers, searched with ONNX query vectors (no reindex),
    and an index built by ONNX, searched with ONNX: the same top 10 for every QA question.

    "The same" allows one thing: two papers whose scores are tied to within TIE may swap. ONNX and
    torch vectors differ by ~1e-4 in cosine, which can swap two chunks with equal similarity; in
    hybrid mode that moves a paper's RRF score by ~1/(60+r)^2 and can reorder exact near-ties."""
    pytest.importorskip("sentence_transformers")
    from store import embeddings
    from store.st_reference import reference_embed

    questions = [json.loads(line)["question"] for line in QA.read_text().splitlines() if line.strip()]
    onnx_embed = embeddings.embed
    monkeypatch.setattr(embeddings, "embed", reference_embed)   # the old function builds and answers
    old_home = tmp_path / "old"
    old = _top10(old_home, questions)
    monkeypatch.setattr(embeddings, "embed", onnx_embed)        # new code, same (old) store
    problems = _differences(old, _top10(old_home, questions), "old store, ONNX queries")
    problems += _differences(old, _top10(tmp_path / "new", questions), "store built by ONNX")
    assert not problems, "\n".join(problems)


TIE = {"dense": 2e-4, "hybrid": 3e-4}   # score gaps that count as ties (cosine; RRF sum)


def _differences(old: dict, new: dict, label: str) -> list[str]:
    """Rankings that differ by more than near-tie swaps (see the test's docstring)."""
    problems = []
    for key, ranked in old.items():
        got = new[key]
        if [pid for pid, _ in ranked[:10]] == [pid for pid, _ in got[:10]]:
            continue
        scores_old, scores_new = dict(ranked), dict(got)
        for i in range(10):
            a, b = ranked[i][0], got[i][0]
            if a == b:
                continue
            # a swap is a tie when the other side ranks each paper with (nearly) the same score
            gap = max(abs(scores_old.get(b, -1.0) - ranked[i][1]), abs(scores_new.get(a, -1.0) - got[i][1]))
            if gap > TIE[key[1]]:
                problems.append(f"{label}: {key}: position {i + 1} {a} -> {b} (score gap {gap:.2e})\n"
                                f"  old {ranked[:10]}\n  new {got[:10]}")
                break
    return problems


def _top10(home: Path, questions: list[str]) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(question, mode) -> the top 12 (paper id, score): 2 beyond 10 to see ties across the cut."""
    from agent.corpus import ingest, open_store
    from core.settings import Settings
    from store.index import close_all, search

    from store import index

    settings = Settings(home=home, seeds_dir=REPO / "seeds", chroma_url=None, embedding="local")
    if not (home / "papers.db").exists():
        ingest([settings.seeds_dir], settings)
    # As a new process: no cached query vectors, and dense reads from the snapshot the sync wrote,
    # i.e. exact cosine. Chroma's HNSW is approximate over the 200-chunk pool, and two HNSW graphs
    # built from the same vectors can miss different chunks, which says nothing about the embedder.
    close_all()
    store = open_store(settings)
    try:
        out = {(q, mode): [(h.paper.id, h.score) for h in search(store, settings, q, k=12, mode=mode)]
               for q in questions for mode in ("dense", "hybrid")}
        assert all(h.dense is not None and h.vectors is None for h in index._handles.values())
        return out
    finally:
        close_all()
