"""The filter options `list`, `export` and `search` share, and what their exit codes mean.

A value that cannot mean anything (an unreadable or backwards year, a negative or NaN speedup) is a
usage error: `error:`/`hint:` and exit 2, before any work. A well-formed filter that matches no paper
is not an error: exit 0 with the reason on stderr (`note:`/`hint:`), like an empty store."""

from __future__ import annotations

import math


def checked_filter(**values):
    """A store.papers.PaperFilter from command-line values, refusing those no paper could match."""
    from core.errors import UsageError
    from store.papers import PaperFilter, check_year_spec

    if values.get("year"):
        check_year_spec(values["year"])
    speedup = values.get("min_speedup")
    if speedup is not None and (math.isnan(speedup) or speedup < 0):
        raise UsageError(f"--min-speedup {speedup:g} is not a speedup factor",
                         hint="give a factor of 0 or more, e.g. --min-speedup 2 for a 2x or larger speedup")
    return PaperFilter(**values)
