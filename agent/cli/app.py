"""The typer application every command module registers on, and the error edge of the CLI.

Every failure leaves as `error:` and `hint:` lines on stderr and a non-zero exit: library errors
(PapersError), usage errors (exit 2) and, as safety nets, a file-system error on a named path and a
damaged SQLite file anywhere.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup


def _is_usage_error(exc: BaseException) -> bool:
    """click's UsageError (typer vendors its own click, so match by class name, not identity);
    `papers` alone shows the help, as usual."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return "UsageError" in names and "NoArgsIsHelpError" not in names


def _help_hint(ctx) -> str:
    path = ctx.command_path.split() if ctx is not None else []
    sub = getattr(ctx, "invoked_subcommand", None)  # the group's context names the command it ran
    where = " ".join(["papers", *path[1:], *([sub] if sub else [])])  # our name, whatever it was invoked as
    return f"`{where} --help` lists the arguments and options"


def _usage_error(exc, argv=None) -> None:
    """Argument errors as the same `error:`/`hint:` lines as every other error (exit 2)."""
    # typer validates through pydantic, which prefixes a validator's own message with "Value error, "
    message, hint = exc.format_message().replace('Value error, ', ''), _help_hint(getattr(exc, 'ctx', None))
    _fail(argv, message, hint, 2)
    raise typer.Exit(2)


# Commands whose --json output is JSON Lines: a failure there prints no line (an empty result is
# still valid JSON Lines, and an error object would read as a record).
_JSON_LINES = {"list", "search", "parse"}


def _fail(argv, message: str, hint, code: int) -> None:
    """The `error:`/`hint:` lines on stderr; under a one-document --json also the failure as that
    document on stdout, so a script's json.loads reads why instead of failing on empty output."""
    from agent.cli import output

    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)
    args = list(argv or [])
    command = next((a for a in args if not a.startswith("-")), None)
    if "--json" in args and command not in _JSON_LINES and not output.document_written():
        output.print_json({"error": message, "hint": hint or None, "exit_code": code})


# What to do after Ctrl-C, for the long jobs that pick up where they stopped (`extract` reports its
# own stop and has --resume).
_RESUME_HINTS = {
    "ingest": "run the same command again: stored papers are kept and only what is missing (records, "
              "embeddings) is done",
    "reindex": "run `papers reindex` again; `papers doctor` says what the index holds meanwhile",
    "extract": "run the same command again; with -o FILE, add --resume to skip the rows the file already holds",
}
# Commands that store or write as they go: an interrupt keeps what they finished. The others only
# read, and "finished work was kept" would promise something that does not exist.
_WRITERS = {"ingest", "reindex", "extract", "eval", "demo", "backup", "restore", "remove"}


class PapersGroup(TyperGroup):
    """Converts library errors into one clear line and an exit code, at the edge."""

    def make_context(self, info_name, args, parent=None, **extra):
        from agent.cli import output

        output.reset_document_written()
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_error(exc, argv)
        ctx.meta["papers.argv"] = argv   # the command line as given: the error edge reads --json from it
        return ctx

    def invoke(self, ctx):
        try:
            return self._invoke(ctx)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_error(exc, ctx.meta.get("papers.argv"))

    def _invoke(self, ctx):
        from core.errors import PapersError, UsageError
        from core.settings import debug_enabled

        argv = ctx.meta.get("papers.argv")
        try:
            return super().invoke(ctx)
        except PapersError as exc:
            if debug_enabled():
                raise
            hint = exc.hint or (isinstance(exc, UsageError) and _help_hint(ctx))
            _fail(argv, exc.message, hint, exc.exit_code)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            if getattr(exc, "filename", None) is None or isinstance(exc, BrokenPipeError) or debug_enabled():
                raise
            # a safety net: outputs are checked where they are opened, but a file can fail anywhere
            _fail(argv, f"{exc.filename}: {exc.strerror or type(exc).__name__}",
                  "check the path and its permissions (PAPERS_DEBUG=1 shows the traceback)", 1)
            ctx.exit(1)
        except Exception as exc:
            if type(exc).__module__ not in ("sqlite3", "_sqlite3") or debug_enabled():
                raise
            # a safety net: store/ converts these itself, but a damaged file can fail anywhere
            _fail(argv, f"the store is unreadable ({exc})",
                  "run `papers doctor`: it checks the store and names the command that recovers it", 1)
            ctx.exit(1)
        except KeyboardInterrupt:
            if debug_enabled():
                raise
            command = getattr(ctx, "invoked_subcommand", None) or ""
            typer.echo("interrupted; finished work was kept" if command in _WRITERS else "interrupted", err=True)
            hint = _RESUME_HINTS.get(command)
            if hint:
                typer.echo(f"hint: {hint}", err=True)
            ctx.exit(130)


app = typer.Typer(
    cls=PapersGroup,
    help="Ingest ML-systems paper listings, extract trustworthy claims, search and ask with citations.\n\n"
         "--json: list, search and parse print JSON Lines (one object per line; no lines when nothing "
         "matches), as does extract without -o; every other command prints one JSON document. Errors are "
         "`error:` and `hint:` lines on stderr with a non-zero exit (2 for usage errors).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"papers {version('papers')}")
        except PackageNotFoundError:  # running from a source tree that was never installed
            typer.echo("papers (unknown version: not installed)")
        raise typer.Exit()


@app.callback()
def _main(show_version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                            help="print the version and exit")) -> None:
    """Ingest ML-systems paper listings, extract trustworthy claims, search and ask with citations."""
