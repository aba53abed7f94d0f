"""OpenAI (or OpenAI-compatible) embeddings behind chromadb's EmbeddingFunction protocol.

Selected with `embedding = "openai:<model>"`. The key and base URL are read from OPENAI_API_KEY and
OPENAI_BASE_URL only when the first text is embedded, so they never sit in settings or in the
collection configuration that Chroma persists (which holds just the model name).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from core.errors import ConfigError, EngineError

EF_NAME = "papers-openai"
BATCH = 256  # inputs per request; well under the API's 2048-input limit

_ef_class: type | None = None
_lock = threading.Lock()


def openai_embedding_function(model: str, *, timeout: float = 60.0, max_retries: int = 5) -> Any:
    return openai_embedding_function_class()(model=model, timeout=timeout, max_retries=max_retries)


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
                         timeout=timeout, max_retries=max_retries)


def _embed(client: Any, model: str, texts: list[str]) -> list[Any]:
    import numpy as np
    import openai

    out: list[Any] = []
    hint = "check OPENAI_BASE_URL and the network, or set PAPERS_EMBEDDING=local and run `papers reindex`"
    for i in range(0, len(texts), BATCH):
        batch = [t if t.strip() else " " for t in texts[i:i + BATCH]]  # the API rejects empty strings
        try:
            resp = client.embeddings.create(model=model, input=batch, encoding_format="float")
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
        mat = np.asarray([r.embedding for r in rows], dtype=np.float32)
        mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        out.extend(mat)
    return out


def _define() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    class OpenAIEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, model: str, timeout: float = 60.0, max_retries: int = 5) -> None:
            self.model = model
            self.timeout = float(timeout)
            self.max_retries = int(max_retries)
            self._client: Any = None

        def __call__(self, input: Documents) -> Embeddings:
            if self._client is None:
                self._client = _client(self.timeout, self.max_retries)
            return _embed(self._client, self.model, list(input))

        @staticmethod
        def name() -> str:
            return EF_NAME

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def supported_spaces(self) -> list[str]:  # type: ignore[override]
            return ["cosine", "ip", "l2"]

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
