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
    if _names_llm_engine(sys.argv[1:]):   # start importing the openai SDK while typer parses options
        from agent.engines.llm import prefetch_client_modules

        prefetch_client_modules()
    app(prog_name="papers")


def _names_llm_engine(args: list[str]) -> bool:
    """Whether this command line selects the openai/hybrid engine (--engine/-e, or PAPERS_ENGINE)."""
    import os

    if not args or "--help" in args or "-h" in args:
        return False
    named = [v.split("=", 1)[1] for v in args if v.startswith("--engine=")]
    named += [args[i + 1] for i, v in enumerate(args[:-1]) if v in ("--engine", "-e")]
    engine = (named[-1] if named else os.environ.get("PAPERS_ENGINE", "")).lower()
    return engine in ("openai", "hybrid")


if __name__ == "__main__":
    sys.exit(main())
