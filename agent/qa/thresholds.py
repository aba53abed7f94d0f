"""Set questions with a value threshold ("which papers achieve more than 10x speedup?", "... cut latency by
at least 30%?"): the claims table filtered by value, unit and (when the question names one) metric.

A threshold is a comparison word, a number and a unit written together: "more than / over / above /
exceeding / greater than / at least / N or more / >= N" with "x / × / times / -fold" or "% / percent".
The metric is the one the question names (agent/data/qa_vocab.yaml's metric words, via the router);
"speedup / faster / accelerate" with no other metric means the speed metrics; otherwise any metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.qa.text import SPEED_METRICS, SPEED_WORDS  # noqa: F401 (SPEED_METRICS re-exported)

# A factor in words ("three times", "ten-fold") or as an order of magnitude ("an order of magnitude": 10x)
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "twenty": 20, "fifty": 50, "a hundred": 100, "one hundred": 100, "hundred": 100, "a thousand": 1000,
         "one thousand": 1000, "thousand": 1000}
_ORDERS = {"an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
_NUM = (r"(?:(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\s*(?P<unit>x\b|×|times\b|-?fold\b|%|percent\b)"
        r"|(?P<orders>an|one|two|three|four)\s+orders?\s+of\s+magnitude)")
_THRESHOLD = re.compile(
    r"(?:(?P<op>more\s+than|greater\s+than|higher\s+than|larger\s+than|over|above|exceeding|beyond|in\s+excess\s+of|"
    r"at\s+least|no\s+less\s+than|>=|≥|>)\s*(?:an?\s+(?=\d))?" + _NUM + r"|"
    + _NUM.replace("?P<n>", "?P<n2>").replace("?P<unit>", "?P<unit2>").replace("?P<orders>", "?P<orders2>")
    + r"\s+or\s+(?P<op2>more|higher|greater|above|better))", re.I)
_REDUCE = re.compile(r"\b(?:reduc\w*|sav\w*|cut\w*|lower\w*|less|shrink\w*|decreas\w*|smaller)\b", re.I)


@dataclass(frozen=True)
class Threshold:
    value: float
    unit: str              # "x" or "%"
    strict: bool           # "more than" (>) or "at least" (>=)
    surface: str           # as the question wrote it
    span: tuple[int, int]

    def admits(self, value: float) -> bool:
        return value > self.value if self.strict else value >= self.value

    def describe(self, metrics: tuple[str, ...]) -> str:
        what = "/".join(metrics) if metrics else "any metric"
        return f"claim {what} {'>' if self.strict else '>='} {self.value:g}{self.unit}"


def find(question: str) -> Threshold | None:
    """The value threshold the question writes, if any."""
    m = _THRESHOLD.search(question)
    if not m:
        return None
    from agent.qa.quantities import score_bound

    if score_bound(question) is not None:    # "top-1 accuracy above 75%": a reported score, not a claim
        return None
    orders = m.group("orders") or m.group("orders2")
    if orders:
        value, unit = 10.0 ** _ORDERS[orders.lower()], "x"
    else:
        number, unit = (m.group("n"), m.group("unit")) if m.group("n") else (m.group("n2"), m.group("unit2"))
        value = float(WORDS.get(number.lower(), 0) or number)
        unit = "%" if unit.lower() in ("%", "percent") else "x"
    op = (m.group("op") or "").lower()
    strict = bool(op) and not re.match(r"at\s+least|no\s+less|>=|≥", op)
    return Threshold(value, unit, strict, m.group(0).strip(), m.span())


def metrics_asked(question: str, metric: str | None, th: Threshold) -> tuple[str, ...]:
    """The claim metrics a threshold applies to: the named metric, else speed for "speedup / faster"."""
    from agent.qa.tools import metric_family

    if metric:
        # The metrics the question names ("latency, tail latency or completion time": each of them), not
        # the generic "speedup" their families admit elsewhere: a list of papers with "at least 2x higher
        # throughput" must not include every paper with a 2x speedup.
        named = named_metrics(question) or [metric]
        if th.unit == "%":
            return tuple(named)
        return tuple(dict.fromkeys(m for n in named for m in metric_family(n) if m != "speedup"))
    if SPEED_WORDS.search(question):
        return SPEED_METRICS
    return ()


def named_metrics(question: str) -> list[str]:
    """Every metric of the vocabulary (agent/data/qa_vocab.yaml) the question names, in its order."""
    from agent.qa.router import phrase_rx, vocabulary

    spans = {metric: [m.span() for p in phrases for m in phrase_rx(p).finditer(question)]
             for metric, phrases in vocabulary().metrics.items()}
    every = [(sp, metric) for metric, sps in spans.items() for sp in sps]
    # a word inside a longer metric's phrase ("latency" of "tail latency") does not name its own metric
    own = {metric: [sp for sp in sps if not any(o != metric and a <= sp[0] and sp[1] <= b and b - a > sp[1] - sp[0]
                                                for (a, b), o in every)]
           for metric, sps in spans.items()}
    return [metric for _, metric in sorted((min(sps), metric) for metric, sps in own.items() if sps)]


def qualifying(ctx, th: Threshold, metrics: tuple[str, ...], baseline: str | None = None) -> dict[str, dict]:
    """Paper id -> its largest claim meeting the threshold (unit, metric, value and, when the question
    names one, baseline: "more than 2x over vLLM"), within the session filter and scope."""
    from agent.qa.baselines import name_rx
    from agent.qa.tools import top_speedups
    from agent.qa.vendors import baseline_covers

    ids = None
    if ctx.flt is not None or ctx.scope is not None:
        from agent.qa.tools import all_sources

        ids = [s.id for s in all_sources(ctx)]
    # "faster" with no named metric: the speed metrics, and any other claim the extractor read as
    # "faster" ("search cost ... up to 5,000x faster")
    generic_speed = metrics == SPEED_METRICS
    rows = top_speedups(ctx, ids, metrics=() if generic_speed else metrics, unit=th.unit, limit=100000)
    if generic_speed:
        rows = [row for row in rows if row["metric"] in SPEED_METRICS or row.get("direction") == "faster"]
    best: dict[str, dict] = {}
    for row in rows:                 # sorted by value: a paper's first row is its largest
        if th.admits(row["value"]) and (baseline is None or name_rx(baseline).search(row.get("baseline") or "")
                                        or baseline_covers(baseline, row.get("baseline") or "")):
            best.setdefault(row["paper_id"], row)
    return best


def rest_of_question(question: str, th: Threshold) -> str:
    """The question without its threshold (and the metric words right after it)."""
    return (question[:th.span[0]] + " " + question[th.span[1]:]).strip()
