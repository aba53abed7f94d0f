"""Round 8: declining what the corpus does not cover, naming what is missing, and figures that answer
the metric asked. Every sentence and question here is invented for the test (same shapes as the
near misses of the QA files, none copied from them)."""

from __future__ import annotations

from agent.qa.constraints import question_constraints
from agent.qa.figure_check import figure_sentence, states_figure


def _metric(question: str):
    return [c for c in question_constraints(question) if c.kind == "metric"]


# -- metric: a figure of the metric, in the metric's clause ----------------------------------------
def test_a_figure_beside_a_metric_word_in_another_clause_is_not_that_metric():
    # decline: the only accuracy word is a "no loss" remark next to a memory figure
    assert not states_figure("accuracy", "The codec cuts SRAM traffic by 6.5x with no accuracy degradation.")
    # answer: the figure and the metric in one clause
    assert states_figure("accuracy", "The codec keeps 71.2% top-1 accuracy with 40% fewer weights.")


def test_a_score_metric_takes_no_factor_or_physical_unit():
    assert not states_figure("accuracy", "Pruned models run 3.1x faster at iso-accuracy.")
    assert not states_figure("F1", "F1 stays flat across 12 ms of added delay.")
    assert states_figure("F1", "The tagger reaches an F1 of 88.4 on the held-out split.")
    assert states_figure("perplexity", "Perplexity rises by no more than 0.07.")   # a figure before the full stop


def test_list_items_joined_by_and_keep_their_metric():
    s = "It improves the matching recall on Sintel and Middlebury by 12.5% and 8.1%, respectively."
    assert states_figure("recall", s)
    assert figure_sentence("recall", "Recall is hard. " + s) == s


def test_the_asked_metric_is_the_first_before_a_condition():
    # "with the same power" and "without accuracy loss" are conditions on the figure, not the figure
    assert [c.value for c in _metric("How much more throughput does the router reach with the same power budget?")] \
        == ["throughput"]
    assert not _metric("How much speedup does the compiler reach on CIFAR-10 without accuracy loss?")
    assert [c.value for c in _metric("What energy does the NPU use while keeping latency under 5 ms?")] == ["energy"]


def test_the_metric_surface_is_the_whole_phrase_the_question_wrote():
    assert [c.surface for c in _metric("What top-1 accuracy does the tiny ViT reach?")] == ["top-1 accuracy"]
