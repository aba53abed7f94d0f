"""Typed errors. Every library error carries a one-line fix hint; the CLI converts them at the edge."""

from __future__ import annotations


class PapersError(Exception):
    """Base of every error the tool reports to a user."""

    hint: str = ""
    exit_code: int = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(PapersError):
    """The command line asked for something that does not make sense."""

    exit_code = 2


class ConfigError(PapersError):
    hint = "check your PAPERS_* environment variables and papers.toml"


class InputFileError(PapersError):
    """A file given to ingest/parse/extract could not be read or parsed."""

    hint = "run `papers parse FILE --json` to see what the parser makes of it"


class OutputFileError(PapersError):
    """A file the user asked us to write (-o, --failures, a backup) cannot be created or written."""

    hint = "check that the folder exists and is writable, or choose another file"


def output_error(path, exc: OSError) -> OutputFileError:
    """`cannot write PATH: reason` for an OSError met while creating or writing a user's output file."""
    reason = exc.strerror or type(exc).__name__
    return OutputFileError(f"cannot write {path}: {reason}")


class StoreError(PapersError):
    hint = "run `papers doctor`: it checks the store and the index and names the command that repairs them"


class NotFoundError(PapersError):
    hint = "run `papers list` to see the ids in your store"


class EmptyStoreError(NotFoundError):
    """Nothing ingested in this home: a new user's first command, or PAPERS_HOME pointing elsewhere.
    Every command that needs papers says the same thing, with the home it looked in."""

    hint = "run `papers ingest PATH` first, or set PAPERS_HOME to the folder you ingested into"

    def __init__(self, home, what: str = "the store"):
        super().__init__(f"{what}: the store at {home} has no papers yet")


class EngineError(PapersError):
    hint = "run with `--engine local` to use the offline engine"


class EngineNotConfigured(EngineError):
    hint = ("set OPENAI_API_KEY (and OPENAI_BASE_URL for vLLM/Ollama/other gateways), "
            "or use `--engine local`")


class BudgetExceeded(EngineError):
    hint = "raise --max-cost, or re-run with --resume to continue where it stopped"
