"""A quoted comparison in the other direction is not stated as the answer (agent/qa/comparison_direction.py).
Invented sentences."""

from __future__ import annotations

from agent.qa.comparison_direction import asked_comparison, reversed_in

_SENTENCE = "In our tests, Heron runs 3.4x faster than Pelican and halves its memory."


def test_the_asked_comparison_is_read_by_its_shape():
    assert asked_comparison("How much faster is Pelican than Heron?") == ("faster", "Pelican", "Heron")
    assert asked_comparison("How many times smaller are Ibis models than Stork models?") == \
        ("smaller", "Ibis models", "Stork models")
    assert asked_comparison("How fast is Pelican?") is None


def test_a_sentence_comparing_the_other_way_round_is_reversed():
    assert reversed_in("How much faster is Pelican than Heron?", _SENTENCE)


def test_a_sentence_comparing_the_asked_way_is_not_reversed():
    assert not reversed_in("How much faster is Heron than Pelican?", _SENTENCE)
    # another comparative, or no than-phrase naming the subject: nothing to say
    assert not reversed_in("How much faster is Pelican than Heron?", "Heron has 3.4x higher throughput than Pelican.")
    assert not reversed_in("How much faster is Pelican than Heron?", "Pelican is 3.4x faster than Stork.")
