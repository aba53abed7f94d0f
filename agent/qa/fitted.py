"""The small fitted logistic models of the QA path (set_extend, set_membership, set_precision): one JSON
file each, `{"features", "mean", "scale", "weights", "bias", ...}` written by its bench tool."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=8)
def load_json_model(path: str) -> dict | None:
    """The model file at `path`, or None when it is not shipped (the caller then keeps its rules)."""
    p = Path(path)
    return json.loads(p.read_text()) if p.exists() else None


def logistic(model: dict, feats: dict[str, float]) -> float:
    """P(yes) of a standardised linear model; a feature the row lacks counts as 0, a zero scale as 1."""
    z = model["bias"] + sum(w * (feats.get(f, 0.0) - m) / (s or 1.0) for f, w, m, s in
                            zip(model["features"], model["weights"], model["mean"], model["scale"]))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
