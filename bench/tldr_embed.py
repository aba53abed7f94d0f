"""MiniLM features of TL;DR candidates (issue 15, round 10): where a sentence sits in its abstract's
embedding space. Study code: the shipped picker does not use them (see tldr_train's round-10 notes).

Given the unit vectors of an abstract's sentences (core.text.split_sentences, each embedded on its own)
and of the whole abstract, every sentence gets
- `e_abs`, its cosine to the abstract, with its rank, gap to the best and is-best within the abstract;
- `e_centroid`, its cosine to the mean of the OTHER sentences (the abstract minus itself);
- `e_mean_other` / `e_max_other`, its mean and largest cosine to another sentence;
- `e_lexrank`, its PageRank centrality on the cosine graph (LexRank, continuous), times n so 1 is average;
- `e_first`, its cosine to the first sentence (0 for the first itself).
A candidate inherits its source sentence's features (tldr_features.candidate_features does the same).
The title is not a feature: the engine is measured on the abstract alone and the train file has no titles.
"""

from __future__ import annotations

from typing import Any

SENTENCE_FEATURES = ("e_abs", "e_abs_rank", "e_abs_gap", "e_abs_top", "e_centroid", "e_mean_other",
                     "e_max_other", "e_lexrank", "e_first")
DAMPING = 0.85      # LexRank's usual damping
ITERATIONS = 30     # power iterations: converged to 1e-6 on abstracts of <= 20 sentences


def lexrank(sim: Any) -> Any:
    """Stationary distribution of the random walk on non-negative cosine edges (no self loops)."""
    import numpy as np

    n = len(sim)
    w = np.clip(sim, 0.0, None) - np.diag(np.clip(np.diag(sim), 0.0, None))
    rows = w.sum(axis=1, keepdims=True)
    walk = np.where(rows > 0, w / np.where(rows > 0, rows, 1.0), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(ITERATIONS):
        p = (1 - DAMPING) / n + DAMPING * (p @ walk)
    return p / p.sum()


def sentence_embedding_features(sent_vecs: Any, abstract_vec: Any) -> list[dict[str, float]]:
    """One dict per sentence (rows of `sent_vecs` are unit vectors, `abstract_vec` one unit vector)."""
    import numpy as np

    S = np.asarray(sent_vecs, dtype=np.float64)
    n = len(S)
    if n == 0:
        return []
    to_abs = S @ np.asarray(abstract_vec, dtype=np.float64).reshape(-1)
    sim = S @ S.T
    order = sorted(range(n), key=lambda i: (-to_abs[i], i))
    rank = {i: r for r, i in enumerate(order)}
    central = lexrank(sim) * n if n > 1 else np.ones(1)
    total = S.sum(axis=0)
    out = []
    for i in range(n):
        others = np.delete(sim[i], i)
        rest = total - S[i]
        norm = float(np.linalg.norm(rest))
        out.append({
            "e_abs": float(to_abs[i]), "e_abs_rank": rank[i] / max(n - 1, 1),
            "e_abs_gap": float(to_abs[order[0]] - to_abs[i]), "e_abs_top": float(rank[i] == 0),
            "e_centroid": float(S[i] @ rest / norm) if norm > 1e-9 else 0.0,
            "e_mean_other": float(others.mean()) if n > 1 else 0.0,
            "e_max_other": float(others.max()) if n > 1 else 0.0,
            "e_lexrank": float(central[i]), "e_first": float(sim[i, 0]) if i else 0.0,
        })
    return out


def candidate_embedding_features(cand_vecs: Any, abstract_vec: Any) -> list[dict[str, float]]:
    """Round 7's candidate-level cosines: each compressed candidate vs the abstract and vs the mean
    of the abstract's candidates, with rank and gap to the best cosine within the abstract."""
    import numpy as np

    C = np.asarray(cand_vecs, dtype=np.float64)
    if len(C) == 0:
        return []
    to_abs = C @ np.asarray(abstract_vec, dtype=np.float64).reshape(-1)
    mean = C.mean(axis=0)
    to_mean = C @ (mean / max(float(np.linalg.norm(mean)), 1e-9))
    order = sorted(range(len(C)), key=lambda i: (-to_abs[i], i))
    rank = {i: r for r, i in enumerate(order)}
    return [{"ce_abs": float(to_abs[i]), "ce_mean": float(to_mean[i]),
             "ce_rank": rank[i] / max(len(C) - 1, 1), "ce_gap": float(to_abs[order[0]] - to_abs[i])}
            for i in range(len(C))]
