"""Opt-in: the LLM engine against a real OpenAI-compatible endpoint.

Runs only with PAPERS_LIVE=1 and OPENAI_API_KEY set (OPENAI_BASE_URL and PAPERS_LIVE_MODEL optional);
it spends a few cents at most (two abstracts, gpt-4o-mini by default).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not (os.environ.get("PAPERS_LIVE") == "1" and os.environ.get("OPENAI_API_KEY")),
                       reason="live LLM test: set PAPERS_LIVE=1 and OPENAI_API_KEY"),
]

FIXTURES = Path(__file__).resolve().parent.parent / "evals" / "fixtures" / "claims"


def test_live_extraction_is_grounded_and_schema_valid(papers_home):
    from agent.engines.registry import build_llm_engine
    from core.models import Extraction, PaperText
    from agent.prompts import few_shot_ids
    from core.settings import Settings

    records = [json.loads(line) for line in (FIXTURES / "labels_004_002b.jsonl").open() if line.strip()]
    records = [r for r in records if r["id"] not in few_shot_ids() and r["speedups"]][:2]
    engine = build_llm_engine("openai", Settings(home=papers_home), model=os.environ.get("PAPERS_LIVE_MODEL",
                              "gpt-4o-mini"), use_cache=False, concurrency=2, max_cost=0.10)
    try:
        for r in records:
            out = engine.extract(PaperText(id=r["id"], title=r["title"], abstract=r["abstract"]))
            Extraction.model_validate(out.to_json())
            assert all(r["abstract"].find(s.evidence) >= 0 for s in out.speedups)
            assert out.provenance["llm"]["calls"] >= 1 and out.tldr
        assert engine.usage().cost < 0.10
    finally:
        engine.close()
