"""The filter options `list`, `export` and `search` share, and what their exit codes mean.

A value that cannot mean anything (an unreadable or backwards year, a negative or NaN speedup) is a
usage error: `error:`/`hint:` and exit 2, before any work. A well-formed filter that matches no paper
is not an error: exit 0 with the reason on stderr (`note:`/`hint:`), like an empty store."""

from __future__ import annotations

import math


def checked_filter(**values):
    """A store.papers.PaperFilter from command-line values, refusing those no paper could match."""
    from store.papers import PaperFilter

    check_values(values.get("year"), values.get("min_speedup"))
    return PaperFilter(**values)


def check_values(year: str | None, min_speedup: float | None, speedup_name: str = "--min-speedup") -> None:
    """UsageError for a year or speedup no paper could match. `ask` and chat's /filter call it too,
    so one impossible value is refused the same way wherever it is typed."""
    from core.errors import UsageError
    from store.papers import check_year_spec

    if year:
        check_year_spec(year)
    if min_speedup is not None and (math.isnan(min_speedup) or min_speedup < 0):
        raise UsageError(f"{speedup_name} {min_speedup:g} is not a speedup factor",
                         hint=f"give a factor of 0 or more, e.g. {speedup_name}"
                              f"{'=' if speedup_name.isidentifier() else ' '}2 for a 2x or larger speedup")


def positive_usd(value: float | None) -> float | None:
    """--max-cost: a budget must allow something. Checked at parse time, whatever the engine, with
    the message the help's range states (it used to show `x>=0.0` and then refuse 0 as "must be
    positive" inside the LLM engine, and accept any negative budget with the local engine)."""
    import typer

    if value is not None and not value > 0:
        raise typer.BadParameter(f"{value:g} is not a budget: give an amount in USD above 0, e.g. 0.05")
    return value


MAX_COST_HELP = "openai/hybrid: stop cleanly once this run has cost this many USD (> 0; default: no limit)"
