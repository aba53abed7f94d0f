"""OpenAI (or OpenAI-compatible) embeddings behind chromadb's EmbeddingFunction protocol.

Selected with `embedding = "openai:<model>"`. The key and base URL are read from OPENAI_API_KEY and
OPENAI_BASE_URL only when the first text is embedded, so they never sit in settings or in the
collection configuration that Chroma persists (which holds just the model name).

Same transport rules as every model call (core/llm_retry.py): the SDK never retries, the shared
policy does (408/409/429/5xx, timeouts, Retry-After); with the store's path, every request is booked
in the LLM ledger (kind `embeddings`, priced from core/data/prices.yaml) and vectors are cached by
(model, text), so re-indexing the same text makes no request. Inside `core.llm_costs.spending` (an
LLM command with --max-cost, e.g. `papers ask --engine openai`), each request is checked against
that budget before it is sent, spends from it, and is booked under that command's run.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from core.errors import ConfigError, EngineError
from core.llm_retry import RetryPolicy

EF_NAME = "papers-openai"
BATCH = 256  # inputs per request; well under the API's 2048-input limit

_ef_class: type | None = None
_lock = threading.Lock()


def openai_embedding_function(model: str, *, timeout: float = 60.0, max_retries: int = 5,
                              backoff_base: float = 0.5, backoff_max: float = 30.0, db_path=None) -> Any:
    ef = openai_embedding_function_class()(model=model, timeout=timeout, max_retries=max_retries)
    ef.policy = RetryPolicy(max_retries, backoff_base, backoff_max)
    ef.db_path = db_path
    return ef


def openai_embedding_function_class() -> type:
    global _ef_class
    with _lock:
        if _ef_class is None:
            _ef_class = _define()
    return _ef_class


def _client(timeout: float, max_retries: int) -> Any:
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        raise ConfigError("the index is set to OpenAI embeddings but OPENAI_API_KEY is not set",
                          hint="set OPENAI_API_KEY (and OPENAI_BASE_URL for compatible gateways), "
                               "or set PAPERS_EMBEDDING=local to use the bundled model")
    import openai

    return openai.OpenAI(api_key=key, base_url=os.environ.get("OPENAI_BASE_URL") or None,
                         timeout=timeout, max_retries=0)     # the shared policy retries, not the SDK


def _key(model: str, text: str) -> str:
    import hashlib

    return "emb:" + hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


def _embed(client: Any, model: str, texts: list[str], policy: RetryPolicy | None = None, ledger=None) -> list[Any]:
    """Unit vectors for `texts`: cached ones from the ledger's cache, the rest in batches of BATCH."""
    import json

    import numpy as np

    out: list[Any] = [None] * len(texts)
    todo = list(range(len(texts)))
    if ledger is not None:
        for i in list(todo):
            hit = ledger.get(_key(model, texts[i]))
            if hit is not None:
                out[i] = np.asarray(json.loads(hit), dtype=np.float32)
                todo.remove(i)
    for start in range(0, len(todo), BATCH):
        idx = todo[start:start + BATCH]
        vectors = _request(client, model, [texts[i] if texts[i].strip() else " " for i in idx],
                           policy or RetryPolicy(), ledger)
        for i, vec in zip(idx, vectors):
            out[i] = vec
            if ledger is not None:
                ledger.put(_key(model, texts[i]), model, json.dumps([round(float(v), 7) for v in vec]))
    return out


def _request(client: Any, model: str, batch: list[str], policy: RetryPolicy, ledger) -> list[Any]:
    """One embeddings request under the shared retry policy, booked in the ledger."""
    import numpy as np
    import openai

    from core.llm_costs import CHARS_PER_TOKEN, current_scope, price_for

    hint = "check OPENAI_BASE_URL and the network, or set PAPERS_EMBEDDING=local and run `papers reindex`"
    price, scope = price_for(model), current_scope()
    if scope is not None and scope.budget.limit is not None:     # --max-cost: checked before the call
        if not price.known:
            from core.errors import UsageError

            raise UsageError(f"--max-cost needs a price for the embedding model {model!r}",
                             hint="add it to core/data/prices.yaml")
        estimate = sum(len(t) for t in batch) / CHARS_PER_TOKEN + len(batch)
        scope.budget.check_cost(price.cost(int(estimate) + 1, 0), "the embeddings request")
    try:
        resp = policy.retrying()(client.embeddings.create, model=model, input=batch, encoding_format="float")
    except openai.AuthenticationError:
        raise ConfigError("OPENAI_API_KEY was rejected by the embeddings endpoint",
                          hint="check the key, or set PAPERS_EMBEDDING=local") from None
    except openai.APIStatusError as exc:
        from core.secrets import scrub   # error bodies may quote the API key back

        raise EngineError(f"embeddings request failed ({exc.status_code}): {scrub(exc.message)}", hint=hint) from None
    except openai.APIConnectionError as exc:
        raise EngineError(f"cannot reach the embeddings endpoint: {exc}", hint=hint) from None
    rows = sorted(resp.data, key=lambda d: d.index)
    if len(rows) != len(batch):
        raise EngineError(f"the embeddings endpoint returned {len(rows)} vectors for {len(batch)} texts",
                          hint=hint)
    tokens = int(getattr(getattr(resp, "usage", None), "prompt_tokens", 0) or 0)
    cost = price.cost(tokens, 0)
    if scope is not None:
        scope.budget.spend(cost)
    if ledger is not None:
        from store.llmcache import Usage

        ledger.record(Usage(model=model, kind="embeddings", prompt_tokens=tokens, cost=cost),
                      run=scope.run if scope else None)
    mat = np.asarray([r.embedding for r in rows], dtype=np.float32)
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
    return list(mat)


def _define() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    from store.embeddings import CosineSpace

    class OpenAIEmbeddingFunction(CosineSpace, EmbeddingFunction[Documents]):  # type: ignore[misc]
        def __init__(self, model: str, timeout: float = 60.0, max_retries: int = 5) -> None:
            self.model = model
            self.timeout = float(timeout)
            self.max_retries = int(max_retries)
            self._client: Any = None
            self.policy = RetryPolicy(self.max_retries)
            self.db_path = None

        def __call__(self, input: Documents) -> Embeddings:
            if self._client is None:
                self._client = _client(self.timeout, self.max_retries)
            ledger = None
            if self.db_path is not None:
                from store.llmcache import LLMStore

                ledger = LLMStore.open(self.db_path)
            return _embed(self._client, self.model, list(input), self.policy, ledger)

        @staticmethod
        def name() -> str:
            return EF_NAME

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "OpenAIEmbeddingFunction":
            return OpenAIEmbeddingFunction(model=str(config["model"]))

        def get_config(self) -> dict[str, Any]:
            return {"model": self.model}

        def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
            if old_config.get("model") != new_config.get("model", old_config.get("model")):
                raise ValueError("cannot change the embedding model of an existing collection")

        @staticmethod
        def validate_config(config: dict[str, Any]) -> None:
            if not config.get("model"):
                raise ValueError("an OpenAI embedding function needs a model name")

    register_embedding_function(OpenAIEmbeddingFunction)
    return OpenAIEmbeddingFunction
