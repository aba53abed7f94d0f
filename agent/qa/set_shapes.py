"""Which filters a set question really asks for (agent/qa/local.py applies this before the set is
built): a filter the question's words only seem to name is never added.

- A facet inside an exclusion clause ("Apart from federated learning, which papers ...") filters out.
- A metric word inside a noun phrase ("the texture memory of mobile GPUs") asks for no metric claim;
  a change, comparison or figure word near it does ("cut memory use", "energy reduction").
- A topic that is one item of a list the question spells out ("the weights, activations or KV cache")
  is not the asked tag: the list as a whole qualifies another subject.
"""

from __future__ import annotations

import re

from agent.qa.set_qualifiers import metric_words


def asked_filters(question: str, r, ctx) -> None:
    """Drop from the route `r` the facets and metric the question does not ask for."""
    from agent.qa.set_concepts import excluded_span

    if r.metric and not metric_asked(question, r.metric, ctx):
        r.metric = None
    r.facets = [f for f in r.facets if not excluded_span(f.span, question)
                and not (f.kind == "topic" and listed_alternative(f, question))]


# Words that ask for a measure of the metric: a change, a comparison, a figure ("cut memory use",
# "energy reduction", "beating a GPU on speed", "report latency"); a metric word inside a noun phrase
# with none of them ("texture memory of mobile GPUs") names a thing, it asks for no metric claim.
_ASKED = re.compile(r"\b(?:cut\w*|reduc\w*|lower\w*|decreas\w*|sav\w*|shrink\w*|improv\w*|increas\w*|boost\w*|"
                    r"rais\w*|gain\w*|compar\w*|beat\w*|outperform\w*|report\w*|measur\w*|quantif\w*|"
                    r"higher|lower|less|more|faster|better|by\s+how\s+much|how\s+much|factor|percent\w*|speedups?)\b", re.I)


def metric_asked(question: str, metric: str, ctx) -> bool:
    """Does the question ask for a measure of the metric, not just name a thing the metric word is part of?"""
    for said in metric_words(question, metric, ctx):
        i = question.lower().find(said.lower())
        if i < 0:
            return True
        before = " ".join(question[:i].split()[-6:])
        after = " ".join(question[i + len(said):].split()[:3])
        if _ASKED.search(before) or _ASKED.search(after) or said.lower() != said.split()[0].lower():
            return True
    return not metric_words(question, metric, ctx)


def listed_alternative(facet, question: str) -> bool:
    """The facet is one item of a list the question spells out ("the weights, activations or KV cache"):
    the list as a whole qualifies the subject, the item's tag is not what the question asks for."""
    start, end = facet.span
    before, after = question[:start], question[end:]
    later = re.search(r",[^,?;()]{1,40}(?:,|\bor|\band)\s+(?:the\s+|an?\s+)?$", before)    # "A, B or <item>"
    first = re.match(r"\s*,(?!\s*(?:which|what)\b)\s*[^,?;()]{1,40}(?:,|\bor\b|\band\b)", after, re.I)   # "<item>, B or C"
    return bool(later or first)
