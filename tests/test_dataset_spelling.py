"""LABELLING §2 spelling of gazetteer hits: a name written in another spelling than the canonical one is
kept as written (the labellers' practice on every blind file: a shortened or abbreviated variant stays),
while a separator/case variant, a brand-prefixed form and LaTeX markup print the canonical name.
Invented sentences, none copied from a fixture."""

from __future__ import annotations

from agent.engines.local.dataset_rules import find_datasets


def test_another_spelling_of_a_known_dataset_is_kept_as_written():
    assert find_datasets("We pretrain on K400 and evaluate the detector on the VOC2012 benchmark.") \
        == ["K400", "VOC2012"]


def test_separator_and_case_variants_and_brand_prefixes_print_the_canonical_name():
    assert find_datasets("We report results on CIFAR10, on the MS-COCO benchmark and on long-range arena.") \
        == ["CIFAR-10", "COCO", "Long Range Arena"]


def test_a_dataset_named_two_ways_in_one_abstract_gets_its_canonical_name_once():
    assert find_datasets("We train on the ImageNet training set and report top-1 on ILSVRC2012.") == ["ImageNet"]


def test_plurals_descriptive_full_names_and_acronyms_still_print_the_canonical_name():
    assert find_datasets("We caption images from the COCO Caption set.") == ["COCO Captions"]
    assert find_datasets("Perplexity on PTB improves.") == ["Penn Treebank"]


def test_a_named_collection_the_abstract_introduces_as_new_data_is_a_dataset():
    assert find_datasets("To test scaling, we build a new Zorb5M graph with 5 million nodes.") == ["Zorb5M"]
    assert find_datasets("We build a new TVM graph executor and a new GPU graph with 3 nodes.") == []
