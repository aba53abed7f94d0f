"""A numeric question's metric must be *reported*: a sentence of the abstract states a figure and
names the metric. An abstract that only mentions the word ("feature map", "latency predictor",
"low latency") does not answer "what mAP / what latency", and the answer says which metric it
lacks. Questions are invented for the test corpus (tests/qa_support.py), not taken from a QA file."""

from __future__ import annotations

from qa_support import qa_home, qa_settings, qa_store  # noqa: F401

from agent.qa import ask
from agent.qa.constraints import question_constraints
from agent.qa.closest import numeric_sentence
from agent.qa.figure_check import figure_sentence, unreported, with_modifiers


def _metric(question: str):
    return [c for c in question_constraints(question) if c.kind == "metric"]


def test_a_metric_word_without_a_figure_is_unreported():
    q = "What mAP does the detector get?"
    assert [c.surface for c in unreported(_metric(q), "A feature map is rebuilt. It ranks first.", q)] == ["mAP"]
    assert not unreported(_metric(q), "It reaches 41.3 mAP on the validation set.", q)


def test_the_figure_and_the_metric_word_must_share_a_sentence():
    abstract = "We design a latency predictor for decode latency modeling. Throughput rises by 46.2%."
    q = "What tail decode latency does the server reach?"
    (c,) = unreported(_metric(q), abstract, q)
    assert c.surface == "tail decode latency"        # the question's own modifiers of the metric
    assert figure_sentence("latency", "Latency drops to 12 ms per token.") is not None


def test_a_figure_in_the_metric_unit_reports_it_without_the_word():
    assert figure_sentence("latency", "We aim at low latency. The model runs in 18 ms on a phone.") is not None
    assert figure_sentence("memory", "Memory matters. It fits in 3.5 GB.") is not None
    assert figure_sentence("latency", "Latency matters. Accuracy rises by 2%.") is None


def test_a_metric_word_with_a_suffix_counts_and_a_short_one_must_end():
    assert figure_sentence("energy", "It is 3.1x more energy-efficient than a GPU.") is not None
    assert figure_sentence("mAP", "Mapping takes 3 ms.") is None


def test_modifiers_stop_at_question_words():
    assert with_modifiers("How much energy per request does it save?", "energy per request") == "energy per request"
    assert with_modifiers("What p99 latency does it reach?", "latency") == "p99 latency"


def test_a_metric_only_mentioned_is_declined_and_a_reported_one_answered(qa_settings, qa_store):
    no = ask("How much latency does MonoATT save compared with grid-token detectors?", qa_settings, store=qa_store)
    assert no.insufficient and no.confidence == "closest" and any("latency" in m for m in no.missing), no.answer
    yes = ask("How much power does BlinkBud draw on the earbud?", qa_settings, store=qa_store)
    assert not yes.insufficient and "29.8 mW" in yes.answer, yes.answer


def test_the_largest_figure_a_named_paper_reports_comes_from_that_paper(qa_settings, qa_store):
    from qa_support import ref_id

    ans = ask("What is the biggest speedup ClusterKV claims?", qa_settings, store=qa_store)
    assert not ans.insufficient and ans.citations[0].id == ref_id(qa_store, "000_8528321f52109f11.txt#15"), ans.answer
    assert len(ans.citations) == 1      # that paper's own claims, not the corpus's largest


def test_the_quoted_figure_is_not_one_the_question_already_writes():
    from types import SimpleNamespace

    from agent.qa.text import term_set

    ctx = SimpleNamespace(stats=lambda: SimpleNamespace(idf=lambda t: 1.0))
    abstract = ("We built a labelling tool that makes annotation 4.1x faster. "
                "Our co-designed accelerator runs inference 9.3x faster than a GPU.")
    q = "Which thesis built a 4.1x faster annotation tool, and how much faster is its accelerator's inference?"
    assert "9.3x" in numeric_sentence(abstract, term_set(q), ctx, q)


def test_a_numeric_answer_quotes_the_sentence_whose_figure_is_the_asked_metric():
    """The question repeats the paper's name; the sentence with that name carries another figure (a
    parameter share, a training time): the quote must be the one whose figure is the asked speedup."""
    from types import SimpleNamespace

    from agent.qa.text import term_set

    ctx = SimpleNamespace(stats=lambda: SimpleNamespace(idf=lambda t: 1.0))
    abstract = ("We propose stacked draft decoding that trains only 0.01% extra parameters in just 9 hours. "
                "Across seven chat models our approach reaches up to 3.17times speedup over greedy decoding.")
    q = "What speedup does stacked draft decoding achieve?"
    assert "3.17times speedup" in numeric_sentence(abstract, term_set(q), ctx, q)
    q = "How much energy does stacked draft decoding save?"      # no sentence reports it: unchanged order
    assert numeric_sentence(abstract, term_set(q), ctx, q).startswith("We propose")


def test_a_duration_question_states_a_time_never_a_speedup_factor():
    from types import SimpleNamespace

    from agent.qa.closest import asked_figure

    stats = SimpleNamespace(idf=lambda t: 1.0)
    both = "The planner search takes only 3.5 hours on one GPU, which is 200x faster than prior work."
    assert asked_figure(both, "How long does the planner search take?", stats) == "3.5 hours"
    assert asked_figure("Each step takes 12ms, 40x faster.", "How much time does a step take?", stats) == "12ms"
    # no time written as a figure: quote the sentence, state nothing (not "5,000x")
    only_factor = "Its search cost is only 8 epochs (30 TPU-hours), which is up to 5,000x faster than prior work."
    assert asked_figure(only_factor, "How long does its search take?", stats) is None
    assert asked_figure(both, "How much faster is the planner search?", stats) == "200x"
