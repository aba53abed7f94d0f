"""A hyphenated word of a set question is one concept (agent/qa/set_groups.py `_split_run`): a paper
sharing one generic part of it ("text" of "speech-to-text") is no member. Invented papers and questions."""

from __future__ import annotations

from agent.qa import set_concepts as sc
from agent.qa.term_index import build_index

from setcorpus import P

PAPERS = [
    P("txt1", "Fast Text Classification on Phones", "We classify text on mobile phones. Short text inputs "
      "are tokenized on device and the text model is pruned."),
    P("txt2", "Compressing Text Encoders", "Text encoders are distilled into small text models for phones."),
    P("txt3", "Text Retrieval at Scale", "We index text and retrieve text passages quickly."),
    P("t2i1", "Faster Text-to-Image Diffusion", "We speed up text-to-image diffusion sampling with caching."),
    P("t2i2", "Pruned Text-to-Image Generators", "A pruned text-to-image generator runs faster on phones."),
    P("img1", "Image Denoising with Small Models", "Image denoising models for images from phones."),
    P("eff1", "An Energy Aware Accelerator", "Our accelerator cuts energy by 3x over a GPU baseline and is faster."),
    P("eff2", "An Energy-Efficient NPU", "An energy-efficient NPU for transformers that is 2x faster."),
    P("sp1", "Speech Enhancement Networks", "A speech enhancement network removes noise from recordings."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study efficient databases and compilers on servers.") for i in range(8)]
INDEX = build_index(PAPERS)


def answer(question: str) -> tuple[set[str], list[str]]:
    """The rule path's members and the unmet surfaces, as the concept set route computes them."""
    concepts = sc.read(question, INDEX)
    found = sc.subject_members(concepts, INDEX)
    if not found:
        return set(), [concepts.subject.surface]
    keep, missing, _ = sc.qualified(found, concepts.qualifiers, INDEX, concepts.subject)
    return keep, [g.surface for g in missing]


def test_a_hyphenated_term_no_paper_writes_declines_rather_than_matching_its_generic_part():
    keep, missing = answer("Which papers make speech-to-text transcription fast enough for phones?")
    assert keep == set() and missing and "speech-to-text" in missing[0]


def test_a_hyphenated_term_papers_write_lists_exactly_those_papers():
    keep, _ = answer("Which papers accelerate text-to-image generation?")
    assert keep == {"t2i1", "t2i2"}


def test_a_hyphenated_qualifier_is_met_by_its_informative_part_not_by_a_common_one():
    concepts = sc.read("Which accelerator papers are both faster and more energy-efficient than a GPU?", INDEX)
    group = next(g for g in concepts.qualifiers if "energy-efficient" in g.surface)
    assert ("energy", "efficient") in group.compounds
    # "cuts energy by 3x" says it in other words; "efficient" alone (the common part) does not
    assert sc.meets_qualifier(group, "eff1", INDEX) and sc.meets_qualifier(group, "eff2", INDEX)
    assert not sc.meets_qualifier(group, "x0", INDEX)
