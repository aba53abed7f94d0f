"""The hybrid engine: local candidates, the model resolves them; grounded and with fallbacks."""

from __future__ import annotations

import json

from fakeopenai import json_reply

from core.models import PaperText
from test_llm_engine import ANT, PAPER

TLDR = "ANT, an adaptive numerical data type for low-bit quantization, gives 2.8x speedup over accelerators."


def resolve(keep_all: bool = True, metric: str = "latency", additional=()):
    """A model that resolves every candidate it is shown (to `metric`, baseline 'prior accelerators')."""
    def reply(req):
        cands = json.loads(req.fenced("candidates"))
        return json_reply({"tldr": TLDR, "topics": ["quantization", "hardware-accelerator"],
                           "speedups": [{"index": c["index"], "keep": keep_all, "metric": metric,
                                         "direction": "reduction", "baseline": "prior accelerators",
                                         "qualifier": "up_to"} for c in cands],
                           "additional_speedups": list(additional)})
    return reply


def test_hybrid_resolves_local_candidates(fake_openai, llm_engine):
    fake_openai.push(resolve())
    engine = llm_engine("hybrid")
    out = engine.extract(PAPER)
    local = engine.local.claims(PAPER)
    assert out.engine == "hybrid" and fake_openai.count == 1
    assert [s.value for s in out.speedups] == [s.value for s in local.speedups]
    assert [s.evidence for s in out.speedups] == [s.evidence for s in local.speedups]   # from the rules
    assert {(s.metric, s.direction, s.baseline, s.qualifier) for s in out.speedups} == \
        {("latency", "reduction", "prior accelerators", "up_to")}                    # from the model
    assert out.hardware == local.hardware and out.datasets == local.datasets
    assert out.topics == ["quantization", "hardware-accelerator"] and out.tldr == TLDR
    shown = json.loads(fake_openai.chat_requests[0].fenced("candidates"))
    assert [c["value"] for c in shown] == [2.8, 2.5]


def test_hybrid_drops_candidates_the_model_rejects(fake_openai, llm_engine):
    fake_openai.push(resolve(keep_all=False))
    assert llm_engine("hybrid").extract(PAPER).speedups == []


def test_hybrid_grounds_additional_claims_item_by_item(fake_openai, llm_engine):
    invented = {"value": 10, "unit": "x", "metric": "memory", "direction": "reduction", "baseline": None,
                "qualifier": None, "evidence": "an order of magnitude less memory"}
    fake_openai.push(resolve(additional=[invented]), resolve(additional=[invented]))
    engine = llm_engine("hybrid")
    out = engine.extract(PAPER)
    assert [s.value for s in out.speedups] == [2.8, 2.5]                 # the resolved candidates stay
    assert {s.metric for s in out.speedups} == {"latency"} and "fallback" not in out.provenance
    assert [r["value"] for r in out.provenance["rejected"]["speedups"]] == [10]   # the invention does not
    assert "additional_speedups" in fake_openai.chat_requests[1].messages[-1]["content"]
    assert out.topics == ["quantization", "hardware-accelerator"]


def test_hybrid_unresolved_candidate_is_reasked(fake_openai, llm_engine):
    def partial(req):
        reply = resolve()(req)
        body = json.loads(reply.content)
        body["speedups"] = body["speedups"][:1]
        return json_reply(body)

    fake_openai.push(partial, resolve())
    out = llm_engine("hybrid").extract(PAPER)
    assert len(out.speedups) == 2 and out.provenance["llm"]["reasked"]
    assert "candidate 1 is not resolved" in fake_openai.chat_requests[1].messages[-1]["content"]


def test_hybrid_batch_and_estimate(fake_openai, llm_engine):
    fake_openai.handler = resolve()
    engine = llm_engine("hybrid")
    papers = [PaperText(id=f"{ANT['id']}-{i}", title=ANT["title"], abstract=ANT["abstract"] + f" Run {i}.")
              for i in range(3)]
    estimate = engine.estimate(papers)
    assert estimate.prompt == "hybrid@v1" and estimate.requests == 3
    results = list(engine.extract_many(papers))
    assert sorted(r.id for r in results) == sorted(p.id for p in papers)
    assert engine.estimate(papers).requests == 0                     # all cached now
