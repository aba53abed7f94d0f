"""The retry policy of core/llm_retry.py at the HTTP layer, for model clients we do not call ourselves.

LangChain's ChatOpenAI (the QA agent's native tool calling) calls the openai SDK inside the agent
loop, so tenacity cannot wrap each call from outside. Instead the SDK gets `max_retries=0` and an
HTTP client whose transport applies the same RetryPolicy: 408/409/429/5xx (not an exhausted
quota), timeouts and connection errors, exponential backoff with full jitter, at least what
`Retry-After` / `retry-after-ms` asked for. When the retries are exhausted the last error response
is handed back unchanged, so the SDK raises its usual typed error. `on_failed_attempt` books each
failed attempt (the ledger's `<kind>:failed` rows).
"""

from __future__ import annotations

from typing import Any, Callable

from core.llm_retry import RETRY_STATUS, RetryPolicy


def httpx_module():
    """The httpx flavour the installed openai SDK is built on (httpx2 for openai>=3)."""
    import openai

    if int(str(openai.__version__).split(".")[0]) >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx


class RetryableStatus(Exception):
    """An HTTP answer worth retrying; carries the response so Retry-After is honoured."""

    def __init__(self, response: Any):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retryable_response(response: Any) -> bool:
    status = response.status_code
    if status not in RETRY_STATUS and status < 500:
        return False
    if status == 429:
        response.read()
        return b"insufficient_quota" not in response.content   # waiting does not refill an account
    return True


def policy_client(policy: RetryPolicy, *, timeout: float | None = None, max_connections: int = 4,
                  on_failed_attempt: Callable[[str], None] | None = None):
    """A sync HTTP client (for openai.OpenAI / ChatOpenAI `http_client`) that retries by `policy`."""
    httpx = httpx_module()

    def retry_on(exc: BaseException) -> bool:
        return isinstance(exc, (RetryableStatus, httpx.TimeoutException, httpx.NetworkError,
                                httpx.RemoteProtocolError))

    class PolicyTransport(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport(limits=httpx.Limits(max_connections=max_connections,
                                                                 max_keepalive_connections=max_connections))

        def handle_request(self, request):
            try:
                for attempt in policy.retrying(retry_on=retry_on):
                    with attempt:
                        return self._attempt(request)
            except RetryableStatus as exc:       # retries exhausted: the SDK raises its typed error
                return exc.response
            raise AssertionError("unreachable: tenacity returns or raises")

        def _attempt(self, request):
            try:
                response = self.inner.handle_request(request)
            except Exception as exc:
                if on_failed_attempt:
                    on_failed_attempt(type(exc).__name__)
                raise
            if response.status_code >= 400 and on_failed_attempt:
                on_failed_attempt(f"HTTP {response.status_code}")
            if retryable_response(response):
                response.read()
                response.close()
                raise RetryableStatus(response)
            return response

        def close(self) -> None:
            self.inner.close()

    return httpx.Client(transport=PolicyTransport(), timeout=timeout)
