"""A linear text model of topic tags, fitted at run time on the labelled papers' words.

The embedding signals (description, neighbours, centroid, probe) see a paper through MiniLM's 256
word pieces, and the keyword cues only through the taxonomy's phrases. This model reads every word
and word pair of title + abstract: ridge regression from a bag of uni/bigrams (sublinear counts, unit
length) to each tag's 0/1 label, so words the labellers' papers share beyond the cue lists
("scheduler", "operator", "latency on the device") count for the tag they go with. Two more kinds of
row content: the claim extractor's hardware classes and speedup metrics as terms of their own
(claim_terms: an edge board or a training-time claim says what no cue list enumerates), and each
tag's taxonomy definition + cues as an extra training row labelled with that tag (TextSetup.priors).

It is fitted in the dual (kernel ridge: one n x n solve over the labelled papers, n ~ 450) and
evaluated in the primal (a weight per word and tag). A labelled paper is never its own training row:
when the input is one of them, its score is the exact leave-one-out prediction of ridge regression,
(f(x) - h·y)/(1 - h) with h the paper's leverage, as the ridge probe of topic_profiles.py does.
Deterministic: no random state, no hashing seeds; words are indexed in sorted order.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

TEXT_RIDGE = 1.0         # ridge penalty; chosen by leave-one-file-out dev-ext F1 (evals/topic_signal_report)
CLAIM_WEIGHT = 2.0       # weight of a claim term relative to a word; chosen by leave-one-file-out dev-ext F1
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z]+[a-z0-9]*")


def claim_terms(abstract: str) -> Counter:
    """What the claim extractor found, as terms no word can spell ("<hardware mobile>", "<metric
    training time>"): the hardware class says where a method runs (edge-mobile, datacenter-cloud),
    the speedup metric what it speeds up (training-efficiency vs inference). The ridge fit learns
    which tags these go with, like any word; the extractor runs in about a millisecond."""
    from agent.engines.local.entities import extract_hardware
    from agent.engines.local.speedups import extract_speedups

    terms = Counter(f"<hardware {h.hw_class}>" for h in extract_hardware(abstract))
    terms.update(f"<metric {s.metric}>" for s in extract_speedups(abstract))
    return terms


def text_terms(title: str | None, abstract: str, claim_weight: float = 0.0) -> dict[str, float]:
    """Unit-length bag of words and adjacent word pairs (1 + log count); bare numbers are dropped.
    `claim_weight` > 0 adds the claim terms of the abstract (claim_terms), scaled by it."""
    words = _WORD.findall(f"{title or ''} . {abstract}".lower())
    counts = Counter(words)
    counts.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    if claim_weight > 0:
        weights.update((t, claim_weight * (1.0 + math.log(c))) for t, c in claim_terms(abstract).items())
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {t: v / norm for t, v in weights.items()}


FORMAT = "topic-text-2"   # part of the cache key: change it when text_terms or the fit changes


@dataclass(frozen=True)
class TextSetup:
    """How the text model is fitted. `priors`: one text per tag (its taxonomy definition and cues),
    added as a training row labelled with that tag alone, `prior_weight` times a paper's length:
    a tag's own definition counts for it even where the labelled papers use other words."""

    ridge: float = TEXT_RIDGE
    claim_weight: float = CLAIM_WEIGHT
    priors: tuple[str, ...] = ()
    prior_weight: float = 1.0


def _design(docs: list[dict[str, float]]) -> tuple[list[str], Any]:
    # Only terms shared by two training rows can carry weight from one paper to another; the
    # rest would only sit on the kernel's diagonal. Dropping them (label-free) keeps the dense
    # design matrix small: ~450 x 13k instead of x 54k.
    shared = Counter(t for d in docs for t in d)
    vocab = sorted(t for t, n in shared.items() if n >= 2)
    column = {t: i for i, t in enumerate(vocab)}
    design = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for row, doc in enumerate(docs):
        cols = [(column[t], v) for t, v in doc.items() if t in column]
        if cols:
            idx, val = zip(*cols)
            design[row, list(idx)] = val
    return vocab, design


def fit_arrays(names: list[str], topics: list[list[str]], abstracts: list[str],
               titles: list[str | None], setup: TextSetup) -> dict[str, Any]:
    """The fitted model as arrays: vocabulary, per-word weights, bias, leave-one-out scores."""
    docs = [text_terms(t, a, setup.claim_weight) for t, a in zip(titles, abstracts)]
    labels = np.array([[float(n in t) for n in names] for t in topics]).reshape(len(docs), len(names))
    if setup.priors:
        docs += [{t: setup.prior_weight * v for t, v in text_terms(None, text).items()} for text in setup.priors]
        labels = np.vstack([labels, np.eye(len(names))])
    vocab, design = _design(docs)
    kernel = (design @ design.T).astype(np.float64) + 1.0          # + the constant feature: an intercept
    inverse = np.linalg.inv(kernel + setup.ridge * np.eye(len(docs)))
    alpha = inverse @ labels
    leverage = (kernel * inverse).sum(axis=1)      # diag(K (K + λI)^-1); both symmetric
    leave_one_out = (kernel @ alpha - leverage[:, None] * labels) / (1.0 - leverage[:, None])
    return {"vocab": np.array(vocab, dtype=str), "weights": design.T @ alpha.astype(np.float32),
            "bias": alpha.sum(axis=0), "leave_one_out": leave_one_out[:len(abstracts)]}


def _digest(names: list[str], topics: list[list[str]], abstracts: list[str], titles: list[str | None],
            setup: TextSetup) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{setup!r}\0{'|'.join(names)}\0".encode())
    for title, abstract, tags in zip(titles, abstracts, topics):
        digest.update(f"{title or ''}\0{abstract}\0{'|'.join(tags)}\0".encode("utf-8"))
    return digest.hexdigest()


class TextProbe:
    """Ridge regression from text_terms to each tag's label, over one set of labelled papers.
    `cache`: keep the fit in the cache directory (store/array_cache.py): fitting costs ~0.6 CPU-s on
    ~440 papers, once per machine instead of once per process."""

    def __init__(self, names: list[str], topics: list[list[str]], abstracts: list[str],
                 titles: list[str | None] | None = None, setup: TextSetup = TextSetup(), cache: bool = False):
        self.names, self.setup = names, setup
        titles = titles or [None] * len(abstracts)
        args = (names, topics, abstracts, titles, setup)
        if cache:
            from store.array_cache import arrays_cached

            arrays = arrays_cached("topic-text", _digest(*args), lambda: fit_arrays(*args))
        else:
            arrays = fit_arrays(*args)
        self.vocab = {str(t): i for i, t in enumerate(arrays["vocab"])}
        self.weights, self.bias, self.leave_one_out = arrays["weights"], arrays["bias"], arrays["leave_one_out"]
        self.row_of = {a.strip(): i for i, a in enumerate(abstracts)}

    def scores(self, title: str | None, abstract: str) -> dict[str, float]:
        """Per tag, the model's estimate of the 0/1 label (leave-one-out for a labelled paper)."""
        own = self.row_of.get(abstract.strip())
        if own is not None:
            values = self.leave_one_out[own]
        else:
            terms = [(self.vocab[t], v) for t, v in text_terms(title, abstract, self.setup.claim_weight).items()
                     if t in self.vocab]
            values = self.bias.copy()
            if terms:
                idx, val = zip(*terms)
                values += np.asarray(val) @ self.weights[list(idx)]
        return {n: float(v) for n, v in zip(self.names, values)}
