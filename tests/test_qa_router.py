"""The local question router and the grounding check: pure functions, no store, no model."""

from __future__ import annotations

import pytest

from agent.qa.answer_grounding import check, citations_in
from agent.qa.router import Vocabulary, route, subject_phrases, vocabulary
from agent.qa.types import Source


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    v = vocabulary()
    v.datasets = ["KITTI", "ImageNet", "nuScenes"]
    v.hardware_names = ["Xilinx ZCU104", "Samsung Galaxy S20", "NVIDIA A100"]
    v.tag_sizes = {"kv-cache": 9, "pruning-sparsity": 32, "gnn": 11, "compiler-scheduling": 32}
    return v


@pytest.mark.parametrize("question, kind", [
    ("Which paper does recallable KV-cache compression by semantic clusters?", "lookup"),
    ("Which system co-locates PEFT jobs with LLM decode instances?", "lookup"),
    # one work whose description names other works in the plural ("... of X systems") is still one work
    ("Which survey of mobile inference systems compares five on-device runtimes?", "lookup"),
    ("Which compiler for sparse training frameworks fuses gradient kernels?", "lookup"),
    ("Which inference systems compress the KV cache?", "set"),
    ("Which papers report experiments on the KITTI dataset/benchmark?", "set"),
    ("List all papers about federated learning", "set"),
    ("How many papers evaluate on ImageNet?", "set"),
    ("How much smaller is FBNet-B's estimated search cost than MnasNet's?", "numeric"),
    ("By up to how much does ClickTrain reduce the end-to-end time cost?", "numeric"),
    ("By what factor does SpAtten reduce DRAM access on average?", "numeric"),
    ("How many hours of driving video does the DIVA dataset contain?", "numeric"),
    ("What are the top speedups on FPGAs?", "top"),
    ("Compare ClusterKV and SpAtten", "compare"),
])
def test_question_kinds(vocab, question, kind):
    assert route(question, vocab).kind == kind


def test_facets_prefer_specific_hardware_and_drop_the_class_it_names(vocab):
    r = route("Which papers implement or evaluate their design on a Xilinx FPGA?", vocab)
    assert [(f.kind, f.value) for f in r.facets] == [("hardware", "Xilinx")]
    r = route("Which papers report on-device results measured on a Samsung smartphone?", vocab)
    assert [(f.kind, f.value) for f in r.facets] == [("hardware", "Samsung")]


def test_one_topic_the_rarest_wins(vocab):
    r = route("Which papers shrink the LLM KV cache itself (evicting, selecting/pruning or quantizing)?", vocab)
    assert [(f.kind, f.value) for f in r.facets] == [("topic", "kv-cache")]
    r = route("Which papers build systems, compilers or hardware for graph neural network (GNN) workloads?", vocab)
    assert [(f.kind, f.value) for f in r.facets] == [("topic", "gnn")]


def test_dataset_class_year_and_metric(vocab):
    r = route("Which papers since 2023 reduce LLM serving latency on GPUs, and by how much?", vocab)
    assert {(f.kind, f.value) for f in r.facets} == {("hardware_class", "gpu"), ("topic", "llm-serving")}
    assert (r.year, r.metric, r.numbers) == (">=2023", "latency", True)
    assert route("Which papers from 2023 use KITTI?", vocab).year == "2023"
    assert route("papers published between 2019 and 2021 on ImageNet", vocab).year == "2019-2021"


def test_follow_ups_need_context(vocab):
    r = route("which of those run on FPGAs?", vocab, has_context=True)
    assert r.follow_up and r.kind == "set" and r.facets[0].value == "fpga"
    assert not route("which of those run on FPGAs?", vocab).follow_up
    r = route("tell me more about the second one", vocab, has_context=True)
    assert r.follow_up and r.ordinal == 2
    assert route("and the last one?", vocab, has_context=True).ordinal == -1


def test_subject_phrases_split_acronyms():
    assert subject_phrases("Which papers are about 3D Gaussian Splatting (3DGS)?") == ["3D Gaussian Splatting", "3DGS"]


# -- grounding ----------------------------------------------------------------------------------
def _src(pid: str, abstract: str, title: str = "T", year: int | None = 2023) -> Source:
    return Source(pid, title, None, year, abstract, 1.0)


ABSTRACT = ("We present FooKV, which evicts cold KV-cache entries. FooKV achieves a 2.5$\\times$ speedup "
            "and cuts memory by 40\\% on LongBench.")


def test_grounded_sentences_pass_and_numbers_match_any_spelling():
    out = check("FooKV evicts cold KV-cache entries [1]. It is 2.5x faster and uses 40% less memory [1].",
                {1: _src("a", ABSTRACT)})
    assert not out.notes and not out.insufficient and out.cited == [1]


def test_number_not_in_cited_abstract_is_removed():
    out = check("FooKV evicts cold entries [1]. It is 7x faster [1].", {1: _src("a", ABSTRACT)})
    assert "7x" not in out.text and "evicts" in out.text
    assert any("number 7x" in n for n in out.notes)


def test_uncited_fact_and_unknown_citation_are_removed():
    out = check("FooKV evicts cold entries [1]. Transformers were invented in 2017. Bar is great [3].",
                {1: _src("a", ABSTRACT)})
    assert out.text == "FooKV evicts cold entries [1]."
    assert len(out.notes) == 2


def test_connectives_counts_and_declines_may_stand_uncited():
    out = check("3 papers match (topic=kv-cache):\n- FooKV [1]", {1: _src("a", ABSTRACT)})
    assert out.text.startswith("3 papers match") and not out.notes
    declined = check("The corpus does not cover this question.", {})
    assert declined.insufficient and declined.text.startswith("The corpus")


def test_nothing_cited_left_means_insufficient():
    out = check("It is 9x faster [1].", {1: _src("a", ABSTRACT)})
    assert out.insufficient and out.text == ""


def test_year_and_title_numbers_count_as_grounded():
    src = _src("a", "A study of spiking chips.", title="Language Modeling on a SpiNNaker 2 Chip", year=2024)
    assert not check("Published in 2024, it runs on SpiNNaker 2 [1].", {1: src}).notes


def test_citation_parsing():
    assert citations_in("a [2] b [1, 3] c [2]") == [2, 1, 3]


def test_set_qualifiers_drop_in_a_fixed_order_keeping_a_title_word_longest():
    """Two equally rare qualifier words, no member uses both: the member whose title names one wins,
    whatever the hash order of the question's word set."""
    from types import SimpleNamespace

    from agent.qa.set_qualifiers import qualify

    def member(title, abstract):
        return SimpleNamespace(source=SimpleNamespace(id=title, title=title, abstract=abstract))

    matches = [member("Sealed gradients with homomorphic encryption", "Clients share gradients."),
               member("Fair client selection", "We protect clients from bias."),
               member("Plain federated averaging", "Clients train locally.")]
    ctx = SimpleNamespace(stats=lambda: SimpleNamespace(idf=lambda t: 1.0))
    kept, words = qualify("Which federated learning papers protect clients with encryption?", matches,
                          ["federated learning"], ctx)
    assert [m.source.id for m in kept] == ["Sealed gradients with homomorphic encryption"], words


@pytest.mark.parametrize("question, kind", [
    # "how many times <comparative>" asks for a factor of one comparison; "times" is no set's head noun
    ("How many times faster is QuillNet than a desktop CPU baseline?", "numeric"),
    ("How many times smaller is the search cost of FooSearch than BarSearch's?", "numeric"),
    ("By how many times does ZetaCache cut memory traffic?", "numeric"),
    # a count of papers stays a set
    ("How many papers evaluate on ImageNet?", "set"),
])
def test_a_how_many_times_factor_question_is_numeric(vocab, question, kind):
    assert route(question, vocab).kind == kind
