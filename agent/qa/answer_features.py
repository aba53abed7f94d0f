"""Answerability features that do not depend on the question's exact words (agent/qa/answerability.py).

The first features of the answerability model read how the retrievers score the best paper (cosine,
BM25, their margins) and how many of the question's words its text writes. A paraphrase in a user's
own words writes few of them, so those features fit the wording of the questions they were fitted on.
These read the evidence a different way:
- `dense_rr`, `bm25_rr`: 1 / the paper's rank in the dense and in the BM25 paper ranking (0 when
  the retriever did not rank it in its top 20): a clear rank 1 of both is the paper asked about,
  whatever the absolute scores;
- `rr_sum`: their mean, the agreement of the two retrievers in one number;
- `concepts`: the IDF-weighted share of the question's content words the paper meets, a word met
  when the paper writes it or one of its everyday senses (agent/data/lay_terms.yaml: "phone" is
  met by "mobile") or one of its near synonyms in the corpus vocabulary (agent/qa/synonyms.py), so
  a question in everyday words and one in the abstract's words score alike on the same paper.

Round 9 measured them (bench/qa_calibrate.py, twelve dev files, qa_blind11 held out): with the
answer-removed rows at 0.1 of the negative weight, leave-one-file-out coverage 0.975 / not-covered
declined 0.95 / answer-removed declined 0.58, against 0.980 / 0.90 / 0.39 for the shipped features
refitted the same way. End to end the refit answered as many dev paraphrases fewer as more (+2/-3;
two of the three "lost" had been answered from a wrong first paper with the right one lower in the
top 5) and, through the task-miss model that reads P(answerable) (agent/qa/uncovered_weight.py, fitted
on the shipped model's probabilities), let near-miss not-covered questions through. So the shipped
model does not use them yet; they are computed only when a model file or bench tool asks.
"""

from __future__ import annotations

import re

from agent.qa.text import STOP, term_set

RANK_DEPTH = 20     # the dense and BM25 paper rankings answerability reads (agent/qa/tools.py)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def reciprocal_rank(paper_id: str, scores: dict[str, float]) -> float:
    """1 / the paper's rank among `scores` (best first), 0 when it is not ranked."""
    if paper_id not in scores:
        return 0.0
    mine = scores[paper_id]
    return 1.0 / (1 + sum(v > mine for pid, v in scores.items() if pid != paper_id))


def rank_features(paper_id: str, cosines: dict[str, float], bm25: dict[str, float]) -> dict[str, float]:
    d, b = reciprocal_rank(paper_id, cosines), reciprocal_rank(paper_id, bm25)
    return {"dense_rr": d, "bm25_rr": b, "rr_sum": (d + b) / 2}


def question_words(question: str) -> dict[str, set[str]]:
    """Each content word of the question (as written, lower case) -> its stemmed terms."""
    out: dict[str, set[str]] = {}
    for w in _WORD.findall(question):
        low = w.lower().strip("'’-")
        if low in STOP or len(low) < 3:
            continue
        ts = term_set(low)
        if ts:
            out.setdefault(low, ts)
    return out


def senses(word: str, stats) -> set[str]:
    """Stemmed terms that stand for `word` in a paper: its lay senses' terms (each sense whole), and its
    near synonyms in the corpus vocabulary."""
    from agent.qa.synonyms import lay_senses, near_words

    out: set[str] = set()
    for sense in lay_senses(word):
        ts = term_set(sense)
        if len(ts) == 1:
            out |= ts
    for near in near_words(word, getattr(stats, "vocab", ())):
        out |= term_set(near)
    return out


def concept_share(question: str, doc_terms: set[str], stats) -> float:
    """IDF-weighted share of the question's content words that the paper meets itself or by a sense."""
    words = question_words(question)
    total = met = 0.0
    seen: set[str] = set()
    for word, ts in words.items():
        if ts <= seen:
            continue
        seen |= ts
        weight = sum(stats.idf(t) for t in ts)
        total += weight
        if ts <= doc_terms or senses(word, stats) & doc_terms:
            met += weight
    return met / total if total else 0.0
