"""Benchmark suites in a question: "results on the GLUE benchmark" is met by a paper that names the
suite, or that names at least two of its tasks (agent/data/datasets.yaml `suites`): papers often list
"SST-2, MNLI and QQP" without the suite's name. One task alone is that dataset's use, not the suite's,
and a question naming a task (SST-2) is never widened to its suite.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_TASKS = 2


@lru_cache(maxsize=1)
def _suites() -> dict[str, list[str]]:
    from agent.engines.local.gazetteer import load_yaml

    return {name.lower(): tasks for name, tasks in (load_yaml("datasets.yaml").get("suites") or {}).items()}


def suite_tasks(name: str) -> list[str]:
    return _suites().get(name.lower(), [])


def meets_suite(name: str, datasets: set[str], text: str) -> bool:
    """Does a paper (its canonical dataset names, lower case, and its text) name enough of the suite's tasks?"""
    tasks = suite_tasks(name)
    if not tasks:
        return False
    named = [t for t in tasks if t.lower() in datasets or re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text)]
    return len(named) >= min(MIN_TASKS, len(tasks))
