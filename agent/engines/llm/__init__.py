"""The LLM engines: `openai` (the model extracts, rules are the fallback) and `hybrid` (rules extract,
the model resolves what rules cannot). Any OpenAI-compatible server works (OPENAI_BASE_URL).

Layout:
- config.py     settings + secrets (read lazily from the environment, never stored or logged)
- transport.py  LangChain ChatOpenAI over one pooled async client; tenacity retries; cache; ledger
- costs.py      price table (agent/data/prices.yaml), token estimates, the --max-cost budget
- schemas.py    LLM-facing output models (strict JSON schema) and their conversion to agent.models
- validate.py   grounding and vocabulary checks of what the model said
- engine.py     the openai engine: sync API, concurrent `extract_many`, `estimate`
- hybrid.py     the hybrid engine (rules first, the model resolves the rest)
- runner.py     the background event loop that lets sync callers drive async work

Importing this package is cheap: langchain/openai are imported when the first request is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.engines.llm.engine import LLMEngine
    from agent.settings import Settings


def build_llm_engine(name: str, settings: "Settings", *, model: str, use_cache: bool = True,
                     concurrency: int | None = None, max_cost: float | None = None) -> "LLMEngine":
    """The `openai` or `hybrid` engine; EngineNotConfigured (one clear line) without OPENAI_API_KEY."""
    from agent.engines.llm.config import LLMConfig
    from agent.engines.llm.engine import LLMEngine
    from agent.engines.llm.hybrid import HybridEngine

    config = LLMConfig.from_settings(settings, model=model, use_cache=use_cache,
                                     concurrency=concurrency, max_cost=max_cost)
    config.check()
    return (HybridEngine if name == "hybrid" else LLMEngine)(config)
