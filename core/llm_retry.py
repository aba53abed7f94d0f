"""The one retry policy of every model call (chat completions, embeddings): pure, no I/O.

Retried: 408/409/429/5xx, timeouts and connection errors, with exponential backoff and full jitter,
waiting at least what the server asked for (`retry-after-ms`, `Retry-After` seconds or HTTP date)
but never more than `retry_after_max`. Not retried: other 4xx and an exhausted quota (HTTP 429
`insufficient_quota`: waiting does not help). Used by agent/engines/llm/transport.py (extraction and
the QA pipeline), core/llm_http.py (the QA agent's LangChain client, at the HTTP layer) and
store/openai_embeddings.py, so every model call shares it (store/ may import only core/).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

RETRY_STATUS = {408, 409, 429}


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0

    def wait(self, state) -> float:
        from tenacity import wait_random_exponential

        backoff = wait_random_exponential(multiplier=self.backoff_base, max=self.backoff_max)(state)
        asked = retry_after(state.outcome.exception()) if state.outcome else None
        return min(max(asked, backoff), self.retry_after_max) if asked is not None else backoff

    def retrying(self, *, asynchronous: bool = False, retry_on=None):
        """A tenacity (Async)Retrying that applies this policy and re-raises the last error.
        `retry_on` classifies errors (default: the openai SDK's, `is_retryable`)."""
        from tenacity import AsyncRetrying, Retrying, retry_if_exception, stop_after_attempt

        cls = AsyncRetrying if asynchronous else Retrying
        return cls(stop=stop_after_attempt(self.max_retries + 1), retry=retry_if_exception(retry_on or is_retryable),
                   wait=self.wait, reraise=True)


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


def out_of_quota(exc: BaseException) -> bool:
    """OpenAI's 429 for an exhausted account: waiting does not help, every call will fail."""
    return getattr(exc, "code", None) == "insufficient_quota" or getattr(exc, "type", None) == "insufficient_quota"


def is_retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError) and not out_of_quota(exc):
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return False
