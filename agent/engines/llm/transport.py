"""Model calls: the openai SDK over one pooled async client, tenacity retries, a
content-addressed cache and a ledger of every call.

- One `httpx.AsyncClient` per engine, with at most `concurrency` connections, and a semaphore of
  the same size around every HTTP attempt: a batch of 1,000 never opens 1,000 connections.
- The OpenAI client never retries (`max_retries=0`); tenacity does: 408/409/429/5xx, timeouts and
  connection errors, with exponential backoff and full jitter, honouring `Retry-After` /
  `retry-after-ms`. Other 4xx are not retried: 401/403/404 stop everything (key, permission or model
  name is wrong for every paper), 400/422 fail only the paper at hand.
- Requests go through the openai SDK's AsyncOpenAI (LangChain only for the QA agent, whose tools
  it runs; its client gets the same policy at the HTTP layer, core/llm_http.py, and its calls the
  same budget and ledger, agent/qa/agent_llm.py). Structured output is negotiated (modes.py: json_schema, tools, json_object).
  The answer's text is parsed by the engine, not by the SDK, so a truncated or malformed answer
  is kept (with its token usage) and can be re-asked instead of surfacing as an exception.
- The cache key hashes model, template id and digest, the rendered messages, the schema and the
  sampling parameters; the cache stores the raw answer text, so validation always re-runs. The
  caller stores an answer with `remember` once it has parsed it: a truncated or malformed answer
  is never cached, so the next run asks again instead of repeating the fallback.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from agent.engines.llm.config import LLMConfig, api_key
from core.secrets import scrub
from agent.engines.llm.costs import Budget, estimate_tokens, price_for
from core.errors import EngineError
from core.llm_http import httpx_module
from core.models import LLMUsage
from core.llm_retry import RETRY_STATUS, RetryPolicy, is_retryable, retry_after  # noqa: F401 - shared policy
from core.llm_retry import out_of_quota as _out_of_quota

FATAL_STATUS = {401: "the server rejected the API key", 403: "the API key may not use this model",
                404: "the model or endpoint was not found"}


class RequestFailed(EngineError):
    """One call failed for good (retries exhausted, or a 4xx about this request): the paper fails."""


class FatalEngineError(EngineError):
    """Every call would fail the same way (bad key, unknown model): the batch stops."""

    hint = "check OPENAI_API_KEY, OPENAI_BASE_URL and --model"


@dataclass
class Completion:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached: bool = False
    finish_reason: str = "stop"
    attempts: int = 1
    key: str = ""                 # cache key of the request (set by Transport.complete)

    def cache_value(self) -> str:
        return json.dumps({"content": self.content, "prompt_tokens": self.prompt_tokens,
                           "completion_tokens": self.completion_tokens, "finish_reason": self.finish_reason})


def cache_key(model: str, prompt_ref: str, messages: list[dict[str, str]], schema: dict[str, Any],
              params: dict[str, Any], endpoint: str | None = None) -> str:
    """Two servers may serve different models under one name (an Ollama and a vLLM "llama3"), so a
    custom endpoint is part of the key; the default endpoint adds nothing, which keeps older caches valid."""
    request = {"model": model, "prompt": prompt_ref, "messages": messages, "schema": schema, "params": params}
    if endpoint:
        request["endpoint"] = endpoint.rstrip("/")
    blob = json.dumps(request, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class Transport:
    """All model calls of one engine. Lives on the engine's event loop (see runner.py)."""

    def __init__(self, config: LLMConfig, store=None):
        self.config = config
        self.store = store                    # store.llmcache.LLMStore, or None
        self.price = price_for(config.model)
        self.budget = Budget(config.max_cost, self.price)
        self.run_id = uuid.uuid4().hex[:12]
        self.requests = 0                     # HTTP attempts made by this transport
        self._llm = None
        self._http = None
        self._semaphore: asyncio.Semaphore | None = None
        self.mode: str | None = None          # structured-output mode (modes.py), negotiated once
        self.policy = RetryPolicy(config.max_retries, config.backoff_base, config.backoff_max,
                                  config.retry_after_max)

    def _client(self):
        """The openai SDK's async client itself: LangChain's ChatOpenAI adds ~2 s of imports before the
        first request and CPU per call, and extraction uses nothing of it (the QA agent does)."""
        if self._llm is None:
            import openai

            httpx = httpx_module()
            limits = httpx.Limits(max_connections=self.config.concurrency,
                                  max_keepalive_connections=self.config.concurrency)
            self._http = httpx.AsyncClient(limits=limits, timeout=None)   # per request: config.timeout_for
            self._llm = openai.AsyncOpenAI(api_key=api_key(), base_url=self.config.base_url,
                                           timeout=self.config.timeout, max_retries=0, http_client=self._http)
            self._semaphore = asyncio.Semaphore(self.config.concurrency)
        return self._llm

    def key(self, prompt, messages: list[dict[str, str]], response_format: dict[str, Any]) -> str:
        params = {"temperature": self.config.temperature, "max_tokens": prompt.max_tokens}
        return cache_key(self.config.model, f"{prompt.id}:{prompt.digest}", messages, response_format, params,
                         self.config.base_url)

    async def complete(self, prompt, messages: list[dict[str, str]], response_format: dict[str, Any],
                       *, kind: str) -> Completion:
        """The model's answer to `messages` (from the cache when allowed), recorded in the ledger."""
        key = self.key(prompt, messages, response_format)
        if self.config.use_cache and self.store is not None:
            hit = self.store.get(key)
            if hit is not None:
                return self._cached(json.loads(hit), kind, key)
        estimate = estimate_tokens(messages)
        reserved = self.budget.reserve(estimate, prompt.max_tokens)
        actual = 0.0
        try:
            completion = await self._negotiated(messages, response_format, prompt.max_tokens, kind)
            actual = completion.cost
        finally:
            self.budget.settle(reserved, actual)
        completion.key = key
        self._record(kind, completion)
        return completion

    def remember(self, completion: Completion) -> None:
        """Cache an answer; the caller decides which (only answers that parsed: see engine.ask)."""
        if self.store is not None and completion.key and not completion.cached:
            self.store.put(completion.key, self.config.model, completion.cache_value())

    def _cached(self, data: dict[str, Any], kind: str, key: str) -> Completion:
        completion = Completion(content=data["content"], prompt_tokens=data.get("prompt_tokens", 0),
                                completion_tokens=data.get("completion_tokens", 0), cached=True,
                                finish_reason=data.get("finish_reason", "stop"), attempts=0, key=key)
        self._record(kind, completion)
        return completion

    async def _negotiated(self, messages, response_format, max_tokens: int, kind: str) -> Completion:
        """A structured answer in the first output mode the server accepts (see modes.py)."""
        from agent.engines.llm import modes

        if response_format is None:           # free text (QA answers): nothing to negotiate
            return await self._with_retries(messages, None, max_tokens, kind, "text")
        if self.mode is None:
            self.mode = modes.remembered(self.store, self.config.base_url) or modes.MODES[0]
        while True:
            mode = self.mode
            try:
                return await self._with_retries(messages, response_format, max_tokens, kind, mode)
            except modes.FormatRejected as exc:
                later = modes.MODES[modes.MODES.index(mode) + 1:]
                if not later:
                    raise RequestFailed(f"the server accepts no structured-output mode: {exc}") from None
                if self.mode == mode:        # concurrent requests may have moved on already
                    self.mode = later[0]
                    modes.remember(self.store, self.config.base_url, self.mode)

    async def _with_retries(self, messages, response_format, max_tokens: int, kind: str,
                            mode: str = "json_schema") -> Completion:
        attempts = 0
        retrying = self.policy.retrying(asynchronous=True)
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    completion = await self._attempt(messages, response_format, max_tokens, kind, mode)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one typed, secret-free error
            from agent.engines.llm.modes import FormatRejected

            if isinstance(exc, FormatRejected):
                raise
            raise self._failure(exc, attempts) from None
        completion.attempts = attempts
        return completion

    async def _attempt(self, messages, response_format, max_tokens: int, kind: str,
                       mode: str = "json_schema") -> Completion:
        from agent.engines.llm import modes

        # The SDK's own `post` with a plain JSON body: `chat.completions.create` walks every message
        # and the whole JSON schema through its typed-params transform (~9 ms of event-loop CPU per
        # request, measured: 1.4 s for 160 requests), which caps a batch well below the server's pace.
        from openai.types.chat import ChatCompletion

        messages = modes.messages_for(mode, messages, response_format)
        body = {"model": self.config.model, "messages": messages, "temperature": self.config.temperature,
                "max_tokens": max_tokens, **modes.request_options(mode, response_format)}
        client = self._client()
        assert self._semaphore is not None
        async with self._semaphore:
            self.requests += 1
            try:
                raw = await client.post("/chat/completions", cast_to=ChatCompletion, body=body, options={
                    "timeout": self.config.timeout_for(estimate_tokens(messages))})
            except Exception as exc:
                self._record(f"{kind}:failed", Completion(content=""))
                if modes.rejects_format(exc):
                    raise modes.FormatRejected(scrub(str(getattr(exc, "message", "") or exc))[:200]) from None
                raise
        choice = raw.choices[0] if raw.choices else None
        return self._from_raw_completion(raw, (choice.finish_reason if choice else None) or "stop", mode)

    def _from_raw_completion(self, raw, finish_reason: str, mode: str = "json_schema") -> Completion:
        from agent.engines.llm.modes import content_of

        choice = raw.choices[0] if raw.choices else None
        usage = raw.usage
        return self._priced(Completion(
            content=content_of(mode, choice.message) if choice else "",
            finish_reason="stop" if finish_reason == "tool_calls" else finish_reason,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0))

    def _priced(self, completion: Completion) -> Completion:
        completion.cost = self.price.cost(completion.prompt_tokens, completion.completion_tokens)
        return completion

    def _usage(self, kind: str, completion: Completion):
        from store.llmcache import Usage

        return Usage(model=self.config.model, kind=kind, prompt_tokens=completion.prompt_tokens,
                     completion_tokens=completion.completion_tokens,
                     cost=0.0 if completion.cached else completion.cost, cached=completion.cached)

    def _record(self, kind: str, completion: Completion) -> None:
        if self.store is not None:
            self.store.record(self._usage(kind, completion), run=self.run_id)

    def _failure(self, exc: BaseException, attempts: int) -> EngineError:
        import openai

        if isinstance(exc, EngineError):
            return exc
        if _out_of_quota(exc):
            return FatalEngineError("the account has no quota left (HTTP 429 insufficient_quota)",
                                    hint="check the plan and billing of the API key, or use --engine local")
        if isinstance(exc, openai.APIStatusError) and exc.status_code in FATAL_STATUS:
            where = f" ({self.config.model} at {self.config.base_url or 'api.openai.com'})"
            return FatalEngineError(f"{FATAL_STATUS[exc.status_code]}: HTTP {exc.status_code}{where}")
        if isinstance(exc, openai.APIStatusError):
            detail = scrub(str(getattr(exc, "message", "") or exc))[:200]
            what = f"HTTP {exc.status_code}: {detail}"
        elif isinstance(exc, openai.APITimeoutError):
            what = (f"timed out after {self.config.timeout:g}s (local server? set PAPERS_REQUEST_TIMEOUT or "
                    "PAPERS_PROMPT_TOKENS_PER_SECOND)")
        elif isinstance(exc, openai.APIConnectionError):
            what = f"cannot connect to {self.config.base_url or 'api.openai.com'}"
        else:
            what = scrub(f"{exc.__class__.__name__}: {exc}")[:200]
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if is_retryable(exc) else ""
        return RequestFailed(f"LLM request failed{tries}: {what}")

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        self._llm = self._http = None

    def usage(self) -> LLMUsage:
        """Calls, tokens and cost of this engine's run so far (from the ledger)."""
        summary = self.store.summary(self.run_id) if self.store is not None else {}
        return LLMUsage(run=self.run_id, model=self.config.model, requests=self.requests,
                        spent=round(self.budget.spent, 6), **summary)
