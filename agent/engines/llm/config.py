"""What an LLM engine needs to know, from Settings and the environment.

Secrets are not fields: OPENAI_API_KEY is read from the environment when a client is built, handed
to the client and nowhere else (not in this object, its repr, provenance, the cache or logs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import EngineNotConfigured, UsageError
from core.secrets import KEY_ENV

BASE_URL_ENV = "OPENAI_BASE_URL"


@dataclass(frozen=True)
class LLMConfig:
    model: str
    db_path: Path
    concurrency: int = 8
    timeout: float = 60.0
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0      # never sleep longer than this, whatever Retry-After says
    use_cache: bool = True
    max_cost: float | None = None
    temperature: float = 0.0
    topic_embeddings: bool = True      # a model topic without a keyword cue may pass on embeddings
    prompt_tokens_per_second: float | None = None   # slow (local) servers: timeout grows with the prompt

    def timeout_for(self, prompt_tokens: int) -> float:
        """The request timeout for a prompt of this size (see Settings.prompt_tokens_per_second)."""
        extra = prompt_tokens / self.prompt_tokens_per_second if self.prompt_tokens_per_second else 0.0
        return self.timeout + extra

    @classmethod
    def from_settings(cls, settings, *, model: str | None = None, use_cache: bool = True,
                      concurrency: int | None = None, max_cost: float | None = None) -> "LLMConfig":
        settings.ensure_home()
        return cls(model=model or settings.model, db_path=settings.db_path,
                   concurrency=concurrency or settings.concurrency, timeout=settings.request_timeout,
                   max_retries=settings.max_retries, backoff_base=settings.backoff_base,
                   backoff_max=settings.backoff_max, use_cache=use_cache, max_cost=max_cost,
                   prompt_tokens_per_second=settings.prompt_tokens_per_second)

    @property
    def base_url(self) -> str | None:
        return os.environ.get(BASE_URL_ENV) or None

    def check(self) -> None:
        """Fail early, in one line, when the engine cannot work."""
        if not os.environ.get(KEY_ENV, "").strip():
            raise EngineNotConfigured(
                f"the LLM engine needs {KEY_ENV} (model {self.model}"
                + (f" at {self.base_url})" if self.base_url else ")"))
        if self.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        if self.max_cost is not None and self.max_cost <= 0:
            raise UsageError("--max-cost must be a positive amount in USD")


def api_key() -> str:
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise EngineNotConfigured(f"the LLM engine needs {KEY_ENV}")
    return key
