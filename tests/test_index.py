"""The search index: chunking, BM25, incremental sync, crash repair, search modes, filters, bad input.

The real embedding model is loaded once per session; the corpus is eight short papers embedded once
into a "golden" home, which each test copies, so most tests embed nothing at all.
"""

from __future__ import annotations

import gc

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.errors import NotFoundError, StoreError, UsageError
from core.settings import Settings, reset_settings_cache
from store.chunking import chunk_abstract

REPO = Path(__file__).resolve().parent.parent

PAPERS_A = [
    ("KVPress: Evicting Key-Value Cache Entries for Long-Context LLM Inference", "2024-03-01", "cs.CL",
     "Long-context large language models keep a key-value cache that grows with every token. "
     "KVPress evicts cache entries whose attention scores stay low, shrinking the KV cache by 4x. "
     "A small budget of recent tokens is always kept. "
     "On LongBench, accuracy drops by less than one point while decoding memory falls sharply."),
    ("FedPhone: Communication-Efficient Federated Learning on Mobile Devices", "2022-06-10", "cs.LG",
     "Federated learning trains a shared model on phones without collecting user data. "
     "FedPhone compresses model updates with sparsification and error feedback. "
     "Clients upload ten times fewer bytes per round. "
     "Experiments on FEMNIST show the same accuracy as uncompressed federated averaging."),
    ("FlexCNN: A Xilinx FPGA Accelerator for Convolutional Neural Networks", "2021-02-15", "cs.AR",
     "Convolutional neural networks need efficient hardware for inference at the edge. "
     "FlexCNN is a systolic-array accelerator implemented on a Xilinx Alveo FPGA board. "
     "A compiler maps each convolution layer to the array and tiles on-chip buffers. "
     "FlexCNN reaches 2.3x higher throughput than a GPU baseline per watt."),
    ("GraphSampler: Locality-Aware Neighbor Sampling for GNN Training", "2023-09-01", "cs.DC",
     "Sampling neighbors dominates the cost of training graph neural networks on large graphs. "
     "GraphSampler reorders vertices so that sampled neighborhoods are contiguous in memory. "
     "It cuts irregular memory accesses and speeds up GNN training by 1.9x."),
    ("ForkLess: Removing Snapshot Latency Spikes in In-Memory Key-Value Stores", "2023-04-20", "cs.OS",
     "In-memory key-value stores such as Redis snapshot their data with the fork system call. "
     "Copying the page table during fork blocks the parent process and causes tail-latency spikes. "
     "ForkLess copies the page table lazily in the child process. "
     "The 99.9th percentile query latency of Redis drops by an order of magnitude during snapshots."),
]
PAPERS_B = [
    ("SplatLite: Real-Time 3D Gaussian Splatting on Mobile GPUs", "2024-11-05", "cs.CV",
     "3D Gaussian splatting renders photorealistic novel views but needs desktop GPUs. "
     "SplatLite prunes and quantizes Gaussians and sorts them in tiles on mobile GPUs. "
     "It renders scenes in real time on a smartphone."),
    ("EdgeMoE: Expert Offloading for Mixture-of-Experts Inference on Edge Devices", "2024-01-12", "cs.LG",
     "Mixture-of-experts language models activate few experts per token but store all of them. "
     "EdgeMoE keeps hot experts in device memory and streams the rest from flash storage. "
     "A predictor prefetches the experts the next layer will need."),
    ("SpotTrain: Checkpointing Deep Learning Training on Preemptible Cloud Instances", "2022-08-30", "cs.DC",
     "Spot instances are cheap but can be preempted at any moment. "
     "SpotTrain checkpoints training state asynchronously and resumes on new instances within seconds. "
     "Training cost falls by 60 percent compared with on-demand instances."),
]
N_PAPERS = len(PAPERS_A) + len(PAPERS_B)
CLEAR_QUERIES = [
    ("evict entries from the KV cache of long-context LLMs", "KVPress"),
    ("federated learning on smartphones with compressed updates", "FedPhone"),
    ("Redis fork page table tail latency", "ForkLess"),
    ("mixture of experts offloading on edge devices", "EdgeMoE"),
]


def write_jsonl(path: Path, papers) -> Path:
    rows = [{"title": t, "date": d, "category": c, "abstract": a} for t, d, c, a in papers]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def make_settings(home: Path, **kw) -> Settings:
    reset_settings_cache()
    return Settings(**{"home": home, "chroma_url": None, "embedding": "local", **kw})


@pytest.fixture(scope="session")
def model():
    from store.embeddings import get_model

    return get_model()


@pytest.fixture(scope="session")
def golden(tmp_path_factory, model):
    """A home with both files ingested and indexed; built (embedded) once per session."""
    from agent.corpus import ingest
    from store.index import close_all

    root = tmp_path_factory.mktemp("golden")
    src = root / "src"
    src.mkdir()
    write_jsonl(src / "a.jsonl", PAPERS_A)
    write_jsonl(src / "b.jsonl", PAPERS_B)
    report = ingest([src], make_settings(root / "home"))
    close_all()
    # Close the ingest's SQLite connection now: collected later, mid-copytree in a test, it deletes
    # its -wal/-shm files under the copy (seen once in CI as a shutil.Error).
    gc.collect()
    return root, report.index


@pytest.fixture
def env(golden, tmp_path, monkeypatch):
    """(settings, store, src dir): a private copy of the golden home; PAPERS_HOME points at it."""
    from agent.corpus import open_store
    from store.index import close_all

    root, _ = golden
    shutil.copytree(root / "home", tmp_path / "home")
    shutil.copytree(root / "src", tmp_path / "src")
    monkeypatch.setenv("PAPERS_HOME", str(tmp_path / "home"))
    settings = make_settings(tmp_path / "home")
    yield settings, open_store(settings), tmp_path / "src"
    close_all()
    reset_settings_cache()


def chroma_ids(settings) -> set[str]:
    from store.vectors import VectorStore

    vec = VectorStore.open(settings)
    try:
        return vec.all_ids()
    finally:
        vec.close()


def sql_ids(store) -> set[str]:
    return {r[0] for r in store.db.query("SELECT id FROM index_chunks")}


def titles(hits) -> list[str]:
    return [h.paper.title.split(":")[0] for h in hits]


# -- chunking ---------------------------------------------------------------------------------------
def test_sentences_respect_abbreviations_and_decimals():
    from store.chunking import chunk_sentences

    text = "We use e.g. ResNet-50 and reach 3.5x speedup (Fig. 3). Results hold! Does it scale? Yes."
    assert chunk_sentences(text) == ["We use e.g. ResNet-50 and reach 3.5x speedup (Fig. 3).",
                                     "Results hold!", "Does it scale?", "Yes."]
    assert chunk_sentences("  ") == []


def test_chunks_are_bounded_overlapping_and_titled():
    from store.chunking import MAX_WORDS, chunk_abstract

    sentences = [f"Sentence number {i} talks about topic {i} in eight words." for i in range(60)]
    chunks = chunk_abstract(" ".join(sentences), "A Title")
    assert len(chunks) > 3
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for prev, nxt in zip(chunks, chunks[1:]):
        assert len(prev.text.split()) <= MAX_WORDS
        last = prev.text.split(". ")[-1]
        assert nxt.text.startswith(last.rstrip(".")), "each chunk starts with the last sentence before it"
    assert all(c.embed_text.startswith("A Title. ") for c in chunks)
    covered = " ".join(c.text for c in chunks)
    assert all(s in covered for s in sentences)


def test_chunking_edge_cases():
    from store.chunking import MAX_WORDS, chunk_abstract, chunk_key

    assert chunk_abstract("") == []
    one = chunk_abstract("Short abstract.", None)
    assert len(one) == 1 and one[0].embed_text == "Short abstract."
    long_sentence = " ".join(f"w{i}" for i in range(3 * MAX_WORDS))  # no punctuation at all
    windows = chunk_abstract(long_sentence, "T")
    assert len(windows) >= 3 and all(len(c.text.split()) <= MAX_WORDS + 20 for c in windows)
    assert chunk_key("hash-a") != chunk_key("hash-b")


# -- BM25 -------------------------------------------------------------------------------------------
def test_bm25_ranks_masks_and_highlights():
    import numpy as np

    from store.bm25 import BM25, highlight_spans, tokenize

    docs = ["KV cache eviction for LLM serving", "federated learning on phones", "the caches of LLMs", ""]
    bm = BM25([tokenize(d) for d in docs])
    top = bm.top(tokenize("shrinking KV caches"), 10)
    assert [i for i, _ in top] == [0, 2]
    assert bm.top(tokenize("KV caches"), 10, mask=np.array([False, True, True, True]))[0][0] == 2
    assert bm.top(tokenize("zebra"), 5) == [] and bm.top([], 5) == []
    assert tokenize("GPUs Caches 中文") == ["gpu", "cach", "中文"]
    text = "The KV caches of LLMs"
    assert [text[a:b] for a, b in highlight_spans(text, "kv cache")] == ["KV", "caches"]


# -- sync -------------------------------------------------------------------------------------------
def test_first_sync_indexes_everything_and_resync_embeds_nothing(golden, env):
    from store.index import sync_index

    _, first = golden
    assert (first.added, first.updated, first.removed) == (N_PAPERS, 0, 0) and first.chunks >= N_PAPERS
    settings, store, _ = env
    again = sync_index(store, settings)
    assert (again.added, again.updated, again.removed, again.repaired, again.chunks) == (0, 0, 0, 0, 0)
    assert chroma_ids(settings) == sql_ids(store) and len(sql_ids(store)) == first.chunks


def test_changed_abstract_reembeds_only_that_paper(tmp_path, model):
    from agent.corpus import ingest, open_store
    from store.index import close_all

    settings = make_settings(tmp_path / "home")
    src = write_jsonl(tmp_path / "a.jsonl", PAPERS_A[:3])
    try:
        assert ingest([src], settings).index.added == 3
        changed = list(PAPERS_A[:3])
        t, d, c, a = changed[1]
        changed[1] = (t, d, c, a + " FedPhone also adapts the compression ratio to the network bandwidth.")
        write_jsonl(src, changed)
        report = ingest([src], settings).index
        assert (report.added, report.updated, report.removed) == (0, 1, 0)
        assert report.chunks == len(chunk_abstract(changed[1][3], t))
        store = open_store(settings)
        (hit,) = search_top(store, settings, "compression ratio adapted to network bandwidth", k=1, mode="bm25")
        assert hit.paper.title.startswith("FedPhone") and "bandwidth" in hit.passage
        assert chroma_ids(settings) == sql_ids(store)
    finally:
        close_all()


def test_removed_source_removes_its_chunks(env):
    from agent.corpus import remove

    settings, store, _ = env
    before = sql_ids(store)
    assert remove("b.jsonl", settings) == 1
    after = sql_ids(store)
    gone = {r[0] for r in store.db.query("SELECT id FROM papers")} ^ {i.split(":")[0] for i in before}
    assert after < before and len(gone) == len(PAPERS_B) and not any(i.split(":")[0] in gone for i in after)
    assert chroma_ids(settings) == after
    hits = search_top(store, settings, "3D Gaussian splatting on mobile GPUs", k=N_PAPERS)
    assert "SplatLite" not in titles(hits) and len(hits) == len(PAPERS_A)


def search_top(store, settings, query, **kw):
    from store.index import search

    return search(store, settings, query, **kw)


# -- crash repair -----------------------------------------------------------------------------------
def test_crash_after_vectors_before_rows_is_repaired(env, monkeypatch):
    """Kill the sync right after Chroma got a paper's vectors, before the tables recorded it."""
    from agent.corpus import ingest
    from store.index import close_all, sync_index
    from store.vectors import VectorStore

    settings, store, src = env
    write_jsonl(src / "c.jsonl", [("NewPaper: Paging Optimizer States to NVMe for Large Model Training",
                                   "2025-01-01", "cs.DC",
                                   "Optimizer states of large models exceed GPU memory. "
                                   "NewPaper pages them to NVMe drives with a prefetching scheduler.")])
    real_upsert = VectorStore.upsert

    def upsert_then_die(self, *args, **kwargs):
        real_upsert(self, *args, **kwargs)
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(VectorStore, "upsert", upsert_then_die)
    with pytest.raises(KeyboardInterrupt):
        ingest([src / "c.jsonl"], settings)
    monkeypatch.setattr(VectorStore, "upsert", real_upsert)
    close_all()  # a new process
    assert len(chroma_ids(settings)) > len(sql_ids(store))  # stray vectors, paper not marked indexed
    report = sync_index(store, settings)
    assert report.added == 1 and report.repaired >= 1
    assert chroma_ids(settings) == sql_ids(store)
    assert titles(search_top(store, settings, "page optimizer states to NVMe", k=1))[0] == "NewPaper"


def test_lost_vectors_are_reembedded_on_open(env):
    """Vectors deleted behind the index's back (rows say indexed): the next search repairs first."""
    from store.index import close_all
    from store.vectors import VectorStore

    settings, store, _ = env
    victim = store.db.query("SELECT paper_id FROM index_papers ORDER BY paper_id LIMIT 1")[0][0]
    vec = VectorStore.open(settings)
    vec.delete_papers([victim])
    vec.close()
    close_all()
    hits = search_top(store, settings, "anything about GPUs", k=N_PAPERS, mode="dense")
    assert victim in {h.paper.id for h in hits}
    assert chroma_ids(settings) == sql_ids(store)


@pytest.mark.slow
def test_a_running_process_sees_papers_another_process_indexed(env, tmp_path):
    """A long-lived searcher (the chat) keeps working while `papers ingest` runs elsewhere."""
    settings, store, _ = env
    assert titles(search_top(store, settings, "federated learning", k=1, mode="dense")) == ["FedPhone"]
    new = write_jsonl(tmp_path / "c.jsonl", [("PhotonC: A Compiler for Photonic Neural Network Accelerators",
                                              "2025-02-02", "cs.AR",
                                              "Photonic chips compute matrix products with light. "
                                              "PhotonC compiles neural networks onto optical meshes.")])
    out = subprocess.run([sys.executable, "-m", "agent.cli", "ingest", str(new)], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    for mode in ("dense", "bm25", "hybrid"):
        hits = search_top(store, settings, "compiler for optical photonic neural networks", k=1, mode=mode)
        assert titles(hits) == ["PhotonC"], mode


# -- search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_clear_queries_find_their_paper_in_every_mode(env, mode):
    settings, store, _ = env
    for query, expected in CLEAR_QUERIES:
        hits = search_top(store, settings, query, k=3, mode=mode)
        assert titles(hits)[0] == expected, (mode, query, titles(hits))
        top = hits[0]
        assert top.passage and top.passage in top.paper.abstract
        assert set(top.ranks) == ({"dense", "bm25"} if mode == "hybrid" else {mode})
        assert mode == "hybrid" or top.ranks[mode] == 1


def test_hybrid_hit_carries_ranks_and_scores(env):
    settings, store, _ = env
    hits = search_top(store, settings, "KV cache eviction for long-context LLMs", k=N_PAPERS)
    assert set(hits[0].ranks) == {"dense", "bm25"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.paper.id for h in hits}) == len(hits)
    data = hits[0].to_json()
    assert data["title"].startswith("KVPress") and data["year"] == 2024 and data["passage"]


@pytest.mark.parametrize("in_limit", [1000, 1], ids=["pushed-into-chroma", "post-filtered"])
def test_filters_year_category_topic(env, monkeypatch, in_limit):
    import store.retrieval as retrieval
    from store.papers import PaperFilter

    monkeypatch.setattr(retrieval, "IN_FILTER_LIMIT", in_limit)
    settings, store, _ = env

    def found(query, **flt):
        return titles(search_top(store, settings, query, k=N_PAPERS, flt=PaperFilter(**flt)))

    assert set(found("GPU memory", year="2024")) == {"KVPress", "SplatLite", "EdgeMoE"}
    assert set(found("training", year="2021-2022")) == {"FedPhone", "FlexCNN", "SpotTrain"}
    assert set(found("training cost", category="cs.DC")) == {"GraphSampler", "SpotTrain"}
    assert found("anything", year="1999") == []
    pid = store.db.query("SELECT id FROM papers WHERE title LIKE 'EdgeMoE%'")[0][0]
    with store.db.write() as conn:
        conn.execute("INSERT INTO claim_topics VALUES (?, 'moe', 1)", (pid,))
    assert found("key-value cache", topic="moe") == ["EdgeMoE"]


def test_store_ids_match_list(env):
    from store.papers import PaperFilter

    _, store, _ = env
    for flt in (None, PaperFilter(year=">=2023"), PaperFilter(category="DC", limit=1), PaperFilter(grep="GPU")):
        assert store.ids(flt) == [p.id for p in store.list(flt)]


def test_concurrent_searches_share_one_index(env):
    settings, store, _ = env
    results, errors = [], []

    def worker(query):
        try:
            results.append(titles(search_top(store, settings, query, k=1))[0])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(q,)) for q, _ in CLEAR_QUERIES * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and sorted(results) == sorted([e for _, e in CLEAR_QUERIES] * 2)


# -- bad input --------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["", "   \n\t", "?!…", "a" * 100_000])
def test_unusable_queries_are_usage_errors(env, query):
    settings, store, _ = env
    with pytest.raises(UsageError) as info:
        search_top(store, settings, query)
    assert info.value.hint


def test_bad_mode_and_k(env):
    settings, store, _ = env
    with pytest.raises(UsageError):
        search_top(store, settings, "gpu", mode="semantic")
    with pytest.raises(UsageError):
        search_top(store, settings, "gpu", k=0)


def test_non_latin_queries_still_search(env):
    settings, store, _ = env
    hits = search_top(store, settings, "如何压缩大语言模型的KV缓存 — сжатие кэша", k=3)
    assert len(hits) == 3  # dense still ranks something; BM25 simply has no matching words
    assert search_top(store, settings, "сжатие кэша", k=3, mode="bm25") == []


def test_empty_store_says_ingest_first(tmp_path, model):
    from agent.corpus import open_store

    settings = make_settings(tmp_path / "empty")
    with pytest.raises(NotFoundError, match="no papers"):
        search_top(open_store(settings), settings, "gpu")


def test_missing_chroma_dir_is_reported_then_reindex_fixes_it(env, runner):
    from agent.cli import app
    from store.index import close_all

    settings, store, _ = env
    close_all()
    shutil.rmtree(settings.chroma_path)
    with pytest.raises(StoreError, match="missing") as info:
        search_top(store, settings, "federated learning")
    assert "reindex" in info.value.hint
    result = runner.invoke(app, ["search", "federated learning"])
    assert result.exit_code == 1 and "missing" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["reindex", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == N_PAPERS
    assert titles(search_top(store, settings, "federated learning", k=1)) == ["FedPhone"]


def test_corrupt_chroma_dir_is_reported_then_reindex_fixes_it(env, runner):
    from agent.cli import app
    from store.index import close_all
    from store.rebuild import reindex

    settings, store, _ = env
    close_all()
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        search_top(store, settings, "federated learning")
    result = runner.invoke(app, ["search", "federated learning", "--json"])
    assert result.exit_code == 1 and "hint: run `papers reindex`" in result.stderr
    assert "Traceback" not in result.output
    report = reindex(store, settings)
    assert report.added == N_PAPERS and chroma_ids(settings) == sql_ids(store)


# -- CLI --------------------------------------------------------------------------------------------
def test_cli_search_text_and_json(env, runner):
    from agent.cli import app

    result = runner.invoke(app, ["search", "Redis snapshot fork latency", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "ForkLess" in result.stdout.splitlines()[0]
    result = runner.invoke(app, ["search", "Redis fork", "--json", "--mode", "bm25", "--year", "2023"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["title"].startswith("ForkLess") and all(r["year"] == 2023 for r in rows)
    assert set(rows[0]) >= {"id", "score", "title", "year", "passage", "ranks"}
    result = runner.invoke(app, ["search", "x" * 5000])
    assert result.exit_code == 2 and "limit" in result.stderr and "Traceback" not in result.output


def test_help_imports_no_heavy_modules():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom agent.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0 and 'search' in r.stdout\n"
            "r = CliRunner().invoke(app, ['search', '--help'])\nassert r.exit_code == 0, r.output\n"
            "heavy = [m for m in ('chromadb', 'numpy', 'torch', 'sentence_transformers') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_keyword_search_never_loads_the_model(env):
    settings, _, _ = env
    code = ("import sys\nfrom agent.corpus import open_store\nfrom core.settings import get_settings\n"
            "from store.index import search\nfrom store import embeddings\n"
            "hits = search(open_store(), get_settings(), 'Redis fork latency', k=1, mode='bm25')\n"
            "print(hits[0].paper.title.split(':')[0], embeddings.is_loaded(), 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ForkLess", "False", "False"]


# -- OpenAI embeddings (fake OpenAI-compatible server on 127.0.0.1) ---------------------------------
def test_openai_embeddings_through_a_local_endpoint(tmp_path, fake_openai):
    from agent.corpus import ingest, open_store
    from store.index import close_all

    src = write_jsonl(tmp_path / "a.jsonl", PAPERS_A[:3])
    settings = make_settings(tmp_path / "home", embedding="openai:text-embedding-3-small")
    try:
        report = ingest([src], settings).index
        assert report.added == 3
        requests = [r for r in fake_openai.requests if r.path.endswith("/embeddings")]
        assert requests and requests[0].body["model"] == "text-embedding-3-small"
        assert requests[0].headers.get("authorization", "").startswith("Bearer sk-fake")
        # The fake's vectors are hashes of the text: only an identical text is a near neighbour.
        t, _, _, a = PAPERS_A[2]
        query = chunk_abstract(a, t)[0].embed_text
        hits = search_top(open_store(settings), settings, query, k=1, mode="dense")
        assert titles(hits) == ["FlexCNN"] and hits[0].score > 0.99
    finally:
        close_all()


def test_openai_embeddings_without_a_key_is_a_config_error(tmp_path, monkeypatch):
    from agent.corpus import ingest
    from core.errors import ConfigError
    from store.index import close_all

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = make_settings(tmp_path / "home", embedding="openai:text-embedding-3-small")
    try:
        with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
            ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS_A[:1])], settings)
    finally:
        close_all()
