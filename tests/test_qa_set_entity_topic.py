"""A topic word inside a named entity (a model's name) is part of the name, not an added topic filter."""

from agent.qa import sets
from agent.qa.router import route, vocabulary


def _facets_left(question: str) -> list[str]:
    r = route(question, vocabulary())
    entities = sets.entity_constraints(question)
    return [f"{f.kind}={f.value}" for f in r.facets if not sets.covered_facet(f, entities, question)]


def test_topic_word_inside_a_model_name_is_no_topic_filter():
    question = "Which papers speed up Stable Diffusion models on laptops?"
    assert any(c.kind == "model" for c in sets.entity_constraints(question))
    assert not any(f.startswith("topic=") for f in _facets_left(question))


def test_topic_said_on_its_own_stays_a_filter():
    question = "Which papers speed up diffusion models on laptops?"
    assert not any(c.kind == "model" for c in sets.entity_constraints(question))
    assert "topic=diffusion-generative" in _facets_left(question)


def test_a_topic_the_abstract_says_once_is_a_member_recall_first():
    """The tagger missed the paper; its abstract names the topic once: the topic filter keeps it
    (the question's qualifiers narrow the set afterwards), a paper that never says it stays out."""
    from agent.qa.local import _topic_mentions
    from agent.qa.router import Facet
    from agent.qa.tools import ClaimMatch
    from agent.qa.types import Source

    def paper(pid: str, abstract: str) -> ClaimMatch:
        return ClaimMatch(Source(pid, "A runtime for tiny devices", None, 2024, abstract, 0.0))

    topic = Facet("topic", "compiler-scheduling", "compiler", (0, 8), ["compiler", "compilation"])
    once = paper("p1", "We schedule kernels ahead of time. Our compiler emits fused code for each layer.")
    never = paper("p2", "We schedule kernels ahead of time with a hand-written runtime.")
    assert [m.source.id for m in _topic_mentions(topic, [once, never], set())] == ["p1"]
