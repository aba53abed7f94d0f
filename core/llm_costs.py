"""Prices (core/data/prices.yaml), token estimates and the --max-cost budget of every model call.

In core/ because both layers that call models use it: agent/ (chat completions) and store/ (OpenAI
embeddings, which store/ may not import from agent/).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import BudgetExceeded, UsageError

PRICES_FILE = Path(__file__).resolve().parent / "data" / "prices.yaml"
CHARS_PER_TOKEN = 3.8          # English technical prose in cl100k/o200k tokenizers, with some LaTeX
TOKENS_PER_MESSAGE = 4


@dataclass(frozen=True)
class Price:
    model: str                  # the price-table entry that matched, or "unknown"
    input: float                # USD per 1M tokens
    output: float

    @property
    def known(self) -> bool:
        return self.model != "unknown"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1e6


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, float]]:
    import yaml

    data = yaml.safe_load(PRICES_FILE.read_text(encoding="utf-8")) or {}
    return {str(k): {"input": float(v["input"]), "output": float(v["output"])}
            for k, v in (data.get("models") or {}).items()}


def price_for(model: str) -> Price:
    """The exact entry, else the longest entry `model` starts with, else unknown (cost 0)."""
    table = _table()
    name = model if model in table else max((k for k in table if model.startswith(k)), key=len, default=None)
    if name is None:
        return Price("unknown", 0.0, 0.0)
    return Price(name, table[name]["input"], table[name]["output"])


def estimate_tokens(messages: list[dict[str, str]]) -> int:
    """Prompt tokens of chat messages, approximately (no tokenizer download needed offline)."""
    return sum(TOKENS_PER_MESSAGE + math.ceil(len(m["content"]) / CHARS_PER_TOKEN) for m in messages) + 3


class Budget:
    """A hard USD cap for one run: a request is sent only if its worst case still fits.

    Used from the engine's event loop thread only, so no lock is needed.
    """

    def __init__(self, limit: float | None, price: Price):
        if limit is not None and not price.known:
            raise UsageError(f"--max-cost needs a price for model {price.model!r}",
                             hint=f"add the model to {PRICES_FILE}")
        self.limit, self.price = limit, price
        self.spent = 0.0
        self.reserved = 0.0

    def reserve(self, prompt_tokens: int, max_completion_tokens: int) -> float:
        worst = self.price.cost(prompt_tokens, max_completion_tokens)
        if self.limit is not None and self.spent + self.reserved + worst > self.limit:
            raise BudgetExceeded(f"budget of ${self.limit:.4f} reached (spent ${self.spent:.4f})")
        self.reserved += worst
        return worst

    def check_cost(self, worst: float, what: str = "the next call") -> None:
        """Raise BudgetExceeded unless a call costing at most `worst` USD still fits."""
        if self.limit is not None and self.spent + self.reserved + worst > self.limit:
            raise BudgetExceeded(f"budget of ${self.limit:.4f} reached (spent ${self.spent:.4f}; "
                                 f"{what} could cost ${worst:.4f})")

    def check(self, prompt_tokens: int, max_completion_tokens: int) -> None:
        """Raise BudgetExceeded unless a call of this worst case still fits (for sequential callers
        that book the actual cost afterwards with `spend`)."""
        self.settle(self.reserve(prompt_tokens, max_completion_tokens), 0.0)

    def spend(self, actual: float) -> None:
        self.spent += actual

    def settle(self, reserved: float, actual: float) -> None:
        self.reserved = max(0.0, self.reserved - reserved)
        self.spent += actual


@dataclass(frozen=True)
class Scope:
    """The budget and ledger run of the command in progress, for calls made deep inside other
    layers (the OpenAI embeddings of a question's retrieval, in store/)."""

    budget: Budget
    run: str | None = None


_SCOPE: ContextVar[Scope | None] = ContextVar("papers_llm_scope", default=None)


@contextmanager
def spending(budget: Budget, run: str | None = None):
    """Within this block, every model call (embeddings included) checks and spends `budget`."""
    token = _SCOPE.set(Scope(budget, run))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current_scope() -> Scope | None:
    return _SCOPE.get()
