"""Decision policies of evals/topic_policies.py on invented acceptor probabilities."""

import numpy as np

from evals.topic_policies import keep_above, keep_by_rank, keep_expected_f1, micro_f1, policies

TAGS = ["quantization", "edge-mobile", "nlp"]


def test_keep_above_falls_back_to_best_then_other():
    assert keep_above(TAGS, np.array([0.9, 0.6, 0.1]), lambda _: 0.5) == {"quantization", "edge-mobile"}
    assert keep_above(TAGS, np.array([0.3, 0.25, 0.1]), lambda _: 0.5) == {"quantization"}
    assert keep_above(TAGS, np.array([0.1, 0.05, 0.1]), lambda _: 0.5) == {"other"}
    assert keep_above(TAGS, np.array([0.9, 0.45, 0.1]), lambda t: 0.4 if t == "edge-mobile" else 0.5) \
        == {"quantization", "edge-mobile"}


def test_keep_by_rank_uses_a_separate_bar_for_the_second_tag():
    probs = np.array([0.35, 0.8, 0.3])
    assert keep_by_rank(TAGS, probs, second=0.3, rest=0.9) == {"edge-mobile", "quantization"}
    assert keep_by_rank(TAGS, probs, second=0.5, rest=0.2) == {"edge-mobile", "nlp"}


def test_expected_f1_adds_a_tag_only_when_it_pays():
    assert keep_expected_f1(TAGS, np.array([0.95, 0.9, 0.05])) == {"quantization", "edge-mobile"}
    assert keep_expected_f1(TAGS, np.array([0.95, 0.2, 0.05])) == {"quantization"}
    assert keep_expected_f1(TAGS, np.array([0.1, 0.1, 0.1])) == {"other"}


def test_micro_f1_pools_counts_over_papers():
    gold = [["quantization"], ["nlp", "edge-mobile"]]
    assert micro_f1({0: {"quantization"}, 1: {"nlp"}}, gold) == 2 * 2 / (2 * 2 + 0 + 1)


def test_inner_choice_finds_a_lower_global_bar_when_second_tags_sit_low():
    # invented: every paper has a true second tag at probability 0.4 and a false third at 0.2
    inner = {i: (TAGS, np.array([0.9, 0.4, 0.2])) for i in range(30)}
    gold = [["quantization", "edge-mobile"]] * 30
    chosen = policies(inner, gold)
    assert chosen["global"](*inner[0]) == {"quantization"}             # the shipped 0.5 bar misses it
    assert chosen["global-inner"](*inner[0]) == {"quantization", "edge-mobile"}
    assert chosen["per-tag"](*inner[0]) == {"quantization", "edge-mobile"}
    assert chosen["by-rank"](*inner[0]) == {"quantization", "edge-mobile"}
