"""Retrieval and QA suites: hand-computed scores through fake search/ask functions (the interface),
then the real store.index / agent.qa on a tiny temporary corpus (skipped while they do not exist)."""

from __future__ import annotations

import importlib.util
import json
import os
from types import SimpleNamespace

import pytest

from evals.qa_suite import call_ask, cited_ids, run_qa
from evals.retrieval_suite import run_retrieval
from evals.results import SuiteUnavailable


class FakeCorpus:
    """Seed refs are paper ids already; titles come from a dict."""

    indexed, index_reason, seconds, extracted = True, None, 0.0, 0

    def __init__(self):
        self.problems: list[str] = []
        self.settings = SimpleNamespace(embedding="local", engine="local")
        self.store = SimpleNamespace(get=lambda pid: SimpleNamespace(title=f"T-{pid}", abstract=""))

    def paper_ids(self, refs):
        return list(dict.fromkeys(refs))


QUESTIONS = [
    {"id": "q1", "kind": "lookup", "question": "find a", "answers": ["a"], "key_facts": ["5,000x"]},
    {"id": "q2", "kind": "paraphrase", "question": "find c", "answers": ["c"], "key_facts": []},
    {"id": "q3", "kind": "set", "question": "find a and f", "answers": ["a", "f"], "key_facts": []},
    {"id": "q4", "kind": "unanswerable", "question": "nothing", "answers": [], "key_facts": []},
]
RANKED = {"find a": ["a", "b"], "find c": ["b", "b", "x", "c"], "find a and f": ["a", "b", "c"]}


def fake_search(store, settings, query, k, mode, flt):
    ids = RANKED[query] if mode != "bm25" else list(reversed(RANKED[query]))
    return [SimpleNamespace(paper=SimpleNamespace(id=i), score=1.0, passage=None) for i in ids]


def test_retrieval_hand_computed():
    res = run_retrieval(FakeCorpus(), QUESTIONS, search=fake_search, modes=("dense", "bm25"))
    dense = res.metrics["dense"]
    # q1 rank 1, q2 rank 3 (duplicate "b" counts once): recall@1 1/2, recall@5 1, MRR (1 + 1/3)/2
    assert dense["recall@1"] == 0.5 and dense["recall@5"] == 1.0 and dense["mrr"] == pytest.approx(2 / 3)
    # q3: a found, f not -> 1/2 in top 20; top-|set| = top 2 holds a -> 1/2
    assert dense["set_recall@20"] == 0.5 and dense["set_rprec"] == 0.5
    bm25 = res.metrics["bm25"]    # reversed lists: q1 ["b","a"] rank 2; q2 ["c","x","b"] rank 1
    assert bm25["recall@1"] == 0.5 and bm25["mrr"] == pytest.approx(0.75)
    assert res.info["n"] == 3 and res.per_case["dense:q2"] == pytest.approx(1 / 3, abs=1e-4)
    assert res.cases and "ranks" in res.cases[0]


def test_retrieval_mode_whose_code_is_missing():
    def search(store, settings, query, k, mode, flt):
        if mode == "dense":
            raise ModuleNotFoundError("No module named 'chromadb'", name="chromadb")
        return fake_search(store, settings, query, k, mode, flt)

    res = run_retrieval(FakeCorpus(), QUESTIONS, search=search)
    assert set(res.metrics) == {"bm25", "hybrid"} and "chromadb" in res.unavailable["dense"]


def test_retrieval_without_index_is_unavailable():
    corpus = FakeCorpus()
    corpus.indexed, corpus.index_reason = False, "store.index does not exist yet"
    with pytest.raises(SuiteUnavailable, match="store.index"):
        run_retrieval(corpus, QUESTIONS)


def fake_ask(question, settings=None, *, store=None, engine=None):
    assert store is not None and settings is not None
    answers = {
        "find a": SimpleNamespace(answer="A is 5,000 × faster [1]", insufficient=False,
                                  citations=[SimpleNamespace(id="a"), SimpleNamespace(id="z")]),
        "find c": {"answer": "not sure", "insufficient": True, "citations": []},
        "find a and f": SimpleNamespace(answer="a, f", insufficient=False, citations=["a", "f", "b"]),
        "nothing": SimpleNamespace(answer="The corpus does not say.", insufficient=True, citations=[]),
    }
    return answers[question]


def test_qa_hand_computed():
    res = run_qa(FakeCorpus(), QUESTIONS, ask=fake_ask)
    ans = res.metrics["answerable"]
    assert ans["key_facts"] == 1.0                      # only q1 has a key fact, and it is there
    assert ans["citation_precision"] == pytest.approx(3 / 5)  # a | a, f correct of a, z, a, f, b
    assert ans["citation_recall"] == pytest.approx((1 + 0 + 1) / 3)
    assert ans["answered"] == pytest.approx(2 / 3)      # q2 declined
    assert res.metrics["unanswerable"]["declined"] == 1.0
    assert res.cases[0]["id"] == "q2"


def test_call_ask_offers_only_what_ask_accepts():
    seen = {}

    def minimal(question):
        seen["q"] = question
        return {"answer": "", "citations": []}

    call_ask(minimal, "hi", FakeCorpus(), engine="local")
    assert seen == {"q": "hi"}

    def full(question, settings=None, *, store=None, engine=None, model=None):
        seen.update(settings=settings, store=store, engine=engine, model=model)

    corpus = FakeCorpus()
    call_ask(full, "hi", corpus, engine="local", model=None)
    assert seen["store"] is corpus.store and seen["engine"] == "local" and seen["model"] is None


def test_cited_ids_shapes():
    answer = {"citations": ["a", {"id": "b"}, SimpleNamespace(paper_id="c"), SimpleNamespace(paper=SimpleNamespace(id="d")), "a"]}
    assert cited_ids(answer) == ["a", "b", "c", "d"]


# -- the real components on a tiny corpus ---------------------------------------------------------------
MINI = [
    {"title": "PagedKV: Paging the Key-Value Cache of Long-Context LLM Serving",
     "abstract": "We present PagedKV, a serving system that pages the key-value cache of long-context large "
                 "language models between GPU and CPU memory at block granularity, reducing peak GPU memory by 3.1x."},
    {"title": "TinyPrune: Pruning Tiny Transformers for Microcontrollers",
     "abstract": "Deploying transformers on microcontrollers is limited by kilobytes of SRAM. We introduce TinyPrune, "
                 "a structured pruning method that removes attention heads under a memory budget on Cortex-M7 boards."},
    {"title": "FlexCNN: A Xilinx FPGA Accelerator for Convolutional Neural Networks",
     "abstract": "FlexCNN is a systolic-array accelerator implemented on a Xilinx Alveo FPGA board; a compiler maps "
                 "each convolution layer to the array and reaches 2.3x higher throughput per watt than a GPU."},
]
MINI_QUESTIONS = [
    {"id": "m1", "kind": "lookup", "question": "Which system pages the KV cache between GPU and CPU memory?",
     "answers": ["mini.jsonl#0"], "key_facts": ["PagedKV"]},
    {"id": "m2", "kind": "paraphrase", "question": "Which method prunes attention heads to fit microcontrollers?",
     "answers": ["mini.jsonl#1"], "key_facts": []},
    {"id": "m3", "kind": "unanswerable", "question": "Which paper schedules training jobs on spot instances?",
     "answers": [], "key_facts": []},
]


@pytest.fixture
def mini_seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "mini.jsonl").write_text("\n".join(json.dumps(r) for r in MINI) + "\n")
    return folder


def _needs(module: str):
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"{module} does not exist yet")


@pytest.mark.slow
@_needs("store.index")
def test_real_search_on_a_tiny_isolated_store(mini_seeds, papers_home):
    from evals.corpus_env import eval_corpus

    before = os.environ["PAPERS_HOME"]
    with eval_corpus(seeds_dir=mini_seeds) as corpus:
        assert corpus.indexed and corpus.store.count() == 3
        assert os.environ["PAPERS_HOME"] == str(corpus.settings.home) != before
        res = run_retrieval(corpus, MINI_QUESTIONS, modes=("bm25", "hybrid"))
    assert os.environ["PAPERS_HOME"] == before
    assert not (papers_home / "papers.db").exists(), "the user's store was touched"
    assert res.metrics["bm25"]["recall@5"] == 1.0 and res.metrics["hybrid"]["recall@5"] == 1.0
    assert res.info["problems"] == []


@pytest.mark.slow
@_needs("store.index")
@_needs("agent.qa")
def test_real_ask_on_a_tiny_isolated_store(mini_seeds):
    from evals.corpus_env import eval_corpus

    with eval_corpus(seeds_dir=mini_seeds) as corpus:
        try:
            res = run_qa(corpus, MINI_QUESTIONS)
        except SuiteUnavailable as exc:
            pytest.skip(str(exc))
    assert set(res.metrics) == {"answerable", "unanswerable", "in_sample"} and res.info["n"] == 3
