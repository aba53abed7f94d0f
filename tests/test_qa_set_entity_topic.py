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
