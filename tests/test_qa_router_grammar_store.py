"""Grammar routing end to end on the small QA store: a list question worded without "papers" gets the
same complete set, its head noun is no filter, and a look-up's framing word is never `missing`."""

from __future__ import annotations

import pytest
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask


@pytest.mark.parametrize("question", [
    "Which entries report experiments on the KITTI dataset?",
    "What studies report experiments on the KITTI dataset?",
    "Which lines of work report experiments on the KITTI dataset?",
])
def test_list_question_without_papers_is_the_same_set(qa_settings, qa_store, question):
    ans = ask(question, qa_settings, store=qa_store)
    assert ans.route == "set" and not ans.insufficient
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}
    assert not any(w in " ".join(ans.missing).lower() for w in ("entries", "studies", "lines"))


def test_framing_word_of_a_lookup_is_never_missing(qa_settings, qa_store):
    ans = ask("Which thesis studies photonic quantum annealers for protein folding?", qa_settings, store=qa_store)
    assert ans.route != "set"
    assert not any("thesis" in m.lower() for m in ans.missing)
