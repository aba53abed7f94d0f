"""A list question's own wording is no must-hold text (agent/qa/set_concepts.py, set_words.py): the head
noun and the main verb are never the subject, a verb is soft unless it splits the subject's papers, a
framing group is dropped, and a qualifier counts through its informative words and a defined acronym.
Invented papers and wordings, not the fixtures'."""

from __future__ import annotations

from agent.qa import set_concepts as sc
from agent.qa.set_words import verb_span
from agent.qa.term_index import build_index

from setcorpus import P
from setcorpus import members as set_members

PAPERS = [
    P("sh1", "Compress Protein Folders by Distillation", "We compress protein folders with distillation. Protein folders shrink 4x."),
    P("sh2", "Fast Protein Folders", "Protein folders are slow; we cache their features. Protein folders run fast."),
    P("sh3", "Protein Folders at Scale", "We compress protein folders and serve protein folders on clusters."),
    P("ot1", "Taming Outliers in Tensor Quantization", "Outliers break tensor quantization; we clip them. "
      "Tensor quantization then keeps accuracy."),
    P("ot2", "Outlier Values and Tensor Quantization", "A fraction of outlier values hurts tensor quantization. "
      "Our tensor quantization keeps them in high precision."),
    P("ot3", "Tensor Quantization for Vision", "Tensor quantization of vision models with learned steps. "
      "Tensor quantization is cheap."),
    P("hl1", "Placement in Tile Synthesis", "Tile synthesis (TS) maps loops to tiles. Tile synthesis is slow; "
      "we speed it."),
    P("hl2", "TS for Graph Kernels", "We study TS of graph kernels; TS tools miss parallelism in graph kernels."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and tune queries with cost values and results.")
     for i in range(10)]
INDEX = build_index(PAPERS)


def members(question: str) -> set[str]:
    return set_members(question, INDEX)


def test_the_verb_after_a_head_noun_is_read_by_grammar():
    q = "What efforts compress protein folders?"
    assert q[slice(*verb_span(q))] == "compress"
    assert verb_span("What research exists on protein folders?") is None     # "exists on": no verb of content
    q = "Which systems have compressed protein folders?"
    assert q[slice(*verb_span(q))] == "compressed"                    # after an auxiliary


def test_head_noun_and_verb_are_never_the_subject_and_the_verb_is_not_glued_to_the_noun_phrase():
    concepts = sc.read("What efforts compress protein folders?", INDEX)
    assert concepts.subject.phrases[0] == tuple(sc.stream("protein folders"))
    verbs = [g for g in concepts.qualifiers if g.verb]
    assert [g.surface for g in verbs] == ["compress"]          # its own group, not "compress protein folders"


def test_a_verb_that_splits_the_subjects_papers_is_required():
    # two of three protein-folder papers compress them: the verb says which the question means
    assert members("What efforts compress protein folders?") == {"sh1", "sh3"}


def test_a_verb_most_subject_papers_already_say_is_soft():
    # every tensor-quantization paper writes "quantization": the verb adds nothing, all three are listed
    assert members("Which approaches quantize with tensor quantization?") >= {"ot1", "ot2", "ot3"}


def test_framing_groups_are_dropped_even_where_some_papers_write_them():
    from agent.qa.set_groups import Group

    keep, missing, ignored = sc.qualified({"ot1", "ot2", "ot3"}, [Group([("fraction",)], "fraction", must=0.05)],
                                          INDEX, None)
    assert keep == {"ot1", "ot2", "ot3"} and not missing and [g.surface for g in ignored] == ["fraction"]


def test_a_phrase_counts_through_its_informative_words():
    # "outlier values" is written by ot2 only; ot1 says "outliers": "values" is a word most papers use
    assert members("Which papers study outlier values in tensor quantization?") == {"ot1", "ot2"}


def test_an_acronym_the_question_writes_counts_as_its_defined_expansion():
    # the store defines "tile synthesis (TS)": a question writing "TS" lists the paper writing it out
    assert members("Which papers are about TS?") == {"hl1", "hl2"}
    assert members("Which papers speed up tile synthesis?") <= {"hl1", "hl2"}



def test_a_group_near_the_cutoff_is_still_required_where_met_and_relaxed_only_when_it_empties_the_set():
    from agent.qa.constraint_words import model
    from agent.qa.set_groups import Group

    near = model()["cutoff"] - 0.01
    keep, _, ignored = sc.qualified({"ot1", "ot2", "ot3"}, [Group([("fraction",)], "fraction", must=near)], INDEX, None)
    assert keep == {"ot2"} and not ignored



def test_a_defined_acronym_inside_a_longer_qualifier_phrase_counts():
    from agent.qa.set_words import _inner_acronyms, defined_acronyms

    defined = defined_acronyms(INDEX)
    phrase = tuple(sc.stream("placing tile synthesis loops"))
    assert tuple(sc.stream("placing TS loops")) in _inner_acronyms(phrase, defined)
    assert _inner_acronyms(tuple(sc.stream("tile synthesis")), defined) == []     # the whole: add_acronyms' job
