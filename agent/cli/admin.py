"""Store care: doctor, backup, restore. The work happens in store.health / store.doctor / store.salvage."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from agent.cli.app import app
from agent.cli.output import JSON_DOC_HELP, print_json

JSON = typer.Option(False, "--json", help=JSON_DOC_HELP)


@app.command()
def doctor(as_json: bool = JSON):
    """Check the store of record (SQLite) and the search index (Chroma); exit 1 when something needs repair.

    Says what is recoverable from which copy, and the exact command."""
    from agent.cli.render import diagnosis_lines
    from core.settings import get_settings
    from store.doctor import diagnose

    report = diagnose(get_settings())
    if as_json:
        print_json(report.to_json())
    else:
        typer.echo("\n".join(diagnosis_lines(report)))  # never wrapped: commands must copy-paste
    if not report.healthy:
        raise typer.Exit(1)


@app.command()
def backup(output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                 help="backup file (default: PAPERS_HOME/backups/papers-TIME.db)")):
    """Copy the store of record with SQLite's online backup API (safe while papers runs)."""
    from core.settings import get_settings
    from store.health import backup_store

    path, papers = backup_store(get_settings(), output)
    typer.echo(f"backed up {papers} papers to {path}")
    typer.echo(f"hint: `papers restore {path}` goes back to it", err=True)


@app.command()
def restore(backup_file: Optional[Path] = typer.Argument(None, help="a file made by `papers backup`"),
            salvage: bool = typer.Option(False, "--salvage",
                                         help="no backup: rebuild papers.db from its readable rows and the index")):
    """Make a backup the store of record, or salvage a damaged one.

    The current papers.db is moved aside (papers.db.replaced-TIME / .damaged-TIME), never deleted."""
    from core.errors import UsageError
    from core.settings import get_settings

    if bool(backup_file) == salvage:
        raise UsageError("give a backup file or --salvage", hint="`papers doctor` says which one applies")
    if salvage:
        return _salvage(get_settings())
    from store.health import restore_store

    old, papers = restore_store(get_settings(), backup_file)
    typer.echo(f"restored {papers} papers from {backup_file}" + (f"; the previous store is kept at {old}"
                                                                       if old else ""))


def _salvage(settings) -> None:
    from store.salvage import salvage_store

    report = salvage_store(settings)
    backup = f", {report.from_backup} from {report.backup.name}" if report.backup else ""
    typer.echo(f"salvaged {report.papers} papers ({report.rows.get('papers', 0)} readable{backup}, "
                    f"{report.from_index} rebuilt from the search index); the damaged store is kept at "
                    f"{report.kept_at}")
    if report.source_files:
        files = " ".join(f"'{p}'" if " " in p else p for p in report.source_files)
        typer.echo(f"hint: restore titles and metadata by ingesting the sources again: `papers ingest {files}`",
                   err=True)
