"""The sentence-transformers (torch) path the ONNX embedder replaced, kept as a reference only.

Used by the parity tests and by `make bench` to compare throughput side by side; nothing at run time
imports it. Needs the `reference` extra (`pip install -e '.[reference]'`: torch + sentence-transformers).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from store.embeddings import model_path

if TYPE_CHECKING:
    import numpy as np

_model: Any = None
_lock = threading.Lock()


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("sentence_transformers") is not None


def get_reference_model() -> Any:
    """The bundled MiniLM as a SentenceTransformer on CPU (loaded once; offline)."""
    global _model
    with _lock:
        if _model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"       # the files are local: any hub call is a slow failure
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            from sentence_transformers import SentenceTransformer

            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except Exception:  # noqa: BLE001 - cosmetics only
                pass
            _model = SentenceTransformer(str(model_path()), device="cpu")
    return _model


def reference_embed(texts: list[str], batch_size: int | None = 64, threads: int | None = None,
                    variant: str | None = None) -> "np.ndarray":
    """What store.embeddings.embed() returned before the ONNX switch (same signature; the float
    model only)."""
    import numpy as np

    if variant is not None:
        raise ValueError("the sentence-transformers reference has no quantized variant")
    batch_size = batch_size or 64
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = get_reference_model()
    import torch

    before = torch.get_num_threads()
    if threads:   # as the old path did for queries: one thread is steadier on a busy machine
        torch.set_num_threads(threads)
    try:
        vecs = model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)
    finally:
        torch.set_num_threads(before)
    return np.ascontiguousarray(vecs, dtype=np.float32)
