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
    "memory": ((r"GB|gigabytes?", 1024.0), (r"MB|megabytes?", 1.0), (r"KB|kilobytes?", 1.0 / 1024)),
    "power": ((r"W|watts?", 1000.0), (r"mW|milliwatts?", 1.0)),
}
_UNIT_RX = "|".join(u for units in _UNITS.values() for u, _ in units)
_FIGURE = re.compile(rf"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT_RX})(?![\w/])")
_BOUND = re.compile(r"\b(?P<op>under|below|less\s+than|lower\s+than|fewer\s+than|within|at\s+most|no\s+more\s+than|"
                    r"above|over|more\s+than|higher\s+than|at\s+least|exceeding)\s+(?:~\s*)?"
                    rf"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT_RX})(?![\w/])", re.I)
_UPPER = re.compile(r"under|below|less|lower|fewer|within|at\s+most|no\s+more", re.I)


@dataclass(frozen=True)
class Bound:
    kind: str          # time | rate | memory | power
    value: float       # in the kind's base unit
    upper: bool        # "under 10 ms" (<) rather than "above 30 FPS" (>)
    inclusive: bool    # "at most", "at least", "within"
    surface: str
    span: tuple[int, int]

    def admits(self, value: float) -> bool:
        if self.upper:
            return value <= self.value if self.inclusive else value < self.value
        return value >= self.value if self.inclusive else value > self.value

    def describe(self) -> str:
        return f"abstract states {self.kind} {self.surface}"


def _unit(unit: str) -> tuple[str, float] | None:
    for kind, units in _UNITS.items():
        for rx, factor in units:
            if re.fullmatch(rx, unit, re.I if kind != "power" else 0):
                return kind, factor
    return None


def find(question: str) -> Bound | None:
    """The bound on an absolute quantity the question writes, if any."""
    m = _BOUND.search(question)
    if not m or (u := _unit(m.group("unit"))) is None:
        return None
    op = m.group("op").lower()
    upper = bool(_UPPER.match(op))
    inclusive = bool(re.match(r"at\s+(?:most|least)|within|no\s+more", op))
    return Bound(u[0], float(m.group("n")) * u[1], upper, inclusive, m.group(0).strip(), m.span())


def meeting_sentence(abstract: str, bound: Bound) -> str | None:
    """The first abstract sentence writing a figure of the bound's kind that meets it."""
    from core.text import split_sentences

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
