"""Set questions with a bound on an absolute quantity ("which papers run a network in under 10 ms on a
phone?", "... above 30 FPS?", "... with less than 1 GB of memory?"). The claims table holds ratios
(x, %), not absolute figures, so the bound is checked against the figures the abstract writes: a
number with a unit of the same kind in one sentence, which is the answer's evidence. The figure
must be in the abstract; nothing is converted except between units of one kind (s and ms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# unit kind -> (the unit as written, its factor to the kind's base unit)
_UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    "time": ((r"ms|milliseconds?|msecs?", 1.0), (r"s|secs?|seconds?", 1000.0), (r"µs|us|microseconds?", 0.001)),
    "rate": ((r"fps|FPS|frames?\s+per\s+second", 1.0),),
    "token rate": ((r"tokens?/s|tok/s|tokens?\s+per\s+second", 1.0),),
    "memory": ((r"GB|gigabytes?", 1024.0), (r"MB|megabytes?", 1.0), (r"KB|kilobytes?", 1.0 / 1024)),
    "power": ((r"W|watts?", 1000.0), (r"mW|milliwatts?", 1.0)),
    "energy": ((r"J|joules?", 1000.0), (r"mJ|millijoules?", 1.0), (r"µJ|uJ|microjoules?", 0.001)),
}
_CASED = ("power", "energy")     # "W" and "J" are units only in capitals
_UNIT_RX = "|".join(u for units in _UNITS.values() for u, _ in units)
_FIGURE = re.compile(rf"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT_RX})(?![\w/])")
_N = r"\d+(?:\.\d+)?|an?|one"     # "under a second"
# "under 10 ms", "< 10 ms", "10 ms or less", "sub-10 ms", "faster than 30 FPS"
_BOUND = re.compile(r"(?:\b(?P<op>under|below|less\s+than|lower\s+than|fewer\s+than|within|at\s+most|no\s+more\s+than|"
                    r"above|over|more\s+than|higher\s+than|at\s+least|exceeding|faster\s+than|quicker\s+than)|"
                    r"(?P<sym><=|≤|>=|≥|<|>))\s*(?:~\s*)?"
                    rf"(?P<n>{_N})\s*-?\s*(?P<unit>{_UNIT_RX})(?![\w/])"
                    rf"|(?<![\w.])(?P<n2>\d+(?:\.\d+)?)\s*-?\s*(?P<unit2>{_UNIT_RX})\s+or\s+(?P<op2>less|lower|fewer|under|below|"
                    r"more|higher|above|greater|faster|better)\b"
                    rf"|\bsub-?(?P<n3>\d+(?:\.\d+)?)\s*-?\s*(?P<unit3>{_UNIT_RX})(?![\w/])", re.I)
_UPPER = re.compile(r"under|below|less|lower|fewer|within|at\s+most|no\s+more|<|≤|sub", re.I)


@dataclass(frozen=True)
class Bound:
    kind: str          # time | rate | memory | power
    value: float       # in the kind's base unit
    upper: bool        # "under 10 ms" (<) rather than "above 30 FPS" (>)
    inclusive: bool    # "at most", "at least", "within"
    surface: str
    span: tuple[int, int]
    metric: str = ""   # for kind "score": the score the percentage is of ("accuracy", "mAP")

    def admits(self, value: float) -> bool:
        if self.upper:
            return value <= self.value if self.inclusive else value < self.value
        return value >= self.value if self.inclusive else value > self.value

    def describe(self) -> str:
        if self.kind == "score":
            return f"abstract states {self.metric} {'<' if self.upper else '>'}{'=' if self.inclusive else ''} {self.value:g}%"
        return f"abstract states {self.kind} {self.surface}"


def _unit(unit: str) -> tuple[str, float] | None:
    for kind, units in _UNITS.items():
        for rx, factor in units:
            if re.fullmatch(rx, unit, re.I if kind not in _CASED else 0):
                return kind, factor
    return None


def find(question: str) -> Bound | None:
    """The bound on an absolute quantity (or on a reported score) the question writes, if any."""
    if (score := score_bound(question)) is not None:
        return score
    for m in _BOUND.finditer(question):
        number, unit = next((m.group(n), m.group(u)) for n, u in (("n", "unit"), ("n2", "unit2"), ("n3", "unit3"))
                            if m.group(n))
        if (u := _unit(unit)) is None:
            continue
        op = (m.group("op") or m.group("sym") or m.group("op2") or "sub").lower()
        upper = bool(_UPPER.match(op))
        if re.match(r"faster|quicker", op):     # faster than 10 ms is under it; faster than 30 FPS above it
            upper = u[0] == "time"
        inclusive = bool(re.match(r"at\s+(?:most|least)|within|no\s+more|<=|≤|>=|≥", op)) or bool(m.group("op2"))
        value = 1.0 if number.lower() in ("a", "an", "one") else float(number)
        return Bound(u[0], value * u[1], upper, inclusive, m.group(0).strip(), m.span())
    return None


def meeting_sentence(abstract: str, bound: Bound) -> str | None:
    """The first abstract sentence writing a figure of the bound's kind that meets it."""
    from core.text import split_sentences

    if bound.kind == "score":
        return next((sent for sent in split_sentences(abstract)
                     if any(bound.admits(v) for v in score_figures(sent, bound.metric))), None)
    for sent in split_sentences(abstract):
        for m in _FIGURE.finditer(sent):
            u = _unit(m.group("unit"))
            if u and u[0] == bound.kind and bound.admits(float(m.group("n")) * u[1]):
                return sent
    return None


def members(papers: dict, bound: Bound) -> dict[str, str]:
    """Paper id -> the sentence stating a figure within the bound."""
    out = {}
    for pid, paper in papers.items():
        sent = meeting_sentence(paper.abstract, bound)
        if sent is not None:
            out[pid] = sent
    return out


# -- scores: "an ImageNet top-1 accuracy above 75%" ---------------------------------------------------
# A percentage bound on a score the paper reports (not a claim of the claims table, which holds
# improvements): the figure is read from the abstract and belongs to the score written right after it
# ("74.96% top-1 accuracy", "78.2%, 75% and 71% Top-1 accuracy respectively") or right before it
# ("a top-1 accuracy of 76.3%"). A figure followed by another quantity word ("41.6% reduction in
# FLOPs", "80% sparsity") or a change of the score ("4% accuracy improvement") is not the score itself.
SCORES: dict[str, str] = {
    "top-5 accuracy": r"top-?5(?:\s+accuracy)?",
    "accuracy": r"(?:top-?1\s+)?accuracy|top-?1|acc\.?",
    "mAP": r"m?AP(?:50|@\.?5|@0\.5)?|mean\s+average\s+precision",
    "mIoU": r"mIoU|mean\s+IoU",
    "F1": r"F1(?:[\s-]score)?",
    "recall": r"recall",
    "precision": r"precision",
    "AUC": r"AUC|AUROC",
    "success rate": r"success\s+rate",
    "exact match": r"exact\s+match|EM",
    "pass@1": r"pass@1",
}
_SCORE_RX = {k: re.compile(rf"(?<![\w-])(?:{v})(?![\w-])", re.I if k not in ("mAP", "exact match") else 0)
             for k, v in SCORES.items()}
_CHANGE = r"(?:improvement|increase|gain|boost|drop|loss|degradation|decrease|reduction|higher|lower|better|worse|points?)"
_OTHER = re.compile(r"(?<![\w-])(?:reduction|fewer|less|lower|smaller|improvement|increase|higher|more|gain|drop|loss|"
                    r"degradation|sparsity|sparse|pruning|pruned|compression|faster|speedup|speed-up|savings?|saving|energy|"
                    r"memory|latency|time|FLOPs|MACs|parameters|params|weights|utili[sz]ation|throughput|power|"
                    r"bandwidth|cost|error|of|the|less|relative|improve\w*|reduc\w*|sav\w*)(?![\w-])", re.I)
_PCT = re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?:\\?%|percent\b)")
_SCORE_OP = re.compile(r"(?P<op>more\s+than|greater\s+than|higher\s+than|over|above|exceeding|beyond|at\s+least|"
                       r"no\s+less\s+than|under|below|less\s+than|lower\s+than|at\s+most|>=|≥|>|<)\s*"
                       r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent\b)|(?P<n2>\d+(?:\.\d+)?)\s*(?:%|percent)\s+or\s+"
                       r"(?P<op2>more|higher|greater|above|better)", re.I)


def _score_at(text: str, forward: bool) -> str | None:
    """The score named right after (forward) or right before a figure, if the next quantity word is one."""
    if forward:
        # other figures of a list, their parentheses, "and", "respectively" may stand between
        rest = re.sub(r"\([^()]*\)", " ", text[:120])
        rest = re.sub(r"^(?:[\s,;]|and\b|or\b|\d+(?:\.\d+)?\s*(?:\\?%|percent\b))*", "", rest)
        rest = re.sub(r"^(?:(?:an?|the|[A-Z][\w-]*)\s+){0,2}", "", rest)    # "80.0% ImageNet top-1 accuracy"
        for key, rx in _SCORE_RX.items():
            m = rx.match(rest)
            if m and not re.match(rf"\s+{_CHANGE}\b", rest[m.end():], re.I):
                return key
        return None
    before = text[-60:]
    for key, rx in _SCORE_RX.items():
        m = None
        for m in rx.finditer(before):
            pass
        if m and re.fullmatch(r"\s*(?:of|is|was|reaches|reached|to|at|:|=|\(|of\s+up\s+to|reaching|achieving|with)?\s*(?:only\s+|about\s+|around\s+|nearly\s+)?",
                              before[m.end():], re.I):
            return key
    return None


def score_figures(sentence: str, metric: str) -> list[float]:
    """The percentages the sentence states as the score `metric` (see above); top-1 and plain
    accuracy are one score."""
    out = []
    for m in _PCT.finditer(sentence):
        if re.search(r"\bby\s+(?:up\s+to\s+|about\s+|over\s+|nearly\s+)?$", sentence[:m.start()], re.I):
            continue    # "improves accuracy by 2%": a change
        if _OTHER.match(sentence[m.end():].lstrip()):
            continue
        key = _score_at(sentence[m.end():], True) or _score_at(sentence[:m.start()], False)
        if key == metric:
            out.append(float(m.group("n")))
    return out


def score_bound(question: str) -> Bound | None:
    """A percentage bound on a reported score: "top-1 accuracy above 75%", "over 40% mAP"."""
    for m in _SCORE_OP.finditer(question):
        key = _score_at(question[m.end():], True) or _score_at(question[:m.start()], False)
        near = [(k, x) for k, rx in _SCORE_RX.items() for x in rx.finditer(question)
                if (-40 <= m.start() - x.end() <= 40 or 0 <= x.start() - m.end() <= 25)
                and not re.match(rf"[\s-]+{_CHANGE}\b", question[x.end():], re.I)]
        if key is None and near:
            key = near[0][0]
        if key is None or re.search(rf"^\s*{_CHANGE}\b", question[m.end():], re.I):
            continue
        lo = min([m.start()] + [x.start() for k, x in near if k == key])
        hi = max([m.end()] + [x.end() for k, x in near if k == key])
        op = (m.group("op") or m.group("op2") or "").lower()
        upper = bool(re.match(r"under|below|less|lower|at\s+most|<", op))
        inclusive = bool(re.match(r"at\s+(?:least|most)|no\s+less|>=|≥", op)) or bool(m.group("op2"))
        value = float(m.group("n") or m.group("n2"))
        return Bound("score", value, upper, inclusive, question[lo:hi], (lo, hi), key)
    return None
