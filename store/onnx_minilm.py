"""Build an ONNX graph of the bundled MiniLM (a 6-layer BERT) straight from its safetensors weights.

No torch, no transformers: the weights file is read with numpy (safetensors is a JSON header plus
raw little-endian arrays) and the graph is written with the `onnx` helper API. The graph computes
exactly what sentence-transformers computes for all-MiniLM-L6-v2 (BertModel -> mean pooling over
the attention mask -> L2 normalisation), so its output is the sentence embedding itself:

    inputs   input_ids, attention_mask: int64 [batch, seq]
    output   sentence_embedding: float32 [batch, hidden], unit rows

Two exact rewrites make the graph smaller than a tracer's export: the attention scale 1/sqrt(d) is
folded into the query weights, and token-type embedding 0 (single-segment input) is folded into the
position table, so token_type_ids is not an input. Q, K and V share one MatMul.

`build_model(model_dir)` returns the ModelProto; `store.embeddings` caches its bytes on disk.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

BUILDER_VERSION = "1"   # bump when the graph changes: cached models are keyed by it
OPSET = 20              # LayerNormalization (17) and Gelu (20) as single operators
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
MASK_BIAS = -1e4        # added to attention scores of padding; exp() of it is 0 in float32


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """All tensors of a .safetensors file as numpy arrays (copied out of the file)."""
    with open(path, "rb") as fh:
        (header_len,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(header_len))
        data = fh.read()
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = np.dtype(_DTYPES[spec["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(spec["shape"]).astype(dtype.newbyteorder("="))
    return out


class _Graph:
    """Accumulates nodes and initializers; names are generated so call sites read like the maths."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, *inputs: str, outputs: int = 1, **attrs: Any) -> Any:
        from onnx import helper

        self._n += 1
        names = [f"{op_type.lower()}_{self._n}" + (f"_{i}" if outputs > 1 else "") for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=f"n{self._n}", **attrs))
        return names[0] if outputs == 1 else names


def _linear(g: _Graph, x: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
    """x @ weight.T + bias (weights stored [out, in] as in torch; ONNX MatMul wants [in, out])."""
    w = g.const(f"{name}.w", weight.T.astype(np.float32))
    b = g.const(f"{name}.b", bias.astype(np.float32))
    return g.op("Add", g.op("MatMul", x, w), b)


def _layer_norm(g: _Graph, x: str, w: dict[str, np.ndarray], prefix: str, eps: float) -> str:
    return g.op("LayerNormalization", x, g.const(f"{prefix}.gamma", w[f"{prefix}.weight"]),
                g.const(f"{prefix}.beta", w[f"{prefix}.bias"]), axis=-1, epsilon=eps)


def _attention(g: _Graph, x: str, mask_bias: str, w: dict[str, np.ndarray], prefix: str,
               heads: int, hidden: int) -> str:
    head_dim = hidden // heads
    scale = 1.0 / np.sqrt(head_dim)
    qkv_w = np.concatenate([w[f"{prefix}.query.weight"] * scale, w[f"{prefix}.key.weight"],
                            w[f"{prefix}.value.weight"]], axis=0)
    qkv_b = np.concatenate([w[f"{prefix}.query.bias"] * scale, w[f"{prefix}.key.bias"],
                            w[f"{prefix}.value.bias"]])
    qkv = _linear(g, x, qkv_w, qkv_b, f"{prefix}.qkv")
    q, k, v = g.op("Split", qkv, g.const(f"{prefix}.split", np.array([hidden] * 3, np.int64)),
                   outputs=3, axis=-1)
    heads_shape = g.const(f"{prefix}.heads", np.array([0, 0, heads, head_dim], np.int64))
    q = g.op("Transpose", g.op("Reshape", q, heads_shape), perm=[0, 2, 1, 3])   # [B, H, S, D]
    k = g.op("Transpose", g.op("Reshape", k, heads_shape), perm=[0, 2, 3, 1])   # [B, H, D, S]
    v = g.op("Transpose", g.op("Reshape", v, heads_shape), perm=[0, 2, 1, 3])
    probs = g.op("Softmax", g.op("Add", g.op("MatMul", q, k), mask_bias), axis=-1)
    ctx = g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3])         # [B, S, H, D]
    return g.op("Reshape", ctx, g.const(f"{prefix}.merge", np.array([0, 0, hidden], np.int64)))


def _encoder_layer(g: _Graph, x: str, mask_bias: str, w: dict[str, np.ndarray], i: int,
                   cfg: dict[str, Any]) -> str:
    p, hidden, eps = f"encoder.layer.{i}", cfg["hidden_size"], float(cfg["layer_norm_eps"])
    ctx = _attention(g, x, mask_bias, w, f"{p}.attention.self", cfg["num_attention_heads"], hidden)
    attn = _linear(g, ctx, w[f"{p}.attention.output.dense.weight"], w[f"{p}.attention.output.dense.bias"],
                   f"{p}.attention.output.dense")
    x = _layer_norm(g, g.op("Add", attn, x), w, f"{p}.attention.output.LayerNorm", eps)
    inner = g.op("Gelu", _linear(g, x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"],
                                 f"{p}.intermediate.dense"))
    out = _linear(g, inner, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"], f"{p}.output.dense")
    return _layer_norm(g, g.op("Add", out, x), w, f"{p}.output.LayerNorm", eps)


def _embeddings(g: _Graph, w: dict[str, np.ndarray], eps: float) -> str:
    words = g.op("Gather", g.const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids")
    seq_len = g.op("Shape", "input_ids", start=1, end=2)                          # [1]: S
    table = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    pos = g.op("Slice", g.const("position_embeddings", table), g.const("zero", np.array([0], np.int64)),
               seq_len, g.const("axis0", np.array([0], np.int64)))               # rows 0..S-1: [S, hidden]
    return _layer_norm(g, g.op("Add", words, pos), w, "embeddings.LayerNorm", eps)


def _mean_pool_normalise(g: _Graph, hidden: str, mask: str) -> str:
    """sentence-transformers' Pooling(mean) + Normalize: masked mean, then x / max(|x|, 1e-12)."""
    axis1 = g.const("axis1", np.array([1], np.int64))
    mask3 = g.op("Unsqueeze", mask, g.const("axis2", np.array([2], np.int64)))   # [B, S, 1]
    summed = g.op("ReduceSum", g.op("Mul", hidden, mask3), axis1, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", mask3, axis1, keepdims=0), g.const("count_floor", np.array(1e-9, np.float32)))
    mean = g.op("Div", summed, count)
    norm = g.op("Max", g.op("ReduceL2", mean, axis1, keepdims=1), g.const("norm_floor", np.array(1e-12, np.float32)))
    return g.op("Div", mean, norm)


def build_model(model_dir: Path) -> Any:
    """The ONNX ModelProto of the sentence-transformers model in `model_dir` (BERT + mean pooling)."""
    from onnx import TensorProto, checker, helper

    cfg = json.loads((model_dir / "config.json").read_text())
    if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu":
        raise ValueError(f"{model_dir} is not a BERT model with gelu activations")
    w = read_safetensors(model_dir / "model.safetensors")
    w = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in w.items()}
    g = _Graph()
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)                 # [B, S]
    keep = g.op("Sub", g.const("ones", np.array(1.0, np.float32)), mask)
    bias = g.op("Mul", keep, g.const("mask_bias", np.array(MASK_BIAS, np.float32)))
    mask_bias = g.op("Unsqueeze", bias, g.const("axes12", np.array([1, 2], np.int64)))  # [B, 1, 1, S]
    x = _embeddings(g, w, float(cfg["layer_norm_eps"]))
    for i in range(int(cfg["num_hidden_layers"])):
        x = _encoder_layer(g, x, mask_bias, w, i, cfg)
    out = _mean_pool_normalise(g, x, mask)
    g.nodes.append(helper.make_node("Identity", [out], ["sentence_embedding"], name="output"))
    graph = helper.make_graph(
        g.nodes, "minilm_sentence_embedding",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", cfg["hidden_size"]])],
        initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="papers", producer_version=BUILDER_VERSION)
    model.ir_version = 9   # what onnxruntime 1.17+ reads; onnx's newest default may be newer
    checker.check_model(model)
    return model
