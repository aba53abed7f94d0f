"""A small learned acceptor for topic tags: logistic regression over the tagger's own signals.

The hand-weighted sum in topics.py ranks candidate tags well but decides badly how many to keep
(second tags missed, workload tags from a passing mention kept). This model decides, per candidate
tag of one paper, whether to keep it, from features of that (paper, tag) pair. Its weights are a
plain JSON file (agent/data/topic_acceptor.json) fitted offline on the labelled, non-blind fixtures
by evals/train_topic_acceptor.py; it runs in microseconds with no dependency beyond the stdlib.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "topic_acceptor.json"
CANDIDATES = 8          # tags per paper the model looks at (by the hand-weighted score)
KINDS = ("technique", "workload", "platform")
# The tag itself is a feature too: some tags are central whenever their cues fire (quantization),
# others mostly name a passing workload (nlp, detection). Read from the taxonomy file.
TAGS = tuple(t for t in yaml.load((Path(__file__).resolve().parents[2] / "data" / "taxonomy.yaml")
                                  .read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
             ["tags"] if t != "other")
FEATURES = ("bias", "score", "relative", "inverse_rank", "keywords", "embedding", "neighbours", "title_cue",
            "claim_cue", "opening_cue", "n_cues", "spread", "own_work", "centroid", "probe", "text", *(f"kind_{k}" for k in KINDS), "n_above_floor",
            *(f"tag_{t}" for t in TAGS))


def features(score: float, top: float, rank: int, evidence: Any, kind: str, n_above_floor: int,
             tag: str) -> list[float]:
    """One row of FEATURES for a candidate tag (`evidence` is a topics.Evidence)."""
    title, claim, opening = (any(c.endswith(where) for c in evidence.cues)
                             for where in ("(title)", "(claim)", "(opening)"))
    return [1.0, score, score / top if top > 0 else 0.0, 1.0 / (1.0 + rank), evidence.keywords,
            evidence.embedding, evidence.neighbours, float(title), float(claim), float(opening),
            math.log1p(len(evidence.cues)), evidence.spread, evidence.own_work, evidence.centroid, evidence.probe, evidence.text,
            *(float(kind == k) for k in KINDS), float(n_above_floor), *(float(tag == t) for t in TAGS)]


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> dict[str, Any] | None:
    """{"with_embeddings": {...}, "keywords_only": {...}} or None when no model file ships."""
    where = Path(path) if path else MODEL_PATH
    if not where.is_file():
        return None
    model = json.loads(where.read_text(encoding="utf-8"))
    return model if model.get("features") == list(FEATURES) else None


def prominent(evidence: Any) -> bool:
    return any(c.endswith(("(title)", "(claim)", "(opening)")) for c in evidence.cues)


def probability(weights: list[float], row: list[float]) -> float:
    z = sum(w * x for w, x in zip(weights, row))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def accept(scored: list[tuple[float, str, dict]], evidence: dict[str, Any],
           taxonomy: tuple[dict[str, str], set[str]], floor: float,
           params: dict[str, Any]) -> list[tuple[float, str, dict]]:
    """The candidates (hand-weighted score, tag, parts) the model keeps, most probable first;
    empty when even the best candidate is unlikely (the caller then falls back to `other`).
    LABELLING §4 stays a hard rule: a `central` tag (platform, RL, OS...) needs a cue in the title
    or the main claim, whatever the model says."""
    kinds, central = taxonomy
    candidates = [c for c in scored[:CANDIDATES] if c[1] not in central or prominent(evidence[c[1]])]
    if not candidates:
        return []
    top = candidates[0][0]
    above = sum(1 for s, _, _ in candidates if s >= floor)
    probs = [probability(params["weights"], features(s, top, rank, evidence[t], kinds[t], above, t))
             for rank, (s, t, _) in enumerate(candidates)]
    ranked = sorted(zip(probs, candidates), key=lambda pc: -pc[0])
    kept = [c for p, c in ranked if p >= params["threshold"]]
    if not kept and ranked[0][0] >= params["min_top"]:
        kept = [ranked[0][1]]
    return kept
