"""LLM response cache and token/cost ledger (tables `llm_cache` and `llm_usage` of store/db.py).

The cache is content-addressed: the caller derives `key` from everything that determines an answer
(model, prompt template and version, rendered input, output schema), so a hit is always safe to
reuse and a re-run of the same batch makes no request. The ledger has one row per model call,
retries and re-asks included, plus cache hits (cost 0, `cached` = 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.db import Database


@dataclass(frozen=True)
class Usage:
    model: str
    kind: str                       # template id and role, e.g. "extraction@v1", "extraction@v1:reask"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached: bool = False


class LLMStore:
    """Cache and usage ledger over one SQLite store; safe to share between threads."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, db_path: Path) -> "LLMStore":
        return cls(Database(db_path))

    def get(self, key: str) -> str | None:
        rows = self.db.query("SELECT value FROM llm_cache WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def put(self, key: str, model: str, value: str) -> None:
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO llm_cache (key, model, value) VALUES (?, ?, ?)",
                         (key, model, value))

    def get_meta(self, key: str) -> str | None:
        rows = self.db.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def meta_with_prefix(self, prefix: str) -> dict[str, str]:
        rows = self.db.query("SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (prefix + "%",))
        return {r["key"][len(prefix):]: r["value"] for r in rows}

    def record(self, usage: Usage, run: str | None = None) -> None:
        with self.db.write() as conn:
            _insert_usage(conn, usage, run)

    def put_and_record(self, key: str, value: str, usage: Usage, run: str | None = None) -> None:
        """Cache an answer and book the call that produced it, in one transaction."""
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO llm_cache (key, model, value) VALUES (?, ?, ?)",
                         (key, usage.model, value))
            _insert_usage(conn, usage, run)

    def summary(self, run: str | None = None) -> dict[str, Any]:
        """Calls, spent tokens and cost, in total and per kind (one run, or all time); cache hits
        are counted apart and spend nothing."""
        where, params = ("WHERE run = ?", (run,)) if run else ("", ())
        rows = self.db.query(
            "SELECT kind, cached, count(*) AS calls, sum(prompt_tokens) AS prompt, "
            f"sum(completion_tokens) AS completion, sum(cost) AS cost FROM llm_usage {where} "
            "GROUP BY kind, cached ORDER BY kind, cached", params)
        total = {"calls": 0, "cached_calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
        kinds: dict[str, dict[str, Any]] = {}
        for r in rows:
            k = kinds.setdefault(r["kind"], {"calls": 0, "cached_calls": 0, "prompt_tokens": 0,
                                             "completion_tokens": 0, "cost": 0.0})
            for target in (k, total):
                if r["cached"]:                 # answered from the cache: no tokens were spent
                    target["cached_calls"] += r["calls"]
                    continue
                target["calls"] += r["calls"]
                target["prompt_tokens"] += r["prompt"] or 0
                target["completion_tokens"] += r["completion"] or 0
                target["cost"] += r["cost"] or 0.0
        return {**total, "by_kind": kinds}

    def cached_keys(self, keys: list[str]) -> set[str]:
        """Which of `keys` are in the cache (dry-run estimates count them as free)."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = self.db.query(f"SELECT key FROM llm_cache WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update(r["key"] for r in rows)
        return found


def _insert_usage(conn, usage: Usage, run: str | None) -> None:
    conn.execute("INSERT INTO llm_usage (run, model, kind, prompt_tokens, completion_tokens, cost, cached) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (run, usage.model, usage.kind, usage.prompt_tokens, usage.completion_tokens, usage.cost,
                  int(usage.cached)))
