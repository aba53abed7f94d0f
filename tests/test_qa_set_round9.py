"""Round-9 list-question readers, one per constraint kind, each with a paper that must be listed and a
near miss that must not: a reported metric written with a one-digit part ("top-3 recall"), a metric's
carrier noun ("numbers", "values") that no paper needs to write, a tool name built on a common word
("FooRT" is no form of "foo"), a vendor-prefixed product met by the product alone ("Intel Xeon" by
"Xeon CPU", never widened to any CPU), and "what work / research is there on X" as a set question.
Invented papers and question wordings, not the fixture files'."""

from __future__ import annotations

from agent.qa.baselines import name_rx, without_vendor
from agent.qa.head_noun import set_shape
from agent.qa.term_index import build_index, same_word

from setcorpus import P, members

PAPERS = [
    P("rec3", "Retrieval for Shops", "Our retriever improves top-3 recall on two product catalogs by 4 points."),
    P("rec1", "Ranking Items Fast", "A top list of items is ranked; recall improves over BM25."),
    P("vals", "Clipping Activations", "We clip large activation outliers before quantizing a language model."),
    P("foo1", "Serving with LumaRT", "We compare our kernels with LumaRT, a vendor inference runtime."),
    P("foo2", "Luma Kernels Everywhere", "A luma channel denoiser for cameras; luma statistics guide it."),
    P("foo3", "Luma Tricks", "Luma values are compressed."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and compilers with images of the data.") for i in range(8)]
INDEX = build_index(PAPERS)


def test_a_metric_with_a_one_digit_part_keeps_the_digit():
    """"top-3 recall" is met by the paper reporting top-3 recall, not by one that says "top" and "recall"."""
    got = members("Which papers report top-3 recall?", INDEX)
    assert "rec3" in got and "rec1" not in got


def test_a_number_word_after_the_metric_is_no_constraint():
    """"outlier values" / "recall numbers": the carrier noun frames what is reported."""
    assert "vals" in members("Which papers deal with outlier values when quantizing?", INDEX)
    got = members("Which papers give top-3 recall numbers?", INDEX)
    assert "rec3" in got and "rec1" not in got


def test_a_tool_name_built_on_a_word_is_not_that_word():
    assert not same_word("lumart", "luma")          # consonants glued on: a name, not an inflection
    assert not same_word("lumart", "lumacor")       # two names sharing a start are not one word either
    assert same_word("register", "registration") and same_word("kernel", "kernels")
    got = members("Which papers mention LumaRT?", INDEX)
    assert got == {"foo1"}


def test_a_vendor_prefixed_product_is_met_by_the_product_alone():
    rx = name_rx("Intel Xeon server CPU")
    assert rx.search("4059x energy savings over a Xeon CPU")          # the product without its vendor
    assert not rx.search("compared with an EPYC server CPU")            # another vendor's CPU: a near miss
    assert without_vendor("Intel Xeon") == ["Xeon"]
    assert without_vendor("NVIDIA GPUs") == []      # a vendor's kind of hardware stays at the vendor level
    assert without_vendor("Acme GPUs") == []        # no vendor the catalog knows: the name is kept whole


def test_what_work_is_there_on_asks_for_a_set_but_a_figure_noun_does_not():
    assert set_shape("What research is there on quantum annealers for routing?")[0] is True
    assert set_shape("What work is there on sparse attention kernels?")[0] is True
    assert set_shape("What speedup is there for the sparse kernel?")[0] is not True
