"""Two topic signals learned at run time from the labelled papers' embeddings (no shipped weights).

- centroid: cosine of a paper to the mean vector of each tag's labelled papers, z-scored across
  tags (a nearest-centroid classifier: it sees every labelled paper of a tag; neighbour votes see
  five).
- probe: a ridge regression from the embedding to each tag's 0/1 label, fitted on all labelled
  papers at once (one 385x385 solve per process). A linear read-out of the embedding separates
  tags that share vocabulary (an LLM-training paper is `nlp`; an LLM-serving one is not) better
  than a similarity to a description or a mean.

Both leave the paper itself out when it is one of the labelled papers: the centroid by taking its
vector out of the sums, the probe by the exact rank-one downdate of ridge regression (Sherman-
Morrison: W₋ᵢ = W - A⁻¹xᵢ(yᵢ - xᵢW)/(1 - hᵢ), hᵢ = xᵢA⁻¹xᵢ the paper's leverage). So an evaluated
fixture never informs its own score, and nothing has to be refitted per paper.
"""

from __future__ import annotations

from typing import Any

import numpy as np

PROBE_RIDGE = 0.3        # ridge penalty; chosen by leave-one-file-out dev-ext F1 (train_topic_acceptor)


class LabelledProfiles:
    """Per-tag centroid sums and the ridge probe of one set of labelled papers."""

    def __init__(self, names: list[str], topics: list[list[str]], abstracts: list[str], vecs: Any):
        self.names = names
        self.labels = np.array([[float(n in t) for n in names] for t in topics])
        self.vecs = np.asarray(vecs, dtype=np.float64)
        self.row_of = {a: i for i, a in enumerate(abstracts)}
        self.sums = self.labels.T @ self.vecs
        self.counts = self.labels.sum(axis=0)
        xa = np.hstack([self.vecs, np.ones((len(self.vecs), 1))])          # + intercept column
        self.inverse = np.linalg.inv(xa.T @ xa + PROBE_RIDGE * np.eye(xa.shape[1]))
        self.weights = self.inverse @ xa.T @ self.labels

    def centroid(self, vec: Any, abstract: str) -> dict[str, float]:
        own = self.row_of.get(abstract.strip())
        sums, counts = self.sums, self.counts
        if own is not None:
            sums = sums - np.outer(self.labels[own], self.vecs[own])
            counts = counts - self.labels[own]
        present = counts > 0
        if present.sum() < 2:
            return {}
        sims = (sums[present] @ vec) / (np.linalg.norm(sums[present], axis=1) + 1e-9)
        z = (sims - sims.mean()) / (sims.std() + 1e-6)
        return {n: float(zi) for n, zi in zip((n for n, p in zip(self.names, present) if p), z)}

    def probe(self, vec: Any, abstract: str) -> dict[str, float]:
        xa = np.append(np.asarray(vec, dtype=np.float64), 1.0)
        scores = xa @ self.weights
        own = self.row_of.get(abstract.strip())
        if own is not None:
            xi = np.append(self.vecs[own], 1.0)
            reach = self.inverse @ xi
            residual = self.labels[own] - xi @ self.weights
            scores = scores - (xa @ reach) * residual / (1.0 - float(xi @ reach))
        return {n: float(s) for n, s in zip(self.names, scores)}
