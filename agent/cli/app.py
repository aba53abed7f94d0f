"""The typer application every command module registers on, and the error edge of the CLI."""

from __future__ import annotations

import os

import typer
from typer.core import TyperGroup


class PapersGroup(TyperGroup):
    """Converts library errors into one clear line and an exit code, at the edge."""

    def invoke(self, ctx):
        from core.errors import PapersError

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
