"""Round-8 dataset kinds (LABELLING.md §2), each from an invented sentence: a phrase name kept with the
hyphens written, an acronym the abstract uses for a method or a kind of model, a capitalised competition
name, an acronym of a name already found."""

from __future__ import annotations

from agent.engines.local.dataset_rules import find_datasets
from agent.engines.local.dataset_senses import model_side_acronyms


def test_a_phrase_name_joined_by_hyphens_is_kept_as_written():
    assert find_datasets("Retrieval stays exact in the Needle-in-a-Haystack test up to 1M tokens.") \
        == ["Needle-in-a-Haystack"]
    # a compound of names or a digit seam is only a spelling of the canonical name
    assert find_datasets("We report accuracy on Tiny-ImageNet and CIFAR 100.") == ["Tiny ImageNet", "CIFAR-100"]


def test_an_acronym_spelled_out_as_a_method_is_no_dataset():
    text = ("Sliding-Window Attention (SWA) and Grouped-Query Attention (GQA) shrink the cache; "
            "both GQA and SWA keep accuracy.")
    assert "GQA" not in find_datasets(text)
    assert model_side_acronyms("We compress Mixture of Experts (MoE) layers.", {"moe"}) == {"moe"}
    # a dataset's own expansion ends in what it holds, not in a method noun
    assert model_side_acronyms("We use the Visual Wake Words (VWW) benchmark.", {"vww"}) == set()


def test_an_acronym_used_as_a_kind_of_model_is_no_dataset():
    assert "GQA" not in find_datasets("Memory falls by 2x for MHA and GQA models on LongBench.")
    assert "LongBench" in find_datasets("Memory falls by 2x for MHA and GQA models on LongBench.")
    # the visual question answering benchmark is still found
    assert "GQA" in find_datasets("We evaluate on the VQAv2 and GQA benchmarks.")


def test_a_capitalised_competition_is_named_by_its_whole_title():
    assert find_datasets("The model won the Edge AI Efficiency Competition held at the workshop.") \
        == ["Edge AI Efficiency Competition"]
    assert find_datasets("Our entry won the Low Power Computer Vision Challenge in 2019.") \
        == ["Low Power Computer Vision Challenge"]


def test_a_known_acronym_of_a_name_written_out_is_that_name():
    text = ("The detector won the System Design Contest for low-power object detection at the Design "
            "Automation Conference (DAC-SDC).")
    assert find_datasets(text) == ["System Design Contest"]
    assert find_datasets("Results on the DAC-SDC dataset improve.") == ["DAC System Design Contest"]


def test_a_result_aside_inside_a_list_of_names_does_not_end_the_list():
    text = ("We reach the best results on the FooText-7 (9.1 perplexity against 12.3) and BARADA (71.2% "
            "against 66.0% accuracy) datasets.")
    assert find_datasets(text) == ["FooText-7", "BARADA"]


def test_what_a_named_task_is_run_on_is_a_dataset():
    text = "We test it on summarization on ZetaNews and XBrief, and language modeling on QuuxText-9."
    assert find_datasets(text) == ["ZetaNews", "XBrief", "QuuxText-9"]
    # hardware the task runs on is no dataset, nor a name that goes on in lowercase
    assert find_datasets("Running the translation task on Raspberry Pi-4 takes 2 s.") == []
    assert find_datasets("We do language modeling on the FooTree bank corpus.") == []
