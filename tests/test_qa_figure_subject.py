"""The asked subject's own figure: a paper that only builds on or beats the named system does not report
it (agent/qa/figure_subject.py, answerability.used_as_own). Invented papers; no store."""

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


def test_a_one_word_title_head_no_other_title_opens_with_names_its_paper():
    from agent.qa.answerability import owners

    base = SimpleNamespace(title="Gannet: Selective Linear Trees", abstract="Gannet trees run 4x faster than Pagoda.")
    spin = SimpleNamespace(title="Vision Gannet: Image Trees", abstract="Vision Gannet extends Gannet to images.")
    mixer = SimpleNamespace(title="GannetMixer: Mixing Trees", abstract="GannetMixer builds on Gannet.")
    late = SimpleNamespace(title="Heron Trees", abstract="Heron trees are compared with Gannet trees.")
    twin = SimpleNamespace(title="Gannet: Another Tree", abstract="Gannet again.")
    papers = [base, spin, mixer, late, _OWNER]
    # "gannet" is in more papers than a rare name word: only the title head can single the paper out
    stats = CorpusStats.build([f"{p.title} {p.abstract}" for p in papers + [twin]])
    assert base in owners("How much faster is Gannet than Pagoda?", papers, stats)
    # ... not when two titles open with the same word, nor when the question writes it lower-case
    assert base not in owners("How much faster is Gannet than Pagoda?", papers + [twin], stats)
    assert base not in owners("How much faster is a gannet than Pagoda?", papers, stats)


def test_a_hyphenated_parameter_count_is_a_model_size():
    from agent.qa.constraints import question_constraints

    found = question_constraints("How does a 4.2B-parameter Gannet model compare with Pagoda?")
    assert ("model", "* 4.2b") in [(c.kind, c.value) for c in found]
