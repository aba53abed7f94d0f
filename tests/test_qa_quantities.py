"""Bounds on absolute quantities in set questions (agent/qa/quantities.py): the bound is read from the
question, and a paper meets it only through a figure its abstract writes. Invented wordings."""

from __future__ import annotations

from qa_support import qa_home, qa_settings, qa_store  # noqa: F401

from agent.qa import quantities as q


def test_a_bound_is_read_with_its_kind_direction_and_unit():
    b = q.find("Which papers classify an image in under 8 ms on a watch?")
    assert (b.kind, b.value, b.upper, b.inclusive, b.surface) == ("time", 8.0, True, False, "under 8 ms")
    b = q.find("List every paper that tracks objects at more than 60 FPS.")
    assert (b.kind, b.value, b.upper) == ("rate", 60.0, False)
    assert q.find("Which papers fit a model in at most 2 GB?").value == 2048.0
    # ratios are the claims table's (agent/qa/thresholds.py), not an absolute bound
    assert q.find("Which papers achieve more than 10x speedup?") is None
    assert q.find("Which papers came out over 3 years ago?") is None


def test_a_paper_meets_the_bound_only_with_a_figure_of_the_same_kind():
    b = q.find("Which papers classify an image in under 8 ms?")
    assert q.meeting_sentence("We prune it. The model runs in 6.5ms on a watch.", b) == "The model runs in 6.5ms on a watch."
    assert q.meeting_sentence("It takes 0.004 s per image.", b) == "It takes 0.004 s per image."   # s -> ms
    assert q.meeting_sentence("Latency drops from 40 ms to 12 ms.", b) is None
    assert q.meeting_sentence("Accuracy is 6% higher at 30 FPS.", b) is None      # no time figure
    fps = q.find("Which papers run at above 30 FPS?")
    assert q.meeting_sentence("We reach 45 fps on a laptop.", fps) and not q.meeting_sentence("We reach 25 fps.", fps)


def test_a_quantity_set_lists_only_papers_stating_a_figure_within_the_bound(qa_settings, qa_store):
    from agent.qa import ask

    question = "Which papers report an inference latency under 100 ms?"
    bound = q.find(question)
    ans = ask(question, qa_settings, store=qa_store)
    assert not ans.insufficient and ans.citations, ans.answer
    assert "abstract states time under 100 ms" in ans.answer.split("\n")[0]
    for c in ans.citations:
        assert q.meeting_sentence(c.abstract, bound) is not None and c.support in c.abstract
    out = ask("Which papers report an inference latency under 0.001 ms?", qa_settings, store=qa_store)
    assert out.insufficient and out.missing[0] == "under 0.001 ms", out.answer
