"""Okapi BM25 over chunk texts, with an inverted index in numpy arrays.

rank_bm25 scores a query by looping over every document in Python for every query term, which is
fine for 500 chunks and too slow for the ~30k chunks of 10k abstracts. Here the postings of each
term are a contiguous slice of two arrays (document index, precomputed term weight), so scoring a
query touches only the documents that contain its terms: a few numpy operations per term.

The tokenizer is shared with highlighting, so what is highlighted is exactly what matched.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from core.text import STOPWORDS, stem

if TYPE_CHECKING:
    import numpy as np

FORMAT = "2"  # bump when tokenize() or the scoring changes: BM25 indexes persisted on disk are keyed by it
_WORD = re.compile(r"\w+", re.UNICODE)
_NORMAL: dict[str, str] = {}  # raw lower-case word -> its term ("" for a stopword); a vocabulary-sized cache


def _term(word: str) -> str:
    term = _NORMAL.get(word)
    if term is None:
        term = "" if word in STOPWORDS else stem(word)
        if len(_NORMAL) < 500_000:
            _NORMAL[word] = term
    return term


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stopwords, lightly stemmed (any script: \\w is Unicode)."""
    return [t for t in map(_term, _WORD.findall(text.lower())) if t]


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that match a query term (after tokenization)."""
    terms = set(tokenize(query))
    if not terms:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if _term(m.group().lower()) in terms]


class BM25:
    """Okapi BM25 (Lucene's non-negative idf) over tokenized documents."""

    def __init__(self, docs: Iterable[list[str]], k1: float = 1.2, b: float = 0.75):
        import numpy as np

        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        lengths: list[int] = []
        for tokens in docs:  # the only per-token Python work: mapping words to ids
            term_ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
            lengths.append(len(tokens))
        self.vocab = vocab
        self.n_docs = len(lengths)
        dl = np.asarray(lengths, dtype=np.float32)
        doc_of_token = np.repeat(np.arange(self.n_docs, dtype=np.int64), dl.astype(np.int64))
        # One key per (term, doc) pair; sorted unique keys are the postings, term-major.
        keys, tf = np.unique(np.asarray(term_ids, dtype=np.int64) * max(self.n_docs, 1) + doc_of_token,
                             return_counts=True)
        terms = keys // max(self.n_docs, 1)
        self.doc = (keys % max(self.n_docs, 1)).astype(np.int32)
        df = np.bincount(terms, minlength=len(vocab))
        self.ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=self.ptr[1:])
        avgdl = float(dl.mean()) if self.n_docs and dl.mean() > 0 else 1.0
        idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        tf = tf.astype(np.float32)
        norm = k1 * (1.0 - b + b * dl[self.doc] / avgdl)
        self.weight = (idf[terms] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)

    # -- persistence: the index is fixed between index generations, so processes share one copy --
    def to_arrays(self) -> dict[str, "np.ndarray"]:
        import numpy as np

        terms = sorted(self.vocab, key=self.vocab.__getitem__)   # id order; tokens never contain "\n"
        return {"vocab": np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
                "doc": self.doc, "ptr": self.ptr, "weight": self.weight,
                "n_docs": np.asarray(self.n_docs, dtype=np.int64)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, "np.ndarray"]) -> "BM25":
        text = arrays["vocab"].tobytes().decode("utf-8")
        terms = text.split("\n") if text else []
        self = cls.__new__(cls)
        self.vocab = {t: i for i, t in enumerate(terms)}
        self.n_docs = int(arrays["n_docs"])
        self.doc, self.ptr, self.weight = arrays["doc"], arrays["ptr"], arrays["weight"]
        if len(self.ptr) != len(terms) + 1 or len(self.doc) != len(self.weight):
            raise ValueError("inconsistent BM25 arrays")
        return self

    def scores(self, query_tokens: list[str]) -> "np.ndarray":
        import numpy as np

        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in set(query_tokens):
            t = self.vocab.get(term)
            if t is not None:
                lo, hi = self.ptr[t], self.ptr[t + 1]
                out[self.doc[lo:hi]] += self.weight[lo:hi]  # one posting per (term, doc): no collisions
        return out

    def top(self, query_tokens: list[str], n: int, mask: "np.ndarray | None" = None) -> list[tuple[int, float]]:
        """The n best documents with a positive score, best first; `mask` keeps only True rows."""
        import numpy as np

        scores = self.scores(query_tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        return [(int(i), float(scores[i])) for i in order]

