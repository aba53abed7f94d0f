"""Answers about one paper a new user asks for (issue 12, round 5): a figure that ends a range is not
stated alone; an entity asked for (GPU, dataset, baseline) is named or reported missing; authors come
from the store; an unknown system name is the only missing constraint when the rest is covered.
Sentences and names are invented; corpus tests use the small test corpus (tests/qa_support.py)."""

from __future__ import annotations

from types import SimpleNamespace

from qa_support import qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask
from agent.qa.closest import asked_figure

STATS = SimpleNamespace(idf=lambda t: 1.0)


def test_a_figure_that_ends_a_range_is_not_stated_alone():
    for sent in ("FooServe speeds up prefill by up to 3.1x and decoding by 1.4-2.2x over BarLLM.",
                 "FooServe speeds up prefill by up to 3.1x and decoding by 1.4 to 2.2x over BarLLM.",
                 "FooServe speeds up prefill by up to 3.1x and decoding by 1.4x–2.2x over BarLLM.",
                 ):
        assert asked_figure(sent, "How much does FooServe speed up decoding?", STATS, "FooServe") is None, sent
    sent = "FooServe speeds up prefill by up to 3.1x and decoding by 1.4-2.2x over BarLLM."
    assert asked_figure(sent, "How much does FooServe speed up prefill?", STATS, "FooServe") == "3.1x"
    # a change "from A to B" is no range: B is the new value
    assert asked_figure("Peak memory drops from 42GB to 11GB.", "What peak memory, from 42GB?", STATS) == "11GB"
