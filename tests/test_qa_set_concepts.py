"""Set questions with no table facet: subject + qualifier groups checked against titles/abstracts
(agent/qa/set_concepts.py). Invented papers and question wordings, not the fixture files'."""

from __future__ import annotations

from agent.qa import set_concepts as sc
from agent.qa.router import route, vocabulary
from agent.qa.sets import lists_papers
from agent.qa.term_index import build_index, same_word

from setcorpus import P


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
INDEX = build_index(PAPERS)


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
    assert same_word("register", "registration") and same_word("recommender", "recommendation")
    assert not same_word("compiler", "compute")


def test_list_every_paper_routes_as_a_set_but_which_work_does_not():
    vocab = vocabulary()
    assert route("List every paper about speech recognition.", vocab).kind == "set"
    assert lists_papers("List every paper about speech recognition.")
    assert not lists_papers("Which work learns a vector for every node of a graph?")


# -- qualifiers said of the subject, exclusions ------------------------------------------------------
TOOLS = [
    P("sys1", "A Runtime for Graph Neural Network Training", "Graph neural network training is slow on GPUs. "
      "We build a system with fused kernels that accelerates it by 3x."),
    P("sys2", "Serving Graph Neural Networks at Scale", "We present a serving system for graph neural network "
      "inference. Graph neural networks answer queries within 10 ms."),
    P("use1", "Chip Placement with Graph Neural Networks", "We place macros on a chip floorplan. A graph neural "
      "network is the cost model. Placement quality improves by 8%. Separately, our compute cluster "
      "accelerates signoff."),
    P("far", "Molecule Property Prediction", "Graph neural networks predict molecular properties. Graph neural "
      "networks are accurate. Our model is trained on three benchmarks. It is small. Fused kernels are "
      "future work."),
    P("mol", "Graph Neural Networks for Molecules", "Graph neural networks predict molecules' properties fast."),
] + [P(f"y{i}", f"Filler paper {i}", "We study databases and compilers with images of the data.") for i in range(20)]
TOOL_INDEX = build_index(TOOLS)
GNN = ["graph neural networks", "graph neural network"]     # the topic tag's words, taken as the subject


def _topic_members(question: str) -> set[str]:
    """As the topic path does: the tag's papers (here: those naming it), the question's other groups
    as qualifiers, exclusions filtering out."""
    concepts = sc.topic_groups(question, TOOL_INDEX, GNN)
    found = sc.subject_members(sc.Concepts(concepts.subject, usage=True), TOOL_INDEX)
    found -= sc.excluded_members(found, concepts, TOOL_INDEX)
    keep, _, _ = sc.qualified(found, concepts.qualifiers, TOOL_INDEX, concepts.subject, concepts.strict)
    return keep


def test_a_qualifier_counts_only_near_the_subject_not_anywhere_in_the_abstract():
    # "far" says "fused kernels" three sentences after its last subject mention
    assert _topic_members("Which graph neural network papers rely on fused kernels?") == {"sys1"}


def test_not_papers_that_merely_use_the_subject_needs_the_qualifier_beside_an_abstract_mention():
    plain = "Which papers accelerate or serve graph neural networks?"
    question = plain[:-1] + " (not papers that merely use a graph neural network as a tool)?"
    concepts = sc.topic_groups(question, TOOL_INDEX, GNN)
    assert concepts.strict and not concepts.excluded
    # use1's title names GNNs, so without the clause its "accelerates" anywhere counts; with it, the
    # qualifier must stand beside one of the abstract's own GNN sentences
    assert _topic_members(plain) == {"sys1", "sys2", "use1"}
    assert _topic_members(question) == {"sys1", "sys2"}


def test_an_excluded_concept_filters_out_and_is_no_qualifier():
    question = "Which papers are about graph neural networks, excluding those on molecules?"
    concepts = sc.topic_groups(question, TOOL_INDEX, GNN)
    assert [g.surface for g in concepts.excluded] == ["molecules"] and not concepts.qualifiers
    assert _topic_members(question) == {"sys1", "sys2", "use1"}     # "far" and "mol" are about molecules
    assert sc.split_exclusion("Which papers on X other than those using Y?")[1] == ["those using Y"]


def test_a_speed_up_qualifier_takes_its_synonyms():
    assert _topic_members("Which graph neural network papers speed up training?") == {"sys1"}
