"""Scoring functions, pure and small, each with hand-computed unit tests (tests/test_eval_metrics.py).

- `PRF`: micro precision/recall/F1 from summed true/false positive/negative counts.
- `max_matching`: optimal one-to-one matching (maximum bipartite matching, Kuhn's algorithm), so a
  greedy first pick can never steal the only partner of a later item.
- `speedup_compatible`: value within 1% relative and same unit (loose); plus metric and direction (strict).
- `numbers_in` / `value_written_in`: the numbers a text writes, as LABELLING §1.3 converts them.
- `scitldr_rouge`: ROUGE-1/2/L F1 against the target with the best ROUGE-1 (SCITLDR.md).
- `rank_of`, `recall_at`, `reciprocal_rank`, `set_recall`: retrieval.
- `contains_fact`: a QA key fact appears in an answer (case, spacing and × spelling ignored).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

VALUE_REL_TOL = 0.01


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2PR/(P+R) = 2tp/(2tp+fp+fn); None when there was nothing to find and nothing found."""
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else None

    def scores(self) -> dict[str, float | None]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}

    def counts(self) -> dict[str, int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn}


def max_matching(n_pred: int, n_gold: int, compatible: Callable[[int, int], bool],
                 prefer: Callable[[int, int], Any] | None = None) -> list[tuple[int, int]]:
    """A maximum one-to-one matching between predictions and gold items, as (pred, gold) pairs.

    `prefer(p, g)` orders each prediction's candidates (smaller first); it decides which of several
    maximum matchings is returned, never how many pairs there are.
    """
    edges = [[g for g in range(n_gold) if compatible(p, g)] for p in range(n_pred)]
    if prefer is not None:
        edges = [sorted(gs, key=lambda g, p=p: prefer(p, g)) for p, gs in enumerate(edges)]
    gold_to_pred: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in gold_to_pred or augment(gold_to_pred[g], seen):
                gold_to_pred[g] = p
                return True
        return False

    for p in range(n_pred):
        augment(p, set())
    return sorted((p, g) for g, p in gold_to_pred.items())


def values_close(pred: float, gold: float, rel: float = VALUE_REL_TOL) -> bool:
    """Within `rel` of the gold value (relative); an exact match is required when gold is 0."""
    return abs(pred - gold) <= rel * abs(gold) + 1e-12


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def speedup_compatible(pred: Any, gold: Any, strict: bool = False) -> bool:
    """Loose: value within 1% and same unit. Strict: also the same metric and direction."""
    try:
        ok = values_close(float(_get(pred, "value")), float(_get(gold, "value")))
    except (TypeError, ValueError):
        return False
    ok = ok and _get(pred, "unit") == _get(gold, "unit")
    if strict:
        ok = ok and _get(pred, "metric") == _get(gold, "metric") and _get(pred, "direction") == _get(gold, "direction")
    return ok


def match_speedups(pred: Sequence[Any], gold: Sequence[Any], strict: bool = False) -> list[tuple[int, int]]:
    """Optimal matching; in loose mode, partners that also agree on metric/direction are tried first."""
    return max_matching(len(pred), len(gold), lambda p, g: speedup_compatible(pred[p], gold[g], strict),
                        prefer=lambda p, g: (not speedup_compatible(pred[p], gold[g], True), g))


def prf_from_matching(n_pred: int, n_gold: int, n_matched: int) -> PRF:
    return PRF(tp=n_matched, fp=n_pred - n_matched, fn=n_gold - n_matched)


def canonical(name: str) -> str:
    """Case-insensitive exact comparison key (surrounding and repeated spaces ignored)."""
    return " ".join(str(name).split()).casefold()


def set_prf(pred: Iterable[str], gold: Iterable[str]) -> PRF:
    """Micro counts for two name lists compared as sets of canonical names (duplicates count once)."""
    p, g = {canonical(x) for x in pred if str(x).strip()}, {canonical(x) for x in gold if str(x).strip()}
    return PRF(tp=len(p & g), fp=len(p - g), fn=len(g - p))


# -- numbers as written ------------------------------------------------------------------------
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_WORD_NUMBERS.update({"twice": 2, "double": 2, "doubles": 2, "half": 0.5, "hundred": 100, "hundreds": 100,
                      "thousand": 1000, "thousands": 1000, "million": 1e6})
_POWER = re.compile(r"10\s*\^\s*\{?\s*(-?\d+)\s*\}?")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})+(?:\.\d+)?(?!\d)|(?<![\d.])\d+(?:[.,]\d+)?(?!\d)")
_MAGNITUDE = re.compile(r"\b(an|one|two|three|four|five)\s+orders?\s+of\s+magnitude", re.I)
_WORD = re.compile(r"[A-Za-z]+")


def _parse_number(token: str) -> float:
    if re.fullmatch(r"\d+(?:,\d{3})+(?:\.\d+)?", token):
        return float(token.replace(",", ""))
    return float(token.replace(",", "."))  # "1,4x": a decimal-comma typo (LABELLING §1.3)


def numbers_in(text: str) -> list[float]:
    """Every number `text` writes: digits (5,000 / 1,4 / 2.8), 10^4, "an order of magnitude", words."""
    found = [10.0 ** int(m.group(1)) for m in _POWER.finditer(text)]
    found += [_parse_number(m.group(0)) for m in _NUMBER.finditer(_POWER.sub(" ", text))]
    for m in _MAGNITUDE.finditer(text):
        found.append(10.0 ** (1 if m.group(1).lower() in ("an", "one") else _WORD_NUMBERS[m.group(1).lower()]))
    found += [float(_WORD_NUMBERS[w.lower()]) for w in _WORD.findall(text) if w.lower() in _WORD_NUMBERS]
    return found


def value_written_in(value: float, text: str) -> bool:
    """True when `text` writes `value` (exactly, up to float noise) in one of the forms above."""
    return any(math.isclose(value, n, rel_tol=1e-6, abs_tol=1e-9) for n in numbers_in(text))


def speedup_grounded(item: Any, abstract: str) -> bool:
    """LABELLING §1.3: evidence is a verbatim substring of the abstract and writes the value."""
    evidence = _get(item, "evidence") or ""
    try:
        value = float(_get(item, "value"))
    except (TypeError, ValueError):
        return False
    return bool(evidence.strip()) and abstract.find(evidence) >= 0 and value_written_in(value, evidence)


# -- ROUGE (SCITLDR.md) ------------------------------------------------------------------------
def rouge_scorer():
    from rouge_score import rouge_scorer as rs

    return rs.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def scitldr_rouge(scorer, prediction: str, targets: Sequence[str]) -> tuple[float, float, float]:
    """(R1, R2, RL) F1 of the target with the best ROUGE-1 F1; the first such target on ties."""
    best: tuple[float, float, float] | None = None
    for target in targets:
        s = scorer.score(target.strip(), prediction.strip())
        f = (s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure)
        if best is None or f[0] > best[0]:
            best = f
    return best or (0.0, 0.0, 0.0)


# -- retrieval ---------------------------------------------------------------------------------
def rank_of(ranked: Sequence[str], answers: Iterable[str]) -> int | None:
    """1-based rank of the first answer in `ranked`, or None."""
    wanted = set(answers)
    return next((i for i, pid in enumerate(ranked, start=1) if pid in wanted), None)


def recall_at(ranked: Sequence[str], answers: Iterable[str], k: int) -> float:
    """1.0 if an answer is in the top k (single-answer questions), else 0.0."""
    rank = rank_of(ranked, answers)
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(ranked: Sequence[str], answers: Iterable[str]) -> float:
    rank = rank_of(ranked, answers)
    return 1.0 / rank if rank else 0.0


def set_recall(ranked: Sequence[str], answers: Iterable[str], k: int) -> float:
    """Share of the answer set found in the top k."""
    wanted = set(answers)
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def dedupe(ids: Iterable[str]) -> list[str]:
    """First occurrence of every id, order kept (several passages of one paper count once)."""
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


# -- QA ----------------------------------------------------------------------------------------
_TIMES = re.compile(r"\s*(?:\$\s*\\times\s*\$|\\times|×|\s+times\b)")


def normalise_fact(text: str) -> str:
    """Lower case, one space, every spelling of × as `x` glued to its number, `\\%` as `%`."""
    text = _TIMES.sub("x", text.replace("\\%", "%"))
    text = re.sub(r"(\d)\s+(x|%)(?![a-z])", r"\1\2", text.casefold())
    return " ".join(text.split())


def contains_fact(answer: str, fact: str) -> bool:
    return normalise_fact(fact) in normalise_fact(answer)


def mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None
