"""Reading set questions into concept groups (agent/qa/set_concepts.py): the question's own verb,
"A or B C" coordination, alternatives joined to a whole run, and acronyms the store defines.
Invented papers and wordings, not the fixture files'."""

from __future__ import annotations

import re

from agent.qa import set_concepts as sc
from agent.qa import set_words as sw
from agent.qa.term_index import build_index

from setcorpus import P
from setcorpus import members as set_members


PAPERS = [
    P("ev1", "Counting the Carbon Footprint of Model Training", "We measure the carbon footprint of training "
      "deep networks. The carbon footprint grows with model size."),
    P("ev2", "Green Training", "Training deep networks emits carbon; carbon emissions are reported per run."),
    P("llm1", "Fitting Fine-Tuning into One GPU", "Large language models (LLMs) are costly to adapt. "
      "We cut memory when fine-tuning LLMs on one GPU."),
    P("llm2", "Lean Pretraining", "We reduce activation memory when training LLMs at scale."),
    P("llm3", "Serving Chatbots", "We serve large language models with low latency."),
    P("vid1", "Video Super-Resolution on Phones", "A video super-resolution network at 30 FPS on phones."),
    P("img1", "Sharper Images", "Image super-resolution with diffusion; image super-resolution is slow."),
    P("seg1", "Realtime Segmentation", "Our segmenter runs at 45 fps on a laptop GPU. It runs at 45 fps."),
    P("det1", "Pruned Detectors", "We prune the ZetaNet-9 detector for phones; the detector keeps its accuracy."),
    P("det2", "A Compiler for Phones", "Our compiler runs ZetaNet-9 based object detection in 40 ms."),
    P("det3", "Detector Zoo", "A detector benchmark. Each detector is timed; one detector per GPU."),
    P("det4", "Faster Detectors", "A faster detector for drones."),
    P("det5", "Detector Ensembles", "Ensembles of a detector and a tracker."),
    P("det6", "Tiny Detectors", "A small detector for microcontrollers."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and compilers with workload data.")
     for i in range(8)]
INDEX = build_index(PAPERS)


def members(question: str) -> set[str]:
    return set_members(question, INDEX)


def test_the_questions_own_verb_is_not_its_subject():
    assert sw.main_verb("Which papers talk about the carbon footprint of training?") == "talk"
    assert sw.main_verb("List every paper that discusses carbon emissions.") == "discusses"
    concepts = sc.read("Which papers chat about the carbon footprint?", INDEX)
    assert concepts.subject is not None and "chat" not in concepts.subject.surface
    assert members("Which papers chat about the carbon footprint?") == {"ev1"}


def test_single_word_alternatives_share_the_words_after_them():
    concepts = sc.read("Which papers work on image or video super-resolution?", INDEX)
    surfaces = [concepts.subject.surface] + [g.surface for g in concepts.qualifiers]
    assert "image / video" in surfaces and "super-resolution" in surfaces
    assert members("Which papers work on image or video super-resolution?") == {"vid1", "img1"}


def test_an_alternative_joins_the_whole_run_a_paper_writes():
    concepts = sc.read("Which papers report carbon emissions or carbon footprint?", INDEX)
    assert ("carbon", "emission") in concepts.subject.phrases or \
        any(("carbon", "emission") in g.phrases for g in concepts.qualifiers)
    assert members("Which papers report carbon emissions or carbon footprint?") == {"ev1", "ev2"}


def test_an_acronym_the_store_defines_counts_for_its_expansion():
    assert ("llm",) in sw.defined_acronyms(INDEX)[("larg", "languag")]
    # "large language models" is met by abstracts that only write "LLMs"
    assert {"llm1", "llm2"} <= members("List every paper on memory when training or fine-tuning large language models.")


def test_the_initials_of_a_spelt_out_alternative_count_when_papers_write_them():
    concepts = sc.read("Which papers give a frame rate (frames per second)?", INDEX)
    groups = [concepts.subject] + concepts.qualifiers
    assert any(("fps",) in g.phrases for g in groups)


def test_a_parenthesis_glosses_the_whole_run_before_it():
    # "frame rate" is written by no paper; its gloss "(frames per second)" and the initials "fps" are
    assert members("Which papers give a frame rate (frames per second) for their system?") >= {"vid1", "seg1"}


def test_a_common_word_after_a_rare_name_is_its_class_not_a_qualifier():
    concepts = sc.read("Which papers work with the ZetaNet-9 detector?", INDEX)
    assert not any(g.surface == "detector" for g in concepts.qualifiers)
    # "work with" asks for use: one mention of the name counts
    assert members("Which papers work with the ZetaNet-9 detector?") == {"det1", "det2"}


def test_baseline_questions_name_the_baseline_at_its_level():
    from agent.qa import baselines

    assert baselines.asked("Which papers compare their latency or energy against FooRT?") == "FooRT"
    assert baselines.asked("Which papers claim to beat a ZetaNet model (V2 or V3) on accuracy?") == "ZetaNet"
    rx = baselines.name_rx("ZetaNet")
    assert rx.search("beats ZetaNetV2 by 3%") and rx.search("ZetaNet-V3") and not rx.search("ZetaNetwork")
    # a versioned name stays at its version
    assert not baselines.name_rx("ZetaNetV2").search("ZetaNetV3")
    # "We compare X with FooRT": the compared system may sit between the verb and "with"
    cue = re.compile(rf"\b(?:{baselines._CUE})\s+[^.;:]{{0,80}}?FooRT")
    assert cue.search("We compare our engine with Alibaba MNN and FooRT.")


def test_a_name_with_a_number_counts_joined_or_apart():
    assert sw._respelt(("top", "1", "accuracy")) == ("top1", "accuracy")
    assert sw._respelt(("llama2",)) == ("llama", "2")
    assert sw._respelt(("gpu", "memory")) is None


def test_an_owner_no_paper_writes_is_not_a_constraint_one_papers_write_is():
    # no paper writes "Glimmer": the papers working with ZetaNet-9 are the answer, nothing is missing
    assert members("Which papers work with Glimmer's ZetaNet-9 detector?") == {"det1", "det2"}
    assert sc.without_unwritten_owner("Which papers use Glimmer's ZetaNet?", INDEX) == "Which papers use ZetaNet?"
    # "carbon" is written: the possessive stays a word to meet
    kept = "Which papers measure Carbon's Footprint?"
    assert sc.without_unwritten_owner(kept, INDEX) == kept
