"""The `papers` command line: a thin layer over agent/, store/ and evals/.

Only typer and the standard library are imported here at start-up; each command imports what it
needs when it runs, so `papers --help` stays fast.
"""

from __future__ import annotations

import sys

from agent.cli.app import app

# Each module only defines commands on `app`; importing them is cheap (typer + stdlib).
# Import order is the order `papers --help` lists the commands in: corpus, search, extract, ask, eval, store care.
from agent.cli import corpus  # noqa: E402,F401  isort:skip
from agent.cli import search  # noqa: E402,F401  isort:skip
from agent.cli import extract  # noqa: E402,F401  isort:skip
from agent.cli import ask  # noqa: E402,F401  isort:skip
from agent.cli import evalcmd  # noqa: E402,F401  isort:skip
from agent.cli import admin  # noqa: E402,F401  isort:skip


def main() -> None:
    app(prog_name="papers")


if __name__ == "__main__":
    sys.exit(main())
