"""The local topic tagger's vectors kept in the store (store/text_vectors.py): a later extraction reads
them back instead of re-embedding, and what it extracts is byte for byte what a fresh embedding gives.

The mini corpus is invented for this test (no seed, fixture or SciTLDR text)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agent.engines.local.engine import LocalEngine
from agent.engines.local.topics import EMBED_RECIPE, embed_each, embed_text
from core.models import PaperText

MINI = [
    ("Quokka: Paged Attention Caches for Long-Context Serving",
     "We present Quokka, a serving system that stores the key-value cache of long prompts in fixed-size "
     "pages and evicts the pages that recent queries attend to least. On two A100 GPUs Quokka serves "
     "3.1x more requests per second than a contiguous cache at the same latency target."),
    ("Sparse Mixture Routing without Load Imbalance",
     "Mixture-of-experts layers waste accelerator time when a few experts receive most tokens. We route "
     "tokens with a balanced assignment solved per batch, which trains a 1.3B-parameter model 1.4x faster "
     "on 64 TPU v4 chips and reaches the same perplexity on C4."),
    (None,
     "Quantizing weights to 4 bits shrinks language models but hurts accuracy on reasoning tasks. We learn "
     "a per-channel rotation before quantization that keeps outliers small; a 7B model loses 0.4 points on "
     "GSM8K and decodes 2.2x faster on an RTX 4090."),
    ("Compiler Autotuning with Learned Cost Models",
     "Tensor compilers search large schedule spaces. A graph neural network predicts kernel latency from "
     "the loop nest and cuts autotuning time by 5x on ResNet-50 and BERT while matching the best found "
     "schedules on an ARM CPU and a V100 GPU."),
    ("Federated Training on Phones",
     "Training on mobile phones is limited by battery and bandwidth. Our scheduler picks devices that are "
     "charging and on Wi-Fi and compresses updates with sparsification, reducing communication by 8x for "
     "a keyboard model across 10,000 simulated clients."),
]


def papers() -> list[PaperText]:
    return [PaperText(id=f"mini-{i}", title=t, abstract=a) for i, (t, a) in enumerate(MINI)]


def records(engine: LocalEngine) -> list[dict]:
    return [r.to_json() for r in engine.extract_many(papers())]


def test_a_text_vector_does_not_depend_on_its_batch():
    """What makes a stored vector reusable: embed_each gives a text the same bits alone and in any batch."""
    texts = [embed_text(t, a) for t, a in MINI]
    together = embed_each(texts)
    reversed_ = embed_each(texts[::-1])[::-1]
    for i, text in enumerate(texts):
        assert embed_each([text])[0].tobytes() == together[i].tobytes() == reversed_[i].tobytes()


def test_extraction_with_stored_vectors_is_identical_and_the_second_run_embeds_nothing(store, monkeypatch):
    import agent.engines.local.topics as topics
    from store.text_vectors import count

    fresh = records(LocalEngine())                     # no store: today's path
    embedded: list[int] = []
    real = topics.embed_each

    def counting(texts):
        embedded.append(len(texts))
        return real(texts)

    monkeypatch.setattr(topics, "embed_each", counting)
    first = records(LocalEngine().using_store(store))  # fills the store
    assert sum(embedded) == len(MINI) and count(store) == len(MINI)
    second = records(LocalEngine().using_store(store))
    assert sum(embedded) == len(MINI)                  # nothing embedded again
    assert json.dumps(first) == json.dumps(second) == json.dumps(fresh)
    assert all(r["topics"] for r in fresh)


def test_a_vector_is_reused_only_for_the_same_text_and_model(store):
    from store.text_vectors import model_key, stored_embedder

    calls: list[list[str]] = []

    def spy(texts):
        calls.append(list(texts))
        return embed_each(texts)

    text = embed_text(*MINI[0])
    stored_embedder(store, spy, EMBED_RECIPE)([text])
    stored_embedder(store, spy, EMBED_RECIPE)([text + " ", text])          # same stripped text: a hit
    stored_embedder(store, spy, "another-recipe")([text])                   # another model key: a miss
    stored_embedder(store, spy, EMBED_RECIPE)([text.replace("3.1x", "3.2x")])  # another text: a miss
    assert calls == [[text], [text], [text.replace("3.1x", "3.2x")]]
    assert model_key(EMBED_RECIPE).startswith(EMBED_RECIPE + ":") and model_key("x") != model_key(EMBED_RECIPE)
    vec = stored_embedder(store, spy, EMBED_RECIPE)([text])[0]
    assert vec.dtype == np.float32 and vec.tobytes() == embed_each([text])[0].tobytes()


def test_keyword_only_engine_does_not_touch_the_store(store):
    engine = LocalEngine(use_embeddings=False)
    assert engine.using_store(store) is engine


@pytest.fixture
def mini_file(tmp_path):
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
                            for p in papers()))
    return path


def test_extract_all_twice_reads_the_stored_vectors(cli, mini_file, monkeypatch, papers_home):
    import agent.engines.local.topics as topics

    assert cli("ingest", str(mini_file), "--no-index").exit_code == 0
    no_store = cli("extract", "--all", "--no-store")
    assert cli("extract", "--all", "-o", "a.jsonl").exit_code == 0

    def refuse(texts):
        raise AssertionError(f"re-embedded {len(texts)} texts")

    monkeypatch.setattr(topics, "embed_each", refuse)
    assert cli("extract", "--all", "-o", "b.jsonl").exit_code == 0
    a, b = (papers_home / "a.jsonl").read_text(), (papers_home / "b.jsonl").read_text()
    assert a == b == no_store.stdout and len(a.splitlines()) == len(MINI)
