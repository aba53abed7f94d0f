"""The eval gate: minimum scores per suite/field/metric, from the checked-in evals/thresholds.toml.

    [claims.speedups]
    f1 = 0.60            # fails when the measured value is below 0.60

A threshold for a field or suite that did not run (not selected, or not available) is not checked;
`[claims.dev_ext.speedups]` gates a fixture group's copy of a field (a group whose fixture file is
absent, e.g. blind-ext before it is merged, is "not available", not a failure);
a field that ran but produced no value (nothing to score) fails, because "n/a" is not a pass.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from evals.loaders import EvalInputError
from evals.results import OK, Check, SuiteResult

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"

Thresholds = dict[tuple[str, str, str], float]


def load_thresholds(path: Path | None = None) -> Thresholds:
    """(suite, field, metric) -> minimum; a missing default file means no gate."""
    where = Path(path or DEFAULT_THRESHOLDS)
    if not where.is_file():
        if path is not None:
            raise EvalInputError(f"thresholds file not found: {where}",
                                 hint="give an existing TOML file; the default is evals/thresholds.toml")
        return {}
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EvalInputError(f"{where}: not valid TOML ({exc})", hint="see evals/thresholds.toml") from None
    out: Thresholds = {}
    for suite, fields in data.items():
        for fld, metrics in _fields(where, suite, _table(where, suite, fields)):
            for metric, value in _table(where, f"{suite}.{fld}", metrics).items():
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise EvalInputError(f"{where}: {suite}.{fld}.{metric} must be a number, not {value!r}")
                out[(suite, fld, metric)] = float(value)
    return out


def _fields(where: Path, suite: str, fields: dict):
    """(field, metrics) pairs; `[claims.dev_ext.speedups]` names the field `dev_ext.speedups`
    (a fixture group's copy of the field)."""
    for fld, metrics in fields.items():
        table = _table(where, f"{suite}.{fld}", metrics)
        if table and all(isinstance(v, dict) for v in table.values()):
            yield from ((f"{fld}.{sub}", m) for sub, m in table.items())
        else:
            yield fld, table


def _table(where: Path, name: str, value) -> dict:
    if not isinstance(value, dict):
        raise EvalInputError(f"{where}: [{name}] must be a table of fields/metrics",
                             hint="layout: [suite.field] then metric = minimum")
    return value


def check(results: list[SuiteResult], thresholds: Thresholds) -> list[Check]:
    """One Check per threshold whose suite ran and whose field was scored."""
    checks = []
    for res in results:
        if res.status != OK:
            continue
        for (suite, fld, metric), minimum in sorted(thresholds.items()):
            if suite != res.suite or fld in res.unavailable:
                continue
            value = res.metrics.get(fld, {}).get(metric)
            passed = value is not None and value >= minimum - 1e-9
            checks.append(Check(suite, fld, metric, value, minimum, passed))
    return checks
