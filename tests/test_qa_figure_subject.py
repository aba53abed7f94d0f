"""The asked subject's own figure: a paper that only builds on or beats the named system does not report
it (agent/qa/figure_subject.py, answerability._used_as_own). Invented papers; no store."""

from __future__ import annotations

from types import SimpleNamespace

from agent.qa.answerability import names_paper
from agent.qa.figure_subject import others_subject
from agent.qa.missing_phrase import asked_subject
from agent.qa.text import CorpusStats

_OWNER = SimpleNamespace(title="HeroNet: Data-Frugal Image Trees",
                         abstract="HeroNet reaches 81.5% top-1 accuracy on Zebrafish with a single tree.")
_USER = SimpleNamespace(title="Pagoda: Pruning Tokens of Image Trees",
                        abstract="Pagoda cuts the latency of HeroNet-S to 9 ms with 0.4% higher accuracy on Zebrafish.")
_RIVAL = SimpleNamespace(title="Kestrel: Linear Image Trees",
                         abstract="Kestrel is 2.1x faster than HeroNet on Zebrafish at equal accuracy.")
STATS = CorpusStats.build([f"{p.title} {p.abstract}" for p in (_OWNER, _USER, _RIVAL)])
Q = "What accuracy does HeroNet reach on Zebrafish?"


def test_the_asked_subject_is_read_from_a_fronted_object_question():
    assert asked_subject(Q) == ["HeroNet"]
    assert asked_subject("What speedup does HeroNet achieve?") == ["HeroNet"]
    assert asked_subject("How does HeroNet prune trees?") == []


def test_the_paper_that_reports_the_subjects_figure_meets_it():
    assert others_subject(Q, _OWNER, STATS) == []
    assert names_paper(Q, _OWNER, STATS)


def test_a_paper_building_on_or_beating_the_subject_does_not():
    for src in (_USER, _RIVAL):
        assert [c.surface for c in others_subject(Q, src, STATS)] == ["HeroNet"]
        assert not names_paper(Q, src, STATS)
