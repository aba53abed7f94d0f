"""Round 10 dataset readers: one initials check for every acronym reader, and the shapes added this round.
Sentences are invented (not taken from a fixture)."""

from agent.engines.local.dataset_rules import find_datasets
from agent.engines.local.dataset_tokens import capital_initials, spells_acronym


def test_one_initials_reader_for_methods_tasks_and_full_names():
    assert capital_initials(["Grouped-Query", "Attention"]) == "GQA"
    assert capital_initials(["Mixture", "of", "Experts"]) == "ME"  # a lowercase joiner is no initial
    assert spells_acronym(["Sparse", "Mixture", "of", "Experts"], "MoE")  # a leading word may stand before
    assert not spells_acronym(["Sparse", "Mixture", "of", "Experts"], "MoE", whole=True)
    assert not spells_acronym(["Attention"], "A")  # one capital spells nothing


def test_the_three_acronym_readers_still_agree_on_their_shapes():
    # a method acronym: not a dataset; a task acronym: not a dataset; a full name: kept as written
    assert find_datasets("We adopt Grouped Routing Attention (GRA) and evaluate on GRA and ZetaQA.") == ["ZetaQA"]
    assert find_datasets("We adopt GRA and evaluate on GRA and ZetaQA.") == ["GRA", "ZetaQA"]
    assert find_datasets("We introduce the Zorbic Reasoning Benchmark (ZRB), and models score 40% on ZRB.") \
        == ["Zorbic Reasoning Benchmark"]
