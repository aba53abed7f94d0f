"""Three general mechanisms of single-paper questions, on invented text and the small test corpus
(tests/qa_support.py); no question here is taken from a QA fixture file.

- a document-type word ("which thesis ...") asks for one work and is never a constraint;
- a figure asked in a rate unit ("how many requests per second") needs a sentence stating that rate;
- a task phrase the paper does not write declines only when it outweighs the retrieval evidence
  (agent/qa/uncovered_weight.py, a calibrated model), and exact entities are never outweighed.
"""

from __future__ import annotations

from types import SimpleNamespace

from qa_support import qa_home, qa_settings, qa_store  # noqa: F401

from agent.qa.constraints import Constraint
from agent.qa.figure_check import asked_rates, states_rate, unreported_rates, with_unreported
from agent.qa.router import route, vocabulary
from agent.qa.text import stem, term_set
from agent.qa.uncovered_weight import features, outweighed, weigh


def test_a_document_type_word_asks_for_one_work_and_is_no_constraint_word():
    vocab = vocabulary()
    assert route("Which thesis studies cache misses when training recommender models on GPUs?", vocab).kind == "lookup"
    assert route("Which dissertation introduces a compiler for sparse tensors?", vocab).kind == "lookup"
    assert route("Which preprint studies pruning of vision transformers?", vocab).kind == "lookup"
    assert route("Which white paper studies FP8 number formats for phones?", vocab).kind == "lookup"
    assert route("Which papers study pruning of vision transformers?", vocab).kind == "set"
    assert "thesis" not in term_set("Which thesis studies cache misses?")
    assert "dissertation" not in term_set("This dissertation studies cache misses.")


def test_a_rate_is_read_from_the_question_only_as_a_unit():
    assert asked_rates("How many requests per second can the server sustain?") == [
        ("requests per second", "request", "second")]
    assert asked_rates("What throughput in images/s does it reach?")[0][1:] == (stem("images"), "second")
    assert asked_rates("Which method uses LLMs as an agent to tune kernels?") == []      # "LLMs as": no rate
    assert asked_rates("It treats the trapped weights as dynamic biases.") == []
    assert asked_rates("Does it save energy per request?") == []                       # no figure asked in a rate


def test_a_rate_is_stated_by_a_number_in_that_unit_or_its_short_form():
    assert states_rate("token", "second", "The engine decodes 1,450 tokens/s on one GPU.")
    assert states_rate("token", "second", "It produces 300 tokens per second.")
    assert states_rate("token", "second", "Decoding reaches 52 token/s on a laptop.")
    assert states_rate("query", "second", "The index answers 12k QPS.")
    assert not states_rate("token", "second", "It is 2x faster than the baseline.")
    assert not states_rate("token", "second", "Tokens per second matter for chat.")     # no number
    assert not states_rate("token", "second", "It serves 40 requests per second.")      # another thing


def test_a_figure_in_another_unit_leaves_the_rate_missing():
    q = "How many tokens per second does FooServe generate on one GPU?"
    missing = with_unreported([], [], "FooServe achieves a 2x speedup over vLLM.", q)
    assert [(c.kind, c.surface) for c in missing] == [("metric", "tokens per second")]
    assert not unreported_rates(q, "FooServe generates 95 tokens/s on one A100 GPU.")


def test_an_unreported_rate_makes_a_named_paper_the_closest_answer(qa_settings, qa_store):
    from agent.qa import ask

    ans = ask("How many images per second does BlinkBud process on the earbud?", qa_settings, store=qa_store)
    assert ans.insufficient and ans.confidence == "closest", ans.answer
    assert "images per second" in ans.missing, ans.missing


class _Stats:
    """IDF 1 for every word: the share is a share of the question's words."""

    def idf(self, term: str) -> float:
        return 1.0


def _ev(probability: float, named: bool = False):
    return SimpleNamespace(probability=probability, named=named, notes=[])


LONG = ("Which design mixes both positions and channels per layer depending on the input, links every "
        "layer to earlier ones through weighted sums, and is tried on images and multi-signal forecasting?")
SHORT = "Which paper runs lane detection on a phone?"
PAPER = "We mix tokens and channels per layer with input-dependent weights; images and time series forecasting."


def test_a_small_unwritten_share_of_a_long_question_on_a_sure_paper_is_outweighed():
    task = Constraint("task", "multi-signal forecasting", "multi-signal forecasting")
    feats = features(LONG, task, PAPER, _ev(0.995), _Stats())
    assert feats["share"] < 0.15
    assert outweighed(LONG, task, PAPER, _ev(0.995), _Stats())


def test_a_task_that_is_much_of_a_short_question_stands_even_on_a_likely_paper():
    task = Constraint("task", "lane detection", "lane detection")
    assert not outweighed(SHORT, task, "Real-time object detection on phones for self-driving cars.", _ev(0.6), _Stats())
    assert not outweighed(LONG, Constraint("task", "multi-signal forecasting", "x"), PAPER, _ev(0.05), _Stats())


def test_exact_entities_are_never_outweighed():
    for kind in ("dataset", "hardware", "model", "metric", "name"):
        c = Constraint(kind, "multi-signal forecasting", "x")
        assert not outweighed(LONG, c, PAPER, _ev(0.999, named=True), _Stats())


def test_weigh_drops_only_the_outweighed_miss_and_says_so():
    src = SimpleNamespace(title="Mixer", abstract=PAPER)
    task = Constraint("task", "multi-signal forecasting", "x")
    data = Constraint("dataset", "ETTh1", "ETTh1")
    ((_, ev, kept),) = weigh(LONG, [(src, _ev(0.995), [task, data])], _Stats())
    assert kept == [data] and "multi-signal forecasting" in ev.notes[0]


def test_a_task_missing_from_the_paper_the_question_names_always_stands():
    task = Constraint("task", "multi-signal forecasting", "x")
    assert not outweighed(LONG, task, PAPER, _ev(0.999, named=True), _Stats())


def test_the_figure_stated_for_a_rate_question_is_the_one_in_that_unit():
    from agent.qa.closest import asked_figure
    from agent.qa.figure_check import rate_figure

    sentence = "The tiny model reaches 71.2% accuracy at 4.1 ms latency (244 frames per second) on a phone."
    q = "How many frames per second does the tiny model reach on a phone?"
    assert rate_figure(sentence, q) == "244 frames per second"
    assert asked_figure(sentence, q, _Stats()) == "244 frames per second"
    assert rate_figure("The store serves 8k QPS at 2 ms.", "How many queries per second does the store serve?") == "8k QPS"
    assert rate_figure("It is 2x faster than the baseline.", "How many tokens per second does it decode?") is None
