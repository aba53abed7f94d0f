"""Set questions that restate a concept ("X, i.e. Y") or spell out rare alternatives ("A or B")
(agent/qa/set_concepts.py). Invented papers and questions, not the fixture files'."""

from __future__ import annotations

from agent.qa import set_concepts as sc
from agent.qa.term_index import build_index

from setcorpus import P

PAPERS = [
    P("fa1", "Federated Averaging for Keyboards", "We train keyboards with federated averaging. Federated "
      "averaging keeps data on phones, i.e. raw text never leaves the device."),
    P("fa2", "Robust Federated Averaging", "Federated averaging with clipping resists poisoned updates."),
    P("cl1", "Client Sampling", "Many clients each train one shared model on their own data."),
    P("ca1", "Smarter Cache Eviction", "Our cache policy can evict cold blocks early; the cache hit rate rises."),
    P("ca2", "A Prefetching Cache", "A cache that can prefetch blocks before they are read; the cache wins."),
    P("ca3", "Cache Partitioning", "We partition the cache among tenants; each cache share is sized online."),
    P("ca4", "Cache Compression", "The cache stores compressed lines, so the cache holds more data."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases and compilers on servers, i.e. the usual.")
     for i in range(10)]
INDEX = build_index(PAPERS)


def test_a_gloss_after_ie_restates_the_concept_and_adds_no_constraint():
    concepts = sc.read("Which papers use federated averaging, i.e. many clients training one shared model?", INDEX)
    assert concepts.subject.surface == "federated averaging"
    assert all("i.e" not in p for g in [concepts.subject, *concepts.qualifiers] for p in g.phrases)
    assert not concepts.qualifiers      # "many clients training one shared model" is the gloss
    assert sc.subject_members(concepts, INDEX) == {"fa1", "fa2"}


def test_without_asides_cuts_the_gloss_up_to_the_clause_end_only():
    out = sc.without_asides("Which systems batch requests, that is, group them, and cut latency?")
    assert "group" not in out and "cut latency" in out
    assert "model that is small" in sc.without_asides("Which papers train a model that is small?")


def test_rare_alternatives_the_question_spells_out_hold_even_when_the_model_calls_them_framing():
    concepts = sc.topic_groups("Which caching papers evict or prefetch blocks so that hit rates stay high?",
                               INDEX, ["caching"])
    group = next(g for g in concepts.qualifiers if g.spelled)
    group.must = 0.0        # the fitted constraint-word model "sure" it frames: rarity overrules it
    members = {"ca1", "ca2", "ca3", "ca4"}
    keep, missing, _ = sc.qualified(members, [group], INDEX)
    assert keep == {"ca1", "ca2"} and not missing


AGENTS = [
    P("ag1", "Cooperating LLM Agents", "Several LLM agents debate; the LLM agents then vote."),
    P("ag2", "Planning with LLM Agents", "LLM agents plan trips; several tools are called by the LLM agents."),
    P("ag3", "Several Small Tricks", "Several tricks speed up sorting. Several of them are new."),
    P("ag4", "Routers for Several Models", "We route queries among several models, several times a day."),
] + [P(f"y{i}", f"Unrelated paper {i}", "We study databases and compilers on servers.") for i in range(10)]


def test_a_single_modifier_before_a_written_term_is_not_the_subject():
    index = build_index(AGENTS)
    concepts = sc.read("Which papers build systems in which several LLM agents work together?", index)
    assert concepts.subject.phrases == [("llm", "agent")]
    assert sc.subject_members(concepts, index) == {"ag1", "ag2"}
