"""`papers eval --compare OLD.json`: what improved and what regressed since a previous `--json` run.

Scores are compared metric by metric (counts such as tp/fp are left out: they are not scores), and
case by case (`per_case`: a fixture's pooled F1, a paper's ROUGE-1, a question's reciprocal rank),
so a flat headline number that hides one fixed and one broken case still shows both.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.loaders import EvalInputError
from evals.metric_format import COUNTS, fmt
from evals.results import EvalRun

MAX_CASES = 10


@dataclass
class Change:
    key: str                      # suite.field.metric, or suite:case
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass
class Comparison:
    previous: str
    improved: list[Change] = field(default_factory=list)
    regressed: list[Change] = field(default_factory=list)
    appeared: list[str] = field(default_factory=list)      # scored now, not before
    disappeared: list[str] = field(default_factory=list)   # scored before, not now
    unchanged: int = 0
    cases_improved: list[Change] = field(default_factory=list)
    cases_regressed: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def rows(changes):
            return [asdict(c) | {"delta": c.delta} for c in changes]
        return {"previous": self.previous, "improved": rows(self.improved), "regressed": rows(self.regressed),
                "appeared": self.appeared, "disappeared": self.disappeared, "unchanged": self.unchanged,
                "cases_improved": rows(self.cases_improved), "cases_regressed": rows(self.cases_regressed)}


def load_previous(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalInputError(f"{path}: file not found", hint="save a run with `papers eval --json > OLD.json`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalInputError(f"{path}: not a JSON file ({exc})",
                             hint="save a run with `papers eval --json > OLD.json`") from None
    if not isinstance(data, dict) or not isinstance(data.get("suites"), dict):
        raise EvalInputError(f"{path}: not the output of `papers eval --json` (no 'suites')")
    return data


def _scores(suites: dict[str, Any]) -> dict[str, float | None]:
    out = {}
    for suite, res in suites.items():
        for fld, metrics in (res.get("metrics") or {}).items():
            for metric, value in metrics.items():
                if metric not in COUNTS:
                    out[f"{suite}.{fld}.{metric}"] = value
    return out


def _tolerance(key: str) -> float:
    return 0.05 if ".rouge" in key else 0.0005


def compare_runs(previous: dict[str, Any], run: EvalRun, previous_name: str = "previous run") -> Comparison:
    new_json = run.to_json()["suites"]
    ran = {name for name, res in new_json.items() if res.get("status") == "ok"}
    before = {name: res for name, res in previous["suites"].items() if name in ran}  # same suites only
    old, new = _scores(before), _scores(new_json)
    cmp = Comparison(previous=previous_name)
    cmp.appeared = sorted(k for k in new if k not in old and new[k] is not None)
    cmp.disappeared = sorted(k for k in old if k not in new and old[k] is not None)
    for key in sorted(set(old) & set(new)):
        change = Change(key, old[key], new[key])
        if change.delta is None or abs(change.delta) <= _tolerance(key):
            cmp.unchanged += 1
        else:
            (cmp.improved if change.delta > 0 else cmp.regressed).append(change)
    for suite, res in new_json.items():
        cases = (before.get(suite) or {}).get("per_case") or {}
        for case, value in (res.get("per_case") or {}).items():
            if case in cases and cases[case] is not None and abs(value - cases[case]) > 1e-6:
                change = Change(f"{suite}:{case}", cases[case], value)
                (cmp.cases_improved if value > cases[case] else cmp.cases_regressed).append(change)
    cmp.cases_improved.sort(key=lambda c: -(c.delta or 0))
    cmp.cases_regressed.sort(key=lambda c: c.delta or 0)
    return cmp


def _line(change: Change) -> str:
    metric = change.key.rsplit(".", 1)[-1]
    return f"{change.key}: {fmt(metric, change.old)} → {fmt(metric, change.new)} ({change.delta:+.3g})"


def comparison_lines(cmp: Comparison) -> list[tuple[str, list[str]]]:
    sections = [("regressed", [_line(c) for c in cmp.regressed]), ("improved", [_line(c) for c in cmp.improved]),
                ("cases regressed", [_line(c) for c in cmp.cases_regressed[:MAX_CASES]]),
                ("cases improved", [_line(c) for c in cmp.cases_improved[:MAX_CASES]]),
                ("newly scored", cmp.appeared), ("no longer scored", cmp.disappeared)]
    return [(title, lines) for title, lines in sections if lines]


def render_comparison(cmp: Comparison, console) -> None:
    console.print(f"[bold]compared with {cmp.previous}[/]: {len(cmp.improved)} improved, "
                  f"{len(cmp.regressed)} regressed, {cmp.unchanged} unchanged", highlight=False, soft_wrap=True)
    for title, lines in comparison_lines(cmp):
        colour = "red" if "regressed" in title else "green" if "improved" in title else "dim"
        console.print(f"  [{colour}]{title}[/]", soft_wrap=True)
        for line in lines:
            console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)


def comparison_markdown(cmp: Comparison) -> list[str]:
    out = [f"## Compared with {cmp.previous}", "",
           f"{len(cmp.improved)} scores improved, {len(cmp.regressed)} regressed, {cmp.unchanged} unchanged.", ""]
    for title, lines in comparison_lines(cmp):
        out += [f"**{title.capitalize()}**", ""] + [f"- {ln}" for ln in lines] + [""]
    return out
