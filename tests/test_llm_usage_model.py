"""LLM usage and estimates are pydantic models inside the code and the same JSON / cost line outside.

The expected dicts are built the way the code built them before they became models, so a change in
a field's name, order or number format shows up here.
"""

from __future__ import annotations

import json

from fakeopenai import error_reply, extraction_answer

from agent.cli.output import usage_line
from core.models import LLMEstimate, LLMUsage, PaperText, PricePerMillion

ABSTRACT = ("We present FastThing, a kernel library for sparse attention. FastThing achieves a 3.1x "
            "speedup over FlashAttention on NVIDIA A100 GPUs and reduces memory by 42% on ImageNet.")


def test_usage_is_the_model_and_its_json_is_unchanged(fake_openai, llm_engine):
    fake_openai.push(error_reply(500), extraction_answer(usage=(1000, 200)))
    engine = llm_engine()
    engine.extract(PaperText(id="p1", title="FastThing", abstract=ABSTRACT))
    engine.extract(PaperText(id="p1", title="FastThing", abstract=ABSTRACT))      # one cache hit
    usage = engine.usage()
    assert isinstance(usage, LLMUsage)
    transport = engine.transport
    before = {"run": transport.run_id, "model": transport.config.model, "requests": transport.requests,
              "spent": round(transport.budget.spent, 6), **transport.store.summary(transport.run_id)}
    assert json.dumps(usage.to_json()) == json.dumps(before)
    assert usage.cached_calls == 1 and usage.calls == 2 and usage.requests == 2
    assert usage_line(usage) == (f"llm: {before['requests']} requests, {before['cached_calls']} cached, "
                                 f"{before['prompt_tokens']}+{before['completion_tokens']} tokens, "
                                 f"${before['cost']:.4f} ({before['model']})")


def test_usage_without_a_ledger_keeps_only_the_run_fields():
    usage = LLMUsage(run="r1", model="m", requests=0, spent=0.0)
    assert json.dumps(usage.to_json()) == '{"run": "r1", "model": "m", "requests": 0, "spent": 0.0}'


def test_estimate_is_the_model_and_its_json_is_unchanged(fake_openai, llm_engine):
    engine = llm_engine()
    estimate = engine.estimate([PaperText(id="p1", title="FastThing", abstract=ABSTRACT)])
    assert isinstance(estimate, LLMEstimate)
    price = engine.transport.price
    before = {"engine": engine.name, "model": engine.config.model, "prompt": estimate.prompt, "papers": 1,
              "cached": 0, "requests": 1, "prompt_tokens": estimate.prompt_tokens,
              "completion_tokens": estimate.completion_tokens,
              "cost_usd": round(price.cost(estimate.prompt_tokens, estimate.completion_tokens), 6),
              "price_per_1m_tokens": {"entry": price.model, "input": price.input, "output": price.output},
              "max_cost": None, "within_budget": None,
              "note": "approximate (~3.8 characters per token); each re-ask adds about one more request"}
    assert json.dumps(estimate.to_json()) == json.dumps(before)
    free = {"entry": "local", "input": 0, "output": 0}      # a price table's integer 0 stays 0
    assert json.dumps(estimate.model_copy(update={"price_per_1m_tokens": PricePerMillion(**free)}).to_json()["price_per_1m_tokens"]) \
        == json.dumps(free)
