"""Model calls: LangChain ChatOpenAI over one pooled async client, tenacity retries, a
content-addressed cache and a ledger of every call.

- One `httpx.AsyncClient` per engine, with at most `concurrency` connections, and a semaphore of
  the same size around every HTTP attempt: a batch of 1,000 never opens 1,000 connections.
- The OpenAI client never retries (`max_retries=0`); tenacity does: 408/409/429/5xx, timeouts and
  connection errors, with exponential backoff and full jitter, honouring `Retry-After` /
  `retry-after-ms`. Other 4xx are not retried: 401/403/404 stop everything (key, permission or model
  name is wrong for every paper), 400/422 fail only the paper at hand.
- Structured output is requested with a strict `response_format` JSON schema bound on the model.
  The answer's text is parsed by the engine, not by the SDK, so a truncated or malformed answer
  is kept (with its token usage) and can be re-asked instead of surfacing as an exception.
- The cache key hashes model, template id and digest, the rendered messages, the schema and the
  sampling parameters; the cache stores the raw answer text, so validation always re-runs.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from agent.engines.llm.config import LLMConfig, api_key
from core.secrets import scrub
from agent.engines.llm.costs import Budget, estimate_tokens, price_for
from core.errors import EngineError

RETRY_STATUS = {408, 409, 429}
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


def cache_key(model: str, prompt_ref: str, messages: list[dict[str, str]], schema: dict[str, Any],
              params: dict[str, Any]) -> str:
    blob = json.dumps({"model": model, "prompt": prompt_ref, "messages": messages, "schema": schema,
                       "params": params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` seconds or HTTP date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def _out_of_quota(exc: BaseException) -> bool:
    """OpenAI's 429 for an exhausted account: waiting does not help, every call will fail."""
    return getattr(exc, "code", None) == "insufficient_quota" or getattr(exc, "type", None) == "insufficient_quota"


def is_retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError) and not _out_of_quota(exc):
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return False


def _httpx_module():
    """The httpx flavour the installed openai SDK is built on (httpx2 for openai>=3)."""
    import openai

    if int(str(openai.__version__).split(".")[0]) >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx


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

    def _client(self):
        if self._llm is None:
            from langchain_openai import ChatOpenAI

            httpx = _httpx_module()
            limits = httpx.Limits(max_connections=self.config.concurrency,
                                  max_keepalive_connections=self.config.concurrency)
            self._http = httpx.AsyncClient(limits=limits, timeout=self.config.timeout)
            self._llm = ChatOpenAI(model=self.config.model, api_key=api_key(), base_url=self.config.base_url,
                                   timeout=self.config.timeout, max_retries=0,
                                   temperature=self.config.temperature, http_async_client=self._http)
            self._semaphore = asyncio.Semaphore(self.config.concurrency)
        return self._llm

    def key(self, prompt, messages: list[dict[str, str]], response_format: dict[str, Any]) -> str:
        params = {"temperature": self.config.temperature, "max_tokens": prompt.max_tokens}
        return cache_key(self.config.model, f"{prompt.id}:{prompt.digest}", messages, response_format, params)

    async def complete(self, prompt, messages: list[dict[str, str]], response_format: dict[str, Any],
                       *, kind: str) -> Completion:
        """The model's answer to `messages` (from the cache when allowed), recorded in the ledger."""
        key = self.key(prompt, messages, response_format)
        if self.config.use_cache and self.store is not None:
            hit = self.store.get(key)
            if hit is not None:
                return self._cached(json.loads(hit), kind)
        estimate = estimate_tokens(messages)
        reserved = self.budget.reserve(estimate, prompt.max_tokens)
        actual = 0.0
        try:
            completion = await self._with_retries(messages, response_format, prompt.max_tokens, kind)
            actual = completion.cost
        finally:
            self.budget.settle(reserved, actual)
        if self.store is not None:
            self.store.put_and_record(key, json.dumps(
                {"content": completion.content, "prompt_tokens": completion.prompt_tokens,
                 "completion_tokens": completion.completion_tokens, "finish_reason": completion.finish_reason}),
                self._usage(kind, completion), run=self.run_id)
        return completion

    def _cached(self, data: dict[str, Any], kind: str) -> Completion:
        completion = Completion(content=data["content"], prompt_tokens=data.get("prompt_tokens", 0),
                                completion_tokens=data.get("completion_tokens", 0), cached=True,
                                finish_reason=data.get("finish_reason", "stop"), attempts=0)
        self._record(kind, completion)
        return completion

    async def _with_retries(self, messages, response_format, max_tokens: int, kind: str) -> Completion:
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        attempts = 0
        retrying = AsyncRetrying(stop=stop_after_attempt(self.config.max_retries + 1),
                                 retry=retry_if_exception(is_retryable), wait=self._wait, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    completion = await self._attempt(messages, response_format, max_tokens, kind)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one typed, secret-free error
            raise self._failure(exc, attempts) from None
        completion.attempts = attempts
        return completion

    def _wait(self, state) -> float:
        from tenacity import wait_random_exponential

        backoff = wait_random_exponential(multiplier=self.config.backoff_base, max=self.config.backoff_max)(state)
        asked = retry_after(state.outcome.exception()) if state.outcome else None
        return min(max(asked, backoff), self.config.retry_after_max) if asked is not None else backoff

    async def _attempt(self, messages, response_format, max_tokens: int, kind: str) -> Completion:
        import openai

        # response_format goes in extra_body: the SDK would otherwise walk the whole JSON schema through
        # its typed-params transform on every request (~20 ms of CPU each, capping a batch at ~50 req/s).
        llm = self._client().bind(extra_body={"response_format": response_format}, max_tokens=max_tokens)
        assert self._semaphore is not None
        async with self._semaphore:
            self.requests += 1
            try:
                message = await llm.ainvoke(messages)
            except openai.LengthFinishReasonError as exc:     # truncated: keep it, the engine re-asks
                return self._from_raw_completion(exc.completion, "length")
            except openai.ContentFilterFinishReasonError as exc:
                return self._from_raw_completion(exc.completion, "content_filter")
            except Exception:
                self._record(f"{kind}:failed", Completion(content=""))
                raise
        usage = getattr(message, "usage_metadata", None) or {}
        return self._priced(Completion(
            content=message.content if isinstance(message.content, str) else json.dumps(message.content),
            prompt_tokens=int(usage.get("input_tokens", 0)), completion_tokens=int(usage.get("output_tokens", 0)),
            finish_reason=(message.response_metadata or {}).get("finish_reason") or "stop"))

    def _from_raw_completion(self, raw, finish_reason: str) -> Completion:
        choice = raw.choices[0] if raw.choices else None
        usage = raw.usage
        return self._priced(Completion(
            content=(choice.message.content or "") if choice else "", finish_reason=finish_reason,
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
            what = f"timed out after {self.config.timeout:g}s"
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

    def usage(self) -> dict[str, Any]:
        """Calls, tokens and cost of this engine's run so far (from the ledger)."""
        summary = self.store.summary(self.run_id) if self.store is not None else {}
        return {"run": self.run_id, "model": self.config.model, "requests": self.requests,
                "spent": round(self.budget.spent, 6), **summary}
