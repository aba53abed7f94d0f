"""The `papers` command line: a thin layer over agent/, store/ and evals/.

Only typer and the standard library are imported here at start-up; each command imports what it
needs when it runs, so `papers --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup


class PapersGroup(TyperGroup):
    """Converts library errors into one clear line and an exit code, at the edge."""

    def invoke(self, ctx):
        from agent.errors import PapersError

        try:
            return super().invoke(ctx)
        except PapersError as exc:
            if os.environ.get("PAPERS_DEBUG"):
                raise
            typer.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                typer.echo(f"hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            if os.environ.get("PAPERS_DEBUG"):
                raise
            typer.echo("interrupted; finished work was kept", err=True)
            ctx.exit(130)


app = typer.Typer(
    cls=PapersGroup,
    help="Ingest ML-systems paper listings, extract trustworthy claims, search and ask with citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Each module only defines commands on `app`; importing them is cheap (typer + stdlib).
# Import order is the order `papers --help` lists the commands in: corpus, search, extract, ask, eval.
from agent.cli import corpus  # noqa: E402,F401  isort:skip
from agent.cli import search  # noqa: E402,F401  isort:skip
from agent.cli import extract  # noqa: E402,F401  isort:skip
from agent.cli import ask  # noqa: E402,F401  isort:skip
from agent.cli import evalcmd  # noqa: E402,F401  isort:skip


def main() -> None:
    app(prog_name="papers")


if __name__ == "__main__":
    sys.exit(main())
