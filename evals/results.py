"""What a suite returns and what a run is: metrics, threshold checks, cases, availability.

JSON shape of a run (`papers eval --json`, also the input of `--compare`):

    {"schema": 1, "passed": bool, "engine": "local", "suites": {
        "claims": {"status": "ok" | "not available" | "error", "reason": str | null,
                   "metrics": {field: {metric: value}}, "unavailable": {field: reason},
                   "info": {...}, "cases": [worst cases], "per_case": {case id: score}}},
     "checks": [{"suite", "field", "metric", "value", "threshold", "passed"}]}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, NOT_AVAILABLE, ERROR = "ok", "not available", "error"
SCHEMA = 1


class SuiteUnavailable(Exception):
    """A component the suite needs does not exist yet (or its data is missing)."""


@dataclass
class SuiteResult:
    suite: str
    status: str = OK
    reason: str | None = None
    metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)   # field -> why it was not scored
    info: dict[str, Any] = field(default_factory=dict)           # n, engine, seconds, warnings...
    cases: list[dict[str, Any]] = field(default_factory=list)    # worst cases, for people
    per_case: dict[str, float] = field(default_factory=dict)     # case id -> score (higher is better)

    @property
    def headline(self) -> str:
        return self.status if self.status == OK else f"{self.status}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Check:
    suite: str
    field: str
    metric: str
    value: float | None
    threshold: float
    passed: bool

    @property
    def name(self) -> str:
        return f"{self.suite}.{self.field}.{self.metric}"


@dataclass
class EvalRun:
    suites: list[SuiteResult]
    checks: list[Check] = field(default_factory=list)
    engine: str | None = None
    strict: bool = False

    @property
    def failures(self) -> list[str]:
        """Why the gate fails: scores under threshold, suites that crashed, missing ones if strict."""
        out = [f"{c.name} = {_fmt(c.value)} < {c.threshold:g}" for c in self.checks if not c.passed]
        for s in self.suites:
            if s.status == ERROR or (self.strict and s.status == NOT_AVAILABLE):
                out.append(f"{s.suite}: {s.headline}")
        return out

    @property
    def passed(self) -> bool:
        return not self.failures

    def suite(self, name: str) -> SuiteResult | None:
        return next((s for s in self.suites if s.suite == name), None)

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "passed": self.passed, "engine": self.engine,
                "suites": {s.suite: s.to_json() for s in self.suites},
                "checks": [asdict(c) for c in self.checks], "failures": self.failures}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
