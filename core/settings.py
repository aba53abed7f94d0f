"""The one settings object.

Sources, highest priority first: explicit keyword arguments, `PAPERS_*` environment variables,
`papers.toml` (path in PAPERS_CONFIG, else ./papers.toml, else $PAPERS_HOME/papers.toml), defaults.
Secrets (OPENAI_API_KEY) are not fields: they are read lazily by the engine that needs them, so they
can never end up in a dump of the settings.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# The registry (agent/engines/registry.py) builds these; the names live here so settings can check them.
EngineName = Literal["local", "openai", "hybrid"]


def _default_home() -> Path:
    return Path(os.environ.get("PAPERS_HOME") or Path.home() / ".papers").expanduser()


def _default_cache_dir() -> Path:
    # Derived files (the ONNX export of the bundled model, embeddings of fixed texts) depend only on
    # the installed packages, so every home on the machine shares them.
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "papers"


def config_file() -> Path | None:
    """The papers.toml the settings are read from (None: environment and defaults only)."""
    return _config_file()


def _config_file() -> Path | None:
    explicit = os.environ.get("PAPERS_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    for candidate in (Path.cwd() / "papers.toml", _default_home() / "papers.toml"):
        if candidate.is_file():
            return candidate
    return None


class Settings(BaseSettings):
    # env_ignore_empty: `PAPERS_DEBUG=` (set but empty, as shells and CI templates leave variables)
    # means "unset", not "an invalid boolean"
    model_config = SettingsConfigDict(env_prefix="PAPERS_", extra="ignore", env_ignore_empty=True)

    home: Path = Field(default_factory=_default_home, description="where all state lives")
    seeds_dir: Path = Field(default=REPO_ROOT / "seeds", description="default corpus for ingest")
    engine: EngineName = Field(default="local", description="local | openai | hybrid")
    model: str = Field(default="gpt-4o-mini", description="chat model for the openai engine")
    embedding: str = Field(default="local", description="'local' (bundled MiniLM, float), 'minilm-int8' (the same "
                           "model int8-quantized, faster to embed; switching needs `papers reindex`) or 'openai:<model>'")
    cache_dir: Path = Field(default_factory=_default_cache_dir,
                            description="derived, re-creatable files shared by all homes (ONNX model, fixed embeddings)")
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server")
    concurrency: int = Field(default=8, ge=1, le=256)
    request_timeout: float = Field(default=60.0, gt=0)
    # Local CPU models read prompts slowly (a 1.5B model on 2 cores: ~20 tokens/s). When set, each
    # request's timeout grows by prompt_tokens / prompt_tokens_per_second on top of request_timeout.
    prompt_tokens_per_second: float | None = Field(default=None, gt=0)
    max_retries: int = Field(default=5, ge=0, le=20)
    backoff_base: float = Field(default=0.5, gt=0, description="first retry wait (s) of LLM calls; grows x2 with jitter")
    backoff_max: float = Field(default=30.0, gt=0, description="longest retry wait (s) of LLM calls (Retry-After may ask more)")
    max_file_mb: float = Field(default=20.0, gt=0, description="larger input files are rejected")
    debug: bool = False

    @field_validator("engine", mode="before")
    @classmethod
    def _engine_lowercase(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            from pydantic_settings import TomlConfigSettingsSource

            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def db_path(self) -> Path:
        return self.home / "papers.db"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    def public_dict(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.model_dump().items()}


@lru_cache(maxsize=1)
def _cached() -> Settings:
    return _build()


def _build(**overrides: Any) -> Settings:
    import tomllib

    from pydantic import ValidationError

    from core.errors import ConfigError, UsageError

    path = _config_file()
    if path is not None and not path.is_file():
        raise ConfigError(f"PAPERS_CONFIG names {path}, which is not a file",
                          hint="fix the path, or unset PAPERS_CONFIG to use ./papers.toml or "
                               "$PAPERS_HOME/papers.toml")
    try:
        settings = Settings(**overrides)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read {path}: {exc}",
                          hint='fix its TOML syntax (text values are quoted: engine = "local")') from None
    except ValidationError as exc:
        errors = exc.errors()
        unknown = [e for e in errors if tuple(e.get("loc", ())) == ("engine",)]
        if unknown:
            raise UsageError(f"unknown engine {unknown[0].get('input')!r}{_origin('engine', path)}",
                             hint=f"choose one of: {', '.join(EngineName.__args__)}") from None
        err = errors[0]
        key = str(err["loc"][0]) if err.get("loc") else ""
        if key and _from_file(key, path):   # name the file and key the user wrote, not an env var they never set
            raise ConfigError(f"invalid {key} = {err.get('input')!r} in {path}: {err['msg']}",
                              hint=f"fix or remove {key!r} in {path}") from None
        name = "PAPERS_" + key.upper() if key else "a setting"
        raise ConfigError(f"invalid {name}={err.get('input')!r}: {err['msg']}",
                          hint=f"fix or unset {name} (environment or papers.toml)") from None
    if path is not None:
        _check_keys(path)
    return settings


def _from_file(key: str, path: Path | None) -> bool:
    """Whether a setting's value came from papers.toml: the environment wins when it is set (non-empty)."""
    import tomllib

    if path is None or os.environ.get("PAPERS_" + key.upper(), "").strip():
        return False
    try:
        with path.open("rb") as fh:
            return key in tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False


def _origin(key: str, path: Path | None) -> str:
    return f" (from {path})" if _from_file(key, path) else ""


def _check_keys(path: Path) -> None:
    """A key papers.toml spells wrong ("engin", "PAPERS_ENGINE") would be ignored silently, and the
    setting the user meant would keep its default: name it instead."""
    import difflib
    import tomllib

    from core.errors import ConfigError

    with path.open("rb") as fh:
        keys = list(tomllib.load(fh))
    known = list(Settings.model_fields)
    for key in keys:
        if key not in known:
            if key.lower().startswith("openai"):
                raise ConfigError(f"{path}: {key!r} is not read from papers.toml",
                                  hint=f"set {key.upper()} in the environment (secrets stay out of files)")
            close = difflib.get_close_matches(key.lower().removeprefix("papers_"), known, n=1)
            raise ConfigError(f"{path}: unknown setting {key!r}",
                              hint=(f"did you mean {close[0]!r}? " if close else "") + "settings: " + ", ".join(known))


def get_settings(**overrides: Any) -> Settings:
    """Settings from the environment; overrides build a fresh object (tests, CLI flags)."""
    return _build(**overrides) if overrides else _cached()


def debug_enabled() -> bool:
    """PAPERS_DEBUG=1/true/yes/on shows tracebacks; empty, 0 or false does not."""
    return os.environ.get("PAPERS_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def reset_settings_cache() -> None:
    _cached.cache_clear()
