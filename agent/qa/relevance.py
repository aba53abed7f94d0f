"""Is a retrieved paper really about the question? The local engine's guard against guessing.

Two signals per candidate paper:
- `cosine`: embedding similarity of the question and the paper's best-matching chunk (a dense
  search of the index, so the question is embedded by the index, once);
- `coverage`: the IDF-weighted share of the question's content words that the paper's title and
  abstract use. Words the corpus never uses weigh the most, so a question built on them ("photonic",
  "RDMA") scores low everywhere.
`relevance = W_COS * cosine + W_COV * coverage`; a question is answered only when its best paper
reaches THRESHOLD. The weights and threshold were calibrated on evals/fixtures/qa.jsonl (bench/qa.py
prints the margin): every look-up, paraphrase and numeric question above, every unanswerable one below.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.qa.text import term_set

W_COS = 0.4
W_COV = 0.6
THRESHOLD = 0.43


@dataclass
class Judged:
    source: object            # agent.qa.types.Source
    cosine: float
    coverage: float

    @property
    def relevance(self) -> float:
        return W_COS * self.cosine + W_COV * self.coverage


def question_terms(question: str) -> set[str]:
    return term_set(question)


def judge(question: str, candidates: list, stats, cosines: dict[str, float], top: int = 5) -> list[Judged]:
    """Score the first `top` candidates (Sources), best first; the rest follow unscored.

    `cosines` maps paper id -> similarity of its best chunk to the question (a dense search); a
    candidate the dense search did not return gets the lowest similarity it saw.
    """
    cands = candidates[:top]
    if not cands:
        return []
    q_terms = question_terms(question)
    floor = min(cosines.values(), default=0.0)
    judged = [Judged(src, cosines.get(src.id, floor),
                     stats.coverage(q_terms, term_set(f"{src.title or ''} {src.abstract}"))) for src in cands]
    judged.sort(key=lambda j: j.relevance, reverse=True)
    return judged + [Judged(s, 0.0, 0.0) for s in candidates[top:]]


def answerable(judged: list[Judged]) -> bool:
    return bool(judged) and judged[0].relevance >= THRESHOLD
