"""Prompt budget and slow local servers (issue 17, item 11), against tests/fakeopenai.py."""

from __future__ import annotations

import statistics

import pytest
from fakeopenai import extraction_answer

from agent.engines.llm.costs import estimate_tokens
from agent.engines.llm.schemas import taxonomy_tags
from agent.prompts import load
from test_llm_engine import PAPER, fixtures


def rendered(record: dict) -> list[dict]:
    return load("extraction").render({"title": record["title"], "abstract": record["abstract"],
                                      "taxonomy": taxonomy_tags()})


def test_extraction_prompt_fits_the_budget_with_one_similar_example():
    records = fixtures()
    tokens = [estimate_tokens(rendered(r)) for r in records]
    assert statistics.median(tokens) <= 1500 and max(tokens) <= 1700
    assert all([m["role"] for m in rendered(r)].count("assistant") == 1 for r in records[:5])


def test_the_few_shot_example_is_never_the_abstract_being_extracted():
    prompt = load("extraction")
    for ex in prompt.examples:
        record = next(r for r in fixtures() if r["id"] == ex.fixture)
        chosen = prompt.chosen_examples({"abstract": record["abstract"]})
        assert chosen and ex not in chosen


def test_example_is_chosen_by_similarity():
    prompt = load("extraction")
    lidar = "We register LiDAR point clouds of outdoor scenes on KITTI and nuScenes with contrastive features."
    assert [e.fixture for e in prompt.chosen_examples({"abstract": lidar})] == ["000_8528321f52109f11.txt#0"]


def test_slow_local_server_needs_a_timeout_that_grows_with_the_prompt(fake_openai, llm_engine):
    from agent.engines.llm.transport import RequestFailed

    fake_openai.latency = 1.0                                  # a CPU model reading a ~1,500-token prompt
    fake_openai.handler = lambda req: extraction_answer()
    with pytest.raises(RequestFailed, match="timed out"):
        llm_engine(request_timeout=0.5, max_retries=0, use_cache=False).extract(PAPER)
    out = llm_engine(request_timeout=0.5, max_retries=0, prompt_tokens_per_second=1000.0).extract(PAPER)
    assert "fallback" not in out.provenance
