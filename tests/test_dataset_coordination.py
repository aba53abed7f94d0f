"""Round-5: a dataset named only by being coordinated with a known one (LABELLING.md §2). Invented names."""

from __future__ import annotations

import pytest

from agent.engines.local.entities import extract_datasets


@pytest.mark.parametrize("text, names", [
    ("On QuokkaQA and ImageNet the pruned model keeps its accuracy.", ["QuokkaQA", "ImageNet"]),
    ("We evaluate on COCO, Harbor-3K and Cityscapes.", ["COCO", "Harbor-3K", "Cityscapes"]),
    ("Results on GSM8K or TallyMath17 improve by 3 points.", ["GSM8K", "TallyMath17"]),
])
def test_a_name_coordinated_with_a_known_dataset_is_a_dataset(text, names):
    assert extract_datasets(text) == names


@pytest.mark.parametrize("text, names", [
    # a comma that joins clauses, not list items
    ("Our model reaches 80% on ImageNet, WarpNet-S runs 2x faster.", ["ImageNet"]),
    # models, tools and hardware coordinated with a dataset stay out
    ("We fine-tune BERT and ResNet-50 on SQuAD and ImageNet with PyTorch and A100 GPUs.", ["SQuAD", "ImageNet"]),
])
def test_coordination_that_names_no_dataset(text, names):
    assert extract_datasets(text) == names


def test_a_comma_list_set_off_after_a_plural_dataset_word_names_datasets():
    assert extract_datasets("We test on two benchmarks, Lumen-QA and OrbitSum, and report latency.") == \
        ["Lumen-QA", "OrbitSum"]
    # names followed by a verb start a clause: no list
    assert extract_datasets("On both datasets, FooNet and BarNet win.") == []


@pytest.mark.parametrize("text, names", [
    # the head "wake words" is shared: the first modifier with it is a known dataset
    ("On visual & audio wake words tasks, Quill needs 40% less memory.", ["Visual Wake Words"]),
    # the shared head replaces the bare modifier a list rule would take as a name
    ("Small Quill models do best on the Sequential and Permuted MNIST datasets.", ["Sequential MNIST", "Permuted MNIST"]),
    ("We test on the Penn and Zeta Treebanks.", ["Penn Treebank"]),
])
def test_a_known_dataset_named_through_a_shared_head_is_found(text, names):
    assert extract_datasets(text) == names


def test_a_shared_head_that_makes_no_known_name_adds_nothing():
    assert extract_datasets("We compare image and video classification on CIFAR-10.") == ["CIFAR-10"]
