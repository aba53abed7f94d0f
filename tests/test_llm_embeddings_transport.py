"""OpenAI embeddings share the transport rules (issue 17, item 6): the same retry policy with
Retry-After, the ledger, a cache for this deterministic call. Real openai client, fake server."""

from __future__ import annotations

import time

from fakeopenai import error_reply


def test_embeddings_retry_book_and_cache(fake_openai, settings):
    from store.llmcache import LLMStore
    from store.openai_embeddings import openai_embedding_function

    settings.ensure_home()
    fake_openai.push(error_reply(429, headers={"Retry-After": "0.3"}), error_reply(503), endpoint="embeddings")
    ef = openai_embedding_function("text-embedding-3-small", max_retries=3, backoff_base=0.01, backoff_max=0.02,
                                   db_path=settings.db_path)
    started = time.monotonic()
    first = ef(["alpha", "beta"])
    assert time.monotonic() - started >= 0.3                       # waited as the server asked
    calls = [r for r in fake_openai.requests if r.path.endswith("/embeddings")]
    assert len(calls) == 3 and len(first) == 2
    ledger = LLMStore.open(settings.db_path).summary()["by_kind"]["embeddings"]
    assert ledger["calls"] == 1 and ledger["prompt_tokens"] == 2
    again = ef(["beta", "alpha", "gamma"])                          # only "gamma" is new
    calls = [r for r in fake_openai.requests if r.path.endswith("/embeddings")]
    assert len(calls) == 4 and calls[-1].body["input"] == ["gamma"]
    assert abs(float(again[1] @ first[0]) - 1.0) < 1e-5


def test_embeddings_are_priced_and_checked_against_the_budget_before_each_request(fake_openai, settings):
    """Embedding tokens are priced (core/data/prices.yaml) and booked with their cost; inside an LLM
    command's budget (`spending`, as `papers ask --engine openai --max-cost` opens it) a request that
    could exceed it is never sent, and the ones sent spend from it under that command's run."""
    import pytest

    from core.errors import BudgetExceeded
    from core.llm_costs import Budget, price_for, spending
    from store.llmcache import LLMStore
    from store.openai_embeddings import openai_embedding_function

    settings.ensure_home()
    ef = openai_embedding_function("text-embedding-3-small", db_path=settings.db_path)
    with spending(Budget(1e-9, price_for("gpt-4o-mini")), run="tight"), pytest.raises(BudgetExceeded):
        ef(["a long passage about kv cache eviction " * 50])
    assert not [r for r in fake_openai.requests if r.path.endswith("/embeddings")]
    budget = Budget(1.0, price_for("gpt-4o-mini"))
    with spending(budget, run="ask-run"):
        ef(["alpha", "beta"])
    expected = 2 * 0.02 / 1e6                                       # 2 tokens at $0.02 per 1M
    assert budget.spent == pytest.approx(expected)
    booked = LLMStore.open(settings.db_path).summary("ask-run")["by_kind"]["embeddings"]
    assert booked["calls"] == 1 and booked["cost"] == pytest.approx(expected)
