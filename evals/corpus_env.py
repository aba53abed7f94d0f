"""A throw-away store with the seeds ingested and indexed, for the retrieval and QA suites.

It lives in a temporary PAPERS_HOME (Settings(home=tmpdir)), never touches the user's store or a
configured Chroma server, and is deleted afterwards, so every run starts from the same state.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from evals.loaders import EvalInputError


@dataclass
class EvalCorpus:
    settings: Any
    store: Any
    indexed: bool                 # False when store.index does not exist yet
    index_reason: str | None = None
    seconds: float = 0.0
    extracted: int | None = None  # papers with claims in the store (QA routes on them)
    extract_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def paper_id(self, ref: str) -> str | None:
        """Seed reference `file#i` -> id of the (merged) paper that occurrence belongs to."""
        file, _, pos = ref.rpartition("#")
        if not file or not pos.isdigit():
            return None
        from core.errors import NotFoundError

        try:
            return self.store.resolve(ref).id
        except NotFoundError:
            return None

    def paper_ids(self, refs: list[str]) -> list[str]:
        """Distinct paper ids of `refs`, in order; an unknown ref is recorded as a problem."""
        out: list[str] = []
        for ref in refs:
            pid = self.paper_id(ref)
            if pid is None:
                self.problems.append(f"seed reference {ref} is not in the evaluation store")
            elif pid not in out:
                out.append(pid)
        return out


def eval_settings(home: Path, seeds_dir: Path | None = None, base=None):
    """Settings for the temporary home: the user's embedding choice, but no remote Chroma server."""
    from core.settings import Settings, get_settings

    base = base or get_settings()
    return Settings(home=home, seeds_dir=Path(seeds_dir or base.seeds_dir), chroma_url=None,
                    embedding=base.embedding, engine=base.engine, model=base.model)


@contextmanager
def pointed_at(home: Path) -> Iterator[None]:
    """While inside, code that falls back to get_settings() also sees the temporary home."""
    import os

    from core.settings import reset_settings_cache

    saved = {k: os.environ.get(k) for k in ("PAPERS_HOME", "PAPERS_CHROMA_URL")}
    os.environ["PAPERS_HOME"] = str(home)
    os.environ.pop("PAPERS_CHROMA_URL", None)
    reset_settings_cache()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings_cache()


@contextmanager
def eval_corpus(seeds_dir: Path | None = None, base_settings=None) -> Iterator[EvalCorpus]:
    with tempfile.TemporaryDirectory(prefix="papers-eval-", ignore_cleanup_errors=True) as tmp:
        settings = eval_settings(Path(tmp), seeds_dir, base_settings)
        with pointed_at(Path(tmp)):
            yield _build(settings)


def _build(settings) -> EvalCorpus:
    from agent.corpus import ingest, open_store

    if not Path(settings.seeds_dir).is_dir():
        raise EvalInputError(f"seed folder not found: {settings.seeds_dir}")
    started = time.monotonic()
    try:
        report = ingest(None, settings, index=True)
        indexed, reason = getattr(report, "index", None) is not None, None
    except ModuleNotFoundError as exc:
        report, indexed, reason = None, False, f"{exc.name} does not exist yet"
        ingest(None, settings, index=False)
    if not indexed and reason is None:
        reason = "store.index does not exist yet"
    corpus = EvalCorpus(settings, open_store(settings), indexed, reason, round(time.monotonic() - started, 2))
    if report is not None and report.rejected:
        corpus.problems += [f"ingest rejected {p}: {r}" for p, r, _ in report.rejected]
    return corpus


def extract_all(corpus: EvalCorpus, engine, progress=None) -> int:
    """`papers extract --all` on the evaluation store, so QA can use the claims tables as a user would."""
    from agent.extract import extract_batch

    kw = {"progress_factory": progress} if progress else {}
    started = time.monotonic()
    report = extract_batch(engine, input_path=None, use_all=True, output=None, save=True,
                           settings=corpus.settings, **kw)
    corpus.problems += [f"extraction failed for {pid}: {why}" for pid, why in report.failures]
    corpus.extracted = report.done
    corpus.extract_seconds = round(time.monotonic() - started, 2)
    return report.done
