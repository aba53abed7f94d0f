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
# Word sense: MiniLM puts a quantum-physics abstract next to quantization papers ("quantum", "precision",
# "noise"), so every embedding signal can vote for a tag whose words the paper never uses in that
# sense. A candidate must have a lexical anchor: one of its cues fires, or the word-level text model
# (topic_text.py) gives it at least this. On the labelled papers (in-sample, leave-one-out) 1 gold tag
# of ~800 has neither, against ~900 wrong candidates.
ANCHOR_TEXT = 0.1
KINDS = ("technique", "workload", "platform")
# The tag itself is a feature too: some tags are central whenever their cues fire (quantization),
# others mostly name a passing workload (nlp, detection). Read from the taxonomy file.
TAGS = tuple(t for t in yaml.load((Path(__file__).resolve().parents[2] / "data" / "taxonomy.yaml")
                                  .read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
             ["tags"] if t != "other")
FEATURES = ("bias", "score", "relative", "inverse_rank", "keywords", "embedding", "neighbours", "title_cue",
            "claim_cue", "opening_cue", "n_cues", "spread", "own_work", "centroid", "probe", "text", *(f"kind_{k}" for k in KINDS), "n_above_floor",
            *(f"tag_{t}" for t in TAGS), "text_rank", "central_in_body", "text_margin")


def features(score: float, top: float, rank: int, evidence: Any, kind: str, n_above_floor: int,
             tag: str, text_rank: int = 0, central_in_body: bool = False, text_margin: float = 0.0) -> list[float]:
    """One row of FEATURES for a candidate tag (`evidence` is a topics.Evidence). `text_rank`: the
    tag's place among the paper's candidates by the text model's score (0 = first): a second tag is
    told apart by standing out against the paper's other candidates, which no absolute score says.
    `central_in_body`: a `central` tag (platform, RL, OS...) whose cues occur only outside the title,
    the main claim and the opening sentence. `text_margin`: the tag's text-model score minus the
    runner-up's among the paper's candidates (text_margins): how far a tag stands out, not only where
    it ranks (leave-one-file-out dev-ext 0.834 -> 0.838 at threshold 0.4, round 9)."""
    title, claim, opening = (any(c.endswith(where) for c in evidence.cues)
                             for where in ("(title)", "(claim)", "(opening)"))
    return [1.0, score, score / top if top > 0 else 0.0, 1.0 / (1.0 + rank), evidence.keywords,
            evidence.embedding, evidence.neighbours, float(title), float(claim), float(opening),
            math.log1p(len(evidence.cues)), evidence.spread, evidence.own_work, evidence.centroid, evidence.probe, evidence.text,
            *(float(kind == k) for k in KINDS), float(n_above_floor), *(float(tag == t) for t in TAGS),
            1.0 / (1.0 + text_rank), float(central_in_body), text_margin]


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


def central_rule(use_embeddings: bool) -> str:
    """"soft" with embeddings, "hard" without (candidates()); the trainer writes it into the model file."""
    return "soft" if use_embeddings else "hard"


def anchored(evidence: Any) -> bool:
    """A cue of the tag fired, or the text model reads the tag in the paper's words (ANCHOR_TEXT)."""
    return evidence.keywords > 0 or evidence.text >= ANCHOR_TEXT


def candidates(scored: list[tuple], evidence: dict[str, Any], central: set[str], hard_central: bool) -> list[tuple]:
    """The candidates the model looks at: the CANDIDATES best by the hand-weighted score that have a
    lexical anchor (word sense); a `central` tag (platform, RL, OS...) also needs one of its cues.
    `hard_central` (the model file's "central_rule", per mode): LABELLING §4 as a hard rule, the cue
    must be in the title, the main claim or the opening. Otherwise a central tag whose cues are all
    in the body stays a candidate, marked by the `central_in_body` feature: the main-claim sentence
    is picked by a heuristic, and several body cues ("Jetson", "embedded", "on-device") often are the
    central claim. With embeddings the hard rule dropped 12 of 97 gold edge-mobile tags; as a
    feature, leave-one-file-out dev-ext 0.826 -> 0.831 (train_topic_acceptor). Without embeddings
    the model has too little to tell a passing mention ("often deployed on phones") from a goal."""
    def keep(tag: str) -> bool:
        ev = evidence[tag]
        if tag in central and (ev.keywords <= 0 or (hard_central and not prominent(ev))):
            return False
        return anchored(ev)
    return [c for c in scored[:CANDIDATES] if keep(c[1])]


def candidate_rows(cands: list[tuple], evidence: dict[str, Any], taxonomy: tuple[dict[str, str], set[str]],
                   floor: float) -> list[list[float]]:
    """The FEATURES row of each candidate (score, tag, ...) of one paper, in the given order."""
    kinds, central = taxonomy
    if not cands:
        return []
    top = cands[0][0]
    above = sum(1 for c in cands if c[0] >= floor)
    by_text = sorted(range(len(cands)), key=lambda i: (-evidence[cands[i][1]].text, i))
    text_rank = {i: r for r, i in enumerate(by_text)}
    margin = text_margins([evidence[c[1]].text for c in cands])
    return [features(c[0], top, rank, evidence[c[1]], kinds[c[1]], above, c[1], text_rank[rank],
                     c[1] in central and not prominent(evidence[c[1]]), margin[rank]) for rank, c in enumerate(cands)]


def text_margins(scores: list[float]) -> list[float]:
    """Each score minus the second-highest of them (a lone candidate: its score): the best candidate gets its
    lead, the others how far they trail the runner-up. A paper whose two best tags are close keeps both."""
    runner_up = sorted(scores, reverse=True)[1] if len(scores) > 1 else 0.0
    return [s - runner_up for s in scores]


def probability(weights: list[float], row: list[float]) -> float:
    z = sum(w * x for w, x in zip(weights, row))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def accept(scored: list[tuple[float, str, dict]], evidence: dict[str, Any],
           taxonomy: tuple[dict[str, str], set[str]], floor: float,
           params: dict[str, Any]) -> list[tuple[float, str, dict]]:
    """The candidates (hand-weighted score, tag, parts) the model keeps, most probable first;
    empty when even the best candidate is unlikely (the caller then falls back to `other`).
    The candidates are those of candidates(): the lexical anchor is a hard rule; LABELLING §4's
    centrality is one too, or a feature the model weighs (central_in_body), per the model file."""
    cands = candidates(scored, evidence, taxonomy[1], params.get("central_rule", "hard") == "hard")
    if not cands:
        return []
    probs = [probability(params["weights"], row) for row in candidate_rows(cands, evidence, taxonomy, floor)]
    ranked = sorted(zip(probs, cands), key=lambda pc: -pc[0])
    kept = [c for p, c in ranked if p >= params["threshold"]]
    if not kept and ranked[0][0] >= params["min_top"]:
        kept = [ranked[0][1]]
    return kept
