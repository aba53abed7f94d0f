"""The bundled MiniLM (store/embeddings.py) behind chromadb's `EmbeddingFunction` protocol.

`LocalEmbeddingFunction` / `chroma_embedding_function()` are registered under
`LocalEmbeddingFunction.name()` (unchanged since the sentence-transformers version, so existing
collections reopen and their vectors stay comparable); the int8 variant's config says so
(`variant: int8`), and Chroma refuses to switch a collection between variants.
"""

from __future__ import annotations

import threading
from typing import Any

from store.embeddings import EF_NAME, MODEL_NAME, embed, embedding_dim

_ef_class: type | None = None
_ef_lock = threading.Lock()


def local_embedding_function_class() -> type:
    """Define (once) and register the chromadb embedding function class; imports chromadb."""
    global _ef_class
    if _ef_class is not None:
        return _ef_class
    with _ef_lock:
        if _ef_class is None:
            _ef_class = _define_ef_class()
    return _ef_class


def chroma_embedding_function(batch_size: int = 64, variant: str | None = None) -> Any:
    """A ready instance of `LocalEmbeddingFunction` for `client.get_or_create_collection(...)`."""
    return local_embedding_function_class()(batch_size=batch_size, variant=variant)


def _define_ef_class() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    from store.embeddings import CosineSpace

    class LocalEmbeddingFunction(CosineSpace, EmbeddingFunction[Documents]):  # type: ignore[misc]
        """chromadb adapter over `embed()`; vectors are unit-length, so cosine is the natural space.

        Name and config are those of the sentence-transformers version: the model is the same, so
        collections built before the switch to ONNX reopen and stay searchable."""

        def __init__(self, batch_size: int = 64, variant: str | None = None) -> None:
            self.batch_size = int(batch_size)
            self.variant = variant

        def __call__(self, input: Documents) -> Embeddings:
            # batch_size stays in the config for compatibility; ONNX batches are sized by embed().
            vecs = embed(list(input), variant=self.variant)
            return [row for row in vecs]

        @staticmethod
        def name() -> str:
            return EF_NAME

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "LocalEmbeddingFunction":
            return LocalEmbeddingFunction(batch_size=int(config.get("batch_size", 64)),
                                          variant=config.get("variant"))

        def get_config(self) -> dict[str, Any]:
            config = {"model": MODEL_NAME, "dim": embedding_dim(), "batch_size": self.batch_size}
            if self.variant:   # absent for the float model: configs written before variants existed match
                config["variant"] = self.variant
            return config

        def validate_config_update(self, old_config: dict[str, Any],
                                   new_config: dict[str, Any]) -> None:
            # Vectors from another model live in another space: mixing them silently ruins search.
            if old_config.get("model") != new_config.get("model", old_config.get("model")) or \
                    old_config.get("variant") != new_config.get("variant", old_config.get("variant")):
                raise ValueError("cannot change the embedding model of an existing collection; "
                                 "rebuild the index instead")

        @staticmethod
        def validate_config(config: dict[str, Any]) -> None:
            model = config.get("model", MODEL_NAME)
            if model != MODEL_NAME:
                raise ValueError(f"collection was embedded with {model!r}, not {MODEL_NAME!r}")

    register_embedding_function(LocalEmbeddingFunction)
    return LocalEmbeddingFunction


def __getattr__(name: str) -> Any:
    # PEP 562: `from store.minilm_chroma import LocalEmbeddingFunction` works, but chromadb is only
    # imported when someone actually asks for the class.
    if name == "LocalEmbeddingFunction":
        return local_embedding_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
