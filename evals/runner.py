"""Run the selected suites and check the gate: what `papers eval` calls.

Each suite is guarded: a component that does not exist yet makes its suite "not available: <why>"
(reported, not scored, not a gate failure unless --strict); any other crash makes the suite an
"error" and fails the gate. Retrieval and QA share one temporary seed store.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from core.errors import PapersError, UsageError
from evals.results import ERROR, NOT_AVAILABLE, EvalRun, SuiteResult, SuiteUnavailable

SUITES = ("claims", "tldr", "retrieval", "qa")


@dataclass
class EvalOptions:
    suites: tuple[str, ...] = SUITES
    engine: str | None = None
    model: str | None = None
    fixtures: Path | None = None
    predictions: Path | None = None
    limit: int | None = None
    tldr_data: Path | None = None
    thresholds: Path | None = None
    worst: int = 5
    strict: bool = False
    modes: tuple[str, ...] = ("dense", "bm25", "hybrid")


def parse_suites(spec: str) -> tuple[str, ...]:
    """`all`, one suite, or a comma-separated list, in canonical order."""
    names = {s.strip().lower() for s in spec.split(",") if s.strip()}
    if "all" in names:
        return SUITES
    unknown = names - set(SUITES)
    if unknown or not names:
        raise UsageError(f"unknown suite {', '.join(sorted(unknown)) or spec!r}",
                         hint=f"choose from: {', '.join(SUITES)}, all")
    return tuple(s for s in SUITES if s in names)


def _default_engine() -> str:
    from core.settings import get_settings

    return get_settings().engine


def _no_progress(total: int | None, description: str):
    return nullcontext(lambda n=1: None)


class _Runner:
    def __init__(self, opts: EvalOptions, settings=None, progress: Callable | None = None):
        self.opts, self.settings, self.progress = opts, settings, progress or _no_progress
        self._engine: Any = None
        self._engine_error: str | None = None

    def engine(self):
        """The engine under test, built once; not available when its code does not exist yet."""
        if self._engine is None and self._engine_error is None:
            from agent.engines.registry import get_engine
            from evals.claims_suite import missing_reason

            try:
                self._engine = get_engine(self.opts.engine, self.settings, model=self.opts.model)
            except ModuleNotFoundError as exc:
                name = self.opts.engine or getattr(self.settings, "engine", None) or _default_engine()
                self._engine_error = f"engine {name!r}: {missing_reason(exc)}"
        if self._engine_error:
            raise SuiteUnavailable(self._engine_error)
        return self._engine

    def guarded(self, name: str, fn: Callable[[], SuiteResult]) -> SuiteResult:
        from evals.claims_suite import missing_reason

        try:
            return fn()
        except SuiteUnavailable as exc:
            return SuiteResult(name, status=NOT_AVAILABLE, reason=str(exc))
        except ModuleNotFoundError as exc:
            return SuiteResult(name, status=NOT_AVAILABLE, reason=missing_reason(exc))
        except PapersError:
            raise
        except Exception as exc:  # a crashed suite fails the gate, with the reason in the report
            if os.environ.get("PAPERS_DEBUG"):
                raise
            return SuiteResult(name, status=ERROR, reason=f"{type(exc).__name__}: {exc}")

    def claims(self) -> SuiteResult:
        from evals.claims_suite import run_claims, scored_fixtures

        if self.opts.predictions is not None:
            return run_claims(self.opts.fixtures, predictions=self.opts.predictions, worst=self.opts.worst)
        n = len(scored_fixtures(self.opts.fixtures)[0])
        with self.progress(n, "claims") as tick:
            return run_claims(self.opts.fixtures, engine=self.engine(), worst=self.opts.worst, tick=tick)

    def tldr(self) -> SuiteResult:
        from evals.loaders import scitldr_path
        from evals.tldr_suite import run_tldr

        path = scitldr_path(self.opts.tldr_data)
        if not path.is_file() and len(self.opts.suites) > 1 and self.opts.tldr_data is None:
            raise SuiteUnavailable(f"SciTLDR data not found at {path} (pass --tldr-data FILE)")
        engine = None if self.opts.predictions is not None else self.engine()
        with self.progress(self.opts.limit, "tldr") as tick:
            return run_tldr(engine, data=self.opts.tldr_data, limit=self.opts.limit, worst=self.opts.worst,
                            tick=tick)

    def corpus_suites(self) -> list[SuiteResult]:
        from evals.corpus_env import eval_corpus
        from evals.loaders import load_qa_sets

        wanted = [s for s in ("retrieval", "qa") if s in self.opts.suites]
        question_sets = load_qa_sets(self.opts.fixtures)
        questions = question_sets["in_sample"]
        self.question_sets = question_sets
        with eval_corpus(base_settings=self.settings) as corpus:
            return [self.guarded(s, lambda s=s: self._corpus_suite(s, corpus, questions)) for s in wanted]

    def _corpus_suite(self, name: str, corpus, questions: list[dict]) -> SuiteResult:
        if name == "retrieval":
            from evals.retrieval_suite import run_retrieval

            total = len([q for q in questions if q["answers"]]) * len(self.opts.modes)
            with self.progress(total, "retrieval") as tick:
                return run_retrieval(corpus, questions, modes=self.opts.modes, worst=self.opts.worst, tick=tick)
        from evals.corpus_env import extract_all
        from evals.qa_suite import run_qa_files

        if corpus.extracted is None:
            try:
                extract_all(corpus, self.engine(), lambda n: self.progress(n, "extracting (for qa)"))
            except (SuiteUnavailable, ModuleNotFoundError) as exc:
                corpus.problems.append(f"no claims extracted, QA runs without claims tables: {exc}")
        sets = getattr(self, "question_sets", None) or {"in_sample": questions}
        with self.progress(sum(len(v) for v in sets.values()), "qa") as tick:
            return run_qa_files(corpus, sets, engine=self.opts.engine, model=self.opts.model,
                                worst=self.opts.worst, tick=tick)


def run_eval(opts: EvalOptions, settings=None, progress: Callable | None = None) -> EvalRun:
    """Run the suites of `opts`, then check every score against the thresholds file."""
    from evals.thresholds import check, load_thresholds

    thresholds = load_thresholds(opts.thresholds)
    runner = _Runner(opts, settings, progress)
    results: list[SuiteResult] = []
    for name in ("claims", "tldr"):
        if name in opts.suites:
            results.append(runner.guarded(name, getattr(runner, name)))
    if {"retrieval", "qa"} & set(opts.suites):
        results += _corpus_results(runner, opts)
    engine = "predictions" if opts.predictions else (opts.engine or getattr(settings, "engine", None) or "local")
    return EvalRun(results, check(results, thresholds), engine=engine, strict=opts.strict)


def _corpus_results(runner: _Runner, opts: EvalOptions) -> list[SuiteResult]:
    wanted = [s for s in ("retrieval", "qa") if s in opts.suites]
    try:
        return runner.corpus_suites()
    except PapersError:
        raise
    except Exception as exc:  # the shared store could not be built: every corpus suite failed
        if os.environ.get("PAPERS_DEBUG"):
            raise
        return [SuiteResult(s, status=ERROR, reason=f"building the evaluation store: {type(exc).__name__}: {exc}")
                for s in wanted]

