"""Set questions with no table facet: subject + qualifier groups checked against titles/abstracts
(agent/qa/set_concepts.py). Invented papers and question wordings, not the fixture files'."""

from __future__ import annotations

from dataclasses import dataclass

from agent.qa import set_concepts as sc
from agent.qa.router import route, vocabulary
from agent.qa.sets import lists_papers


@dataclass
class P:
    id: str
    title: str
    abstract: str


PAPERS = [
    P("rl1", "Adaptive Caching with Reinforcement Learning", "We train a policy with reinforcement learning. "
      "Reinforcement learning picks what to keep. The method uses homomorphic encryption of the keys."),
    P("rl2", "Faster Robot Planning", "A planner whose heuristic is tuned by reinforcement learning on a robot."),
    P("gnn1", "Fast Training of Graph Neural Networks on GPUs", "We speed up graph neural network training "
      "with new kernels for graph neural networks."),
    P("gnn2", "Serving Graph Neural Networks", "A system that serves graph neural network inference at low latency; "
      "graph neural networks answer queries."),
    P("asr", "Compressing Speech Recognisers", "On-device speech recognition models are compressed for phones."),
    P("aud", "A Sequence Backbone", "Our backbone handles language, audio and genomics sequences."),
    P("img", "Image Classification Tricks", "Tricks for image classification on many images."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and compilers with images of the data.") for i in range(8)]
INDEX = sc._build(PAPERS)


def members(question: str) -> tuple[set[str], list[str]]:
    concepts = sc.read(question, INDEX)
    found = sc.subject_members(concepts, INDEX)
    if not found:
        return set(), [concepts.subject.surface]
    keep, missing, _ = sc.qualified(found, concepts.qualifiers, INDEX)
    return keep, [g.surface for g in missing]


def test_use_question_counts_one_mention_about_question_needs_the_title_or_two():
    assert members("Which papers use reinforcement learning in their method?")[0] == {"rl1", "rl2"}
    assert members("Which papers are about reinforcement learning?")[0] == {"rl1"}


def test_alternatives_joined_by_or_any_one_counts():
    assert members("Which papers report experiments on speech or audio data?")[0] == {"asr", "aud"}


def test_topic_plus_qualifier_keeps_only_the_papers_that_say_the_qualifier():
    assert members("Which papers about graph neural networks speed up training?")[0] == {"gnn1"}


def test_unmet_qualifier_term_declines_and_names_it():
    keep, missing = members("Which papers about graph neural networks use homomorphic encryption?")
    assert keep == set() and missing == ["homomorphic encryption"]


def test_unmet_subject_declines_and_names_it():
    keep, missing = members("Which papers use federated learning?")
    assert keep == set() and missing == ["federated learning"]


def test_word_forms_of_one_word_match():
    assert sc._same_word("register", "registration") and sc._same_word("recommender", "recommendation")
    assert not sc._same_word("compiler", "compute")


def test_list_every_paper_routes_as_a_set_but_which_work_does_not():
    vocab = vocabulary()
    assert route("List every paper about speech recognition.", vocab).kind == "set"
    assert lists_papers("List every paper about speech recognition.")
    assert not lists_papers("Which work learns a vector for every node of a graph?")
