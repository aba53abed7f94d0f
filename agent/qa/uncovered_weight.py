"""Does a task the paper does not write outweigh the evidence that it is the paper asked about?

A question's task phrase ("lane detection", "medical image segmentation") is a constraint the answering
paper must meet (agent/qa/constraints.py), checked by its words. A paraphrase in a user's own words
describes the task in other words than the abstract ("multi-variable forecasting" for "multivariate
time series forecasting", "image recognition" for "ImageNet classification"), so the word check
fails on the right paper. A not-covered question with a near-miss task ("lane detection on a phone")
fails it too. What tells them apart is how much of the question the unwritten words are, against how
sure retrieval is: a long paraphrase whose other clauses the paper meets, and that retrieval picks
with P(answerable) near 1, is not overturned by two words; a short question whose task is half of it is.

A small logistic model decides, over two features:
- `share`: IDF weight of the task words the paper does not use, over the question's IDF weight;
- `retrieval`: the logit of the answerability model's P(answerable) for the paper (clipped).
The weights live in agent/data/uncovered_weight.json, fitted by `python -m bench.qa_uncovered --write`
on every paper a look-up of the dev files weighs against a task phrase it does not write (the gold
paper of an answerable question: the miss is overturned; any other paper, and every paper of a
not-covered question: it stands), which prints leave-one-file-out figures. Round 6 grew the rows from
12 (gold paper / first hit only) to 93: held out file by file, 90/91 standing misses are kept (85/91
by the 12-row model) and both overturns still made. Only 2 rows are overturns, so the model is not
applied to a paper the question names (no row teaches it that case). Only task constraints are weighed:
a dataset, hardware product, model size, metric or name is an exact entity, and a paper that lacks
it never answers.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from agent.qa.text import term_set

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "uncovered_weight.json"
FEATURES = ("share", "retrieval")
WEIGHED_KINDS = ("task",)
LOGIT_CLIP = 6.0


@lru_cache(maxsize=1)
def model() -> dict:
    return json.loads(MODEL_PATH.read_text())


def features(question: str, constraint, paper_text: str, ev, stats) -> dict[str, float]:
    have = term_set(paper_text)
    total = sum(stats.idf(t) for t in term_set(question)) or 1.0
    unwritten = sum(stats.idf(t) for t in term_set(constraint.surface) if t not in have)
    # the score this model was fitted on (answerability.task_model), not a refit model's
    score = ev.task_probability if getattr(ev, "task_probability", None) is not None else ev.probability
    p = min(max(score, 1e-6), 1 - 1e-6)
    logit = max(-LOGIT_CLIP, min(LOGIT_CLIP, math.log(p / (1 - p))))
    return {"share": unwritten / total, "retrieval": logit}


def p_stands(feats: dict[str, float], m: dict | None = None) -> float:
    """P(the unmet constraint stands, i.e. the paper does not answer the question)."""
    m = m or model()
    z = m["bias"] + sum(w * (feats[k] - mu) / sd for k, w, mu, sd in zip(m["features"], m["weights"], m["mean"], m["scale"]))
    return 1.0 / (1.0 + math.exp(-z))


def outweighed(question: str, constraint, paper_text: str, ev, stats) -> bool:
    """The retrieval evidence outweighs this unmet constraint: the paper answers despite it."""
    if constraint.kind not in WEIGHED_KINDS or ev.named:
        # a question naming its paper asks about that paper: a task it does not write is what is
        # missing (and no dev question lets the model learn otherwise)
        return False
    return p_stands(features(question, constraint, paper_text, ev, stats)) < model()["cutoff"]


def weigh(question: str, judged: list, stats) -> list:
    """`judged` [(src, Evidence, missing)] with each task miss that retrieval outweighs dropped (noted)."""
    out = []
    for src, ev, missing in judged:
        text = f"{src.title or ''} {src.abstract}"
        kept = [c for c in missing if not outweighed(question, c, text, ev, stats)]
        if len(kept) < len(missing):
            ev.notes.append("task words not written, outweighed by retrieval: " +
                            ", ".join(c.surface for c in missing if c not in kept))
        out.append((src, ev, kept))
    return out
