"""`papers eval`: score the engine, search and QA against hand-labelled fixtures; the CI gate."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from agent.cli.app import app


@app.command("eval")
def eval_command(
        suite: str = typer.Option("all", "--suite", "-s", help="claims | tldr | retrieval | qa | all (or a,b)"),
        engine: Optional[str] = typer.Option(None, "--engine", "-e", help="local (default) | openai | hybrid"),
        model: Optional[str] = typer.Option(None, "--model", help="chat model for openai/hybrid"),
        fixtures: Optional[Path] = typer.Option(None, "--fixtures", help="fixtures folder (default evals/fixtures)"),
        predictions: Optional[Path] = typer.Option(
            None, "--predictions", help="score this Extraction JSONL (keyed by fixture id) instead of an engine"),
        limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="only the first N SciTLDR papers"),
        tldr_data: Optional[Path] = typer.Option(
            None, "--tldr-data", help="SciTLDR jsonl (default ../shared/data/scitldr_dev.jsonl, or $PAPERS_SCITLDR)"),
        thresholds: Optional[Path] = typer.Option(None, "--thresholds", help="gate file (default evals/thresholds.toml)"),
        as_json: bool = typer.Option(False, "--json", help="machine-readable JSON on stdout"),
        junit: Optional[Path] = typer.Option(None, "--junit", help="write JUnit XML here (CI dashboards)"),
        markdown: Optional[Path] = typer.Option(None, "--markdown", help="write a Markdown report here"),
        compare: Optional[Path] = typer.Option(None, "--compare", help="a previous `--json` output to diff against"),
        worst: int = typer.Option(5, "--worst", min=0, help="worst cases to show per suite"),
        strict: bool = typer.Option(False, "--strict", help="a suite that is not available fails the gate")):
    """Evaluate claims, TL;DRs, retrieval and QA; exit 1 when a score is under evals/thresholds.toml."""
    from agent.cli.output import console, print_json, progress
    from core.errors import UsageError
    from evals.runner import EvalOptions, parse_suites, run_eval

    suites = parse_suites(suite)
    if predictions is not None and "claims" not in suites:
        raise UsageError("--predictions scores the claims suite", hint="add --suite claims")
    previous = _load_previous(compare)
    opts = EvalOptions(suites=suites, engine=engine, model=model, fixtures=fixtures, predictions=predictions,
                       limit=limit, tldr_data=tldr_data, thresholds=thresholds, worst=worst, strict=strict)
    run = run_eval(opts, progress=progress)
    comparison = _compare(previous, run, compare)
    _write_files(run, comparison, junit, markdown)
    if as_json:
        data = run.to_json()
        if comparison is not None:
            data["comparison"] = comparison.to_json()
        print_json(data)
    else:
        from evals.report import render_terminal

        render_terminal(run, console(), comparison)
    if not run.passed:
        raise typer.Exit(1)


def _load_previous(path: Optional[Path]):
    if path is None:
        return None
    from evals.compare import load_previous

    return load_previous(path)


def _compare(previous, run, path: Optional[Path]):
    if previous is None:
        return None
    from evals.compare import compare_runs

    return compare_runs(previous, run, str(path))


def _write_files(run, comparison, junit: Optional[Path], markdown: Optional[Path]) -> None:
    from core.errors import InputFileError

    outputs = []
    if junit is not None:
        from evals.junit import render_junit

        outputs.append((junit, render_junit(run)))
    if markdown is not None:
        from evals.report import render_markdown

        outputs.append((markdown, render_markdown(run, comparison)))
    for path, text in outputs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputFileError(f"cannot write {path}: {exc}", hint="choose a writable path") from None
