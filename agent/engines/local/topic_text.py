"""A linear text model of topic tags, fitted at run time on the labelled papers' words.

The embedding signals (description, neighbours, centroid, probe) see a paper through MiniLM's 256
word pieces, and the keyword cues only through the taxonomy's phrases. This model reads every word
and word pair of title + abstract: ridge regression from a bag of uni/bigrams (sublinear counts, unit
length) to each tag's 0/1 label, so words the labellers' papers share beyond the cue lists
("scheduler", "operator", "latency on the device") count for the tag they go with.

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
from typing import Any

import numpy as np

TEXT_RIDGE = 1.0         # ridge penalty; chosen by leave-one-file-out dev-ext F1 (evals/topic_signal_report)
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z]+[a-z0-9]*")


def text_terms(title: str | None, abstract: str) -> dict[str, float]:
    """Unit-length bag of words and adjacent word pairs (1 + log count); bare numbers are dropped."""
    words = _WORD.findall(f"{title or ''} . {abstract}".lower())
    counts = Counter(words)
    counts.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {t: v / norm for t, v in weights.items()}


FORMAT = "topic-text-1"   # part of the cache key: change it when text_terms or the fit changes


def fit_arrays(names: list[str], topics: list[list[str]], abstracts: list[str],
               titles: list[str | None], ridge: float) -> dict[str, Any]:
    """The fitted model as arrays: vocabulary, per-word weights, bias, leave-one-out scores."""
    docs = [text_terms(t, a) for t, a in zip(titles, abstracts)]
    # Only terms shared by two labelled papers can carry weight from one paper to another; the
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
    labels = np.array([[float(n in t) for n in names] for t in topics])
    kernel = (design @ design.T).astype(np.float64) + 1.0          # + the constant feature: an intercept
    inverse = np.linalg.inv(kernel + ridge * np.eye(len(docs)))
    alpha = inverse @ labels
    leverage = (kernel * inverse).sum(axis=1)      # diag(K (K + λI)^-1); both symmetric
    return {"vocab": np.array(vocab, dtype=str), "weights": design.T @ alpha.astype(np.float32),
            "bias": alpha.sum(axis=0),
            "leave_one_out": (kernel @ alpha - leverage[:, None] * labels) / (1.0 - leverage[:, None])}


def _digest(names: list[str], topics: list[list[str]], abstracts: list[str], titles: list[str | None],
            ridge: float) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{ridge!r}\0{'|'.join(names)}\0".encode())
    for title, abstract, tags in zip(titles, abstracts, topics):
        digest.update(f"{title or ''}\0{abstract}\0{'|'.join(tags)}\0".encode("utf-8"))
    return digest.hexdigest()


class TextProbe:
    """Ridge regression from text_terms to each tag's label, over one set of labelled papers.
    `cache`: keep the fit in the cache directory (store/array_cache.py): fitting costs ~0.6 CPU-s on
    ~440 papers, once per machine instead of once per process."""

    def __init__(self, names: list[str], topics: list[list[str]], abstracts: list[str],
                 titles: list[str | None] | None = None, ridge: float = TEXT_RIDGE, cache: bool = False):
        self.names = names
        titles = titles or [None] * len(abstracts)
        args = (names, topics, abstracts, titles, ridge)
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
            terms = [(self.vocab[t], v) for t, v in text_terms(title, abstract).items() if t in self.vocab]
            values = self.bias.copy()
            if terms:
                idx, val = zip(*terms)
                values += np.asarray(val) @ self.weights[list(idx)]
        return {n: float(v) for n, v in zip(self.names, values)}
