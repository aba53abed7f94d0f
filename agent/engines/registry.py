"""The engine registry: which engine names exist and how each one is built.

Every engine-name check (CLI flags, `ask`, chat's /engine, evals) goes through `engine_name`, and
every construction through `get_engine`, so adding an engine is one entry here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from core.errors import UsageError
from core.settings import EngineName

if TYPE_CHECKING:
    from agent.engines.base import Engine
    from agent.engines.llm.engine import LLMEngine
    from core.settings import Settings

ENGINE_NAMES: tuple[str, ...] = get_args(EngineName)
LLM_ENGINES = ("openai", "hybrid")


def engine_name(name: str | None, settings: "Settings | None" = None) -> EngineName:
    """`name` (or settings.engine) checked against the registry; UsageError for an unknown one."""
    if not name:
        from core.settings import get_settings

        name = (settings or get_settings()).engine
    name = name.lower()
    if name not in ENGINE_NAMES:
        raise UsageError(f"unknown engine {name!r}", hint=f"choose one of: {', '.join(ENGINE_NAMES)}")
    return name  # type: ignore[return-value]


def uses_llm(name: str) -> bool:
    """True for the engines that call an OpenAI-compatible endpoint (and so need a key)."""
    return engine_name(name) in LLM_ENGINES


def get_engine(name: str | None = None, settings: "Settings | None" = None, *, model: str | None = None,
               use_cache: bool = True, concurrency: int | None = None, max_cost: float | None = None,
               use_embeddings: bool = True) -> "Engine":
    """The engine named (or settings.engine). LLM options are ignored by the local engine."""
    from core.settings import get_settings

    settings = settings or get_settings()
    name = engine_name(name, settings)
    if name == "local":
        from agent.engines.local.engine import LocalEngine

        return LocalEngine(use_embeddings=use_embeddings)
    engine = build_llm_engine(name, settings, model=model or settings.model, use_cache=use_cache,
                              concurrency=concurrency or settings.concurrency, max_cost=max_cost,
                              prefetch=False)
    from agent.engines.llm import prefetch_client_modules

    prefetch_client_modules(warm=engine.warm_checks)     # extraction: the checks' vocabularies too
    return engine


def build_llm_engine(name: str, settings: "Settings", *, model: str, use_cache: bool = True,
                     concurrency: int | None = None, max_cost: float | None = None,
                     prefetch: bool = True) -> "LLMEngine":
    """The `openai` or `hybrid` engine; EngineNotConfigured (one clear line) without OPENAI_API_KEY."""
    from agent.engines.llm.config import LLMConfig
    from agent.engines.llm.engine import LLMEngine
    from agent.engines.llm.hybrid import HybridEngine

    config = LLMConfig.from_settings(settings, model=model, use_cache=use_cache,
                                     concurrency=concurrency, max_cost=max_cost)
    config.check()
    if prefetch:
        from agent.engines.llm import prefetch_client_modules

        prefetch_client_modules()
    return (HybridEngine if name == "hybrid" else LLMEngine)(config)
