"""LLM transport against the fake server: retries and their limits, cache, cost, concurrency, budget.

The real openai/LangChain client talks HTTP to tests/fakeopenai.py; nothing is mocked.
"""

from __future__ import annotations

import time

import pytest

from fakeopenai import auto_answer, drop, error_reply, extraction_answer, text_reply

from agent.engines.base import ExtractionFailure
from core.errors import BudgetExceeded
from core.models import PaperText

ABSTRACT = ("We present FastThing, a kernel library for sparse attention. FastThing achieves a 3.1x "
            "speedup over FlashAttention on NVIDIA A100 GPUs and reduces memory by 42% on ImageNet.")
PAPER = PaperText(id="p1", title="FastThing", abstract=ABSTRACT)


def papers(n: int) -> list[PaperText]:
    return [PaperText(id=f"p{i}", title=f"Paper {i}", abstract=f"Paper {i} studies things. {ABSTRACT}")
            for i in range(n)]


def ledger(engine) -> list[dict]:
    rows = engine.store.db.query("SELECT kind, prompt_tokens, completion_tokens, cost, cached FROM llm_usage "
                                 "ORDER BY id")
    return [dict(r) for r in rows]


def test_retries_429_500_and_connection_drops_then_succeeds(fake_openai, llm_engine):
    fake_openai.push(error_reply(429), error_reply(500), drop(), extraction_answer())
    record = llm_engine().extract(PAPER)
    assert fake_openai.count == 4
    assert record.engine == "openai" and "fallback" not in record.provenance
    assert record.provenance["llm"]["calls"] == 1


def test_retries_stop_at_max_retries(fake_openai, llm_engine):
    fake_openai.push(*[error_reply(503)] * 10)
    engine = llm_engine(max_retries=2)
    result = next(engine.extract_many([PAPER]))
    assert isinstance(result, ExtractionFailure)
    assert "after 3 attempts" in result.reason and "503" in result.reason
    assert fake_openai.count == 3
    assert [r["kind"] for r in ledger(engine)] == ["extraction@v2:failed"] * 3


def test_no_retry_on_400(fake_openai, llm_engine):
    from agent.engines.llm.transport import RequestFailed

    fake_openai.push(error_reply(400, "bad request: context too long"), extraction_answer())
    with pytest.raises(RequestFailed, match="HTTP 400"):
        llm_engine().extract(PAPER)
    assert fake_openai.count == 1


def test_401_stops_the_batch_without_retrying_or_leaking_the_key(fake_openai, llm_engine):
    from agent.engines.llm.transport import FatalEngineError

    fake_openai.push(error_reply(401, "Incorrect API key provided: sk-fake-test-key-0123456789"))
    fake_openai.handler = lambda req: error_reply(401, "nope")
    with pytest.raises(FatalEngineError) as info:
        list(llm_engine(concurrency=1).extract_many(papers(5)))
    assert "sk-fake" not in str(info.value)
    assert fake_openai.count <= 2   # the first failure stops the batch (a second may be in flight)


def test_exhausted_quota_is_not_retried(fake_openai, llm_engine):
    from agent.engines.llm.transport import FatalEngineError

    fake_openai.push(error_reply(429, "You exceeded your current quota", code="insufficient_quota"))
    with pytest.raises(FatalEngineError, match="no quota left"):
        llm_engine().extract(PAPER)
    assert fake_openai.count == 1


def test_retry_after_is_honoured(fake_openai, llm_engine):
    fake_openai.push(error_reply(429, headers={"Retry-After": "1"}), extraction_answer())
    llm_engine().extract(PAPER)
    first, second = fake_openai.chat_requests
    assert second.at - first.at >= 0.95          # backoff alone would be <= 0.05 s here


def test_retry_after_ms_is_honoured(fake_openai, llm_engine):
    fake_openai.push(error_reply(429, headers={"retry-after-ms": "400"}), extraction_answer())
    llm_engine().extract(PAPER)
    first, second = fake_openai.chat_requests
    assert 0.38 <= second.at - first.at < 3


def test_timeouts_are_retried(fake_openai, llm_engine):
    fake_openai.push(extraction_answer(delay=3), extraction_answer())
    started = time.monotonic()
    record = llm_engine(request_timeout=0.5).extract(PAPER)
    assert fake_openai.count == 2 and record.tldr
    assert time.monotonic() - started < 3


def test_cache_hit_makes_zero_requests_and_no_cache_bypasses(fake_openai, llm_engine):
    fake_openai.handler = auto_answer
    batch = papers(6)
    first = {r.id: r.to_json() for r in llm_engine().extract_many(batch)}
    assert fake_openai.count == 6
    again = {r.id: r.to_json() for r in llm_engine().extract_many(batch)}   # a new run, same store
    assert fake_openai.count == 6                                            # zero new requests
    assert all(r["provenance"]["llm"]["cached"] for r in again.values())
    assert {k: v["tldr"] for k, v in again.items()} == {k: v["tldr"] for k, v in first.items()}
    list(llm_engine(use_cache=False).extract_many(batch))
    assert fake_openai.count == 12


def test_cache_key_changes_with_model_and_input(fake_openai, llm_engine):
    fake_openai.handler = auto_answer
    llm_engine().extract(PAPER)
    llm_engine(model="gpt-4o").extract(PAPER)
    llm_engine().extract(PAPER.model_copy(update={"abstract": ABSTRACT + " Code is public."}))
    llm_engine().extract(PAPER)
    assert fake_openai.count == 3


def test_cache_is_per_endpoint(fake_openai, llm_engine, monkeypatch):
    """The same model name on another server is another model: its answers are not reused."""
    fake_openai.handler = auto_answer
    llm_engine().extract(PAPER)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url.replace("127.0.0.1", "localhost"))
    llm_engine().extract(PAPER)
    assert fake_openai.count == 2
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url + "/")   # the same endpoint spelled with a slash
    llm_engine().extract(PAPER)
    assert fake_openai.count == 2


def test_cost_accounting_includes_retries_and_reasks(fake_openai, llm_engine):
    from agent.engines.llm.costs import price_for

    bad = {"value": 9.9, "unit": "x", "metric": "speedup", "direction": "faster", "baseline": None,
           "qualifier": None, "evidence": "a 9.9x speedup over everything"}
    fake_openai.push(error_reply(500), extraction_answer(speedups=[bad], usage=(1000, 200)),
                     extraction_answer(usage=(1300, 100)))
    engine = llm_engine()
    record = engine.extract(PAPER)
    price = price_for("gpt-4o-mini")
    expected = price.cost(1000, 200) + price.cost(1300, 100)
    llm = record.provenance["llm"]
    assert llm["reasked"] and llm["calls"] == 2
    assert (llm["prompt_tokens"], llm["completion_tokens"]) == (2300, 300)
    assert llm["cost"] == pytest.approx(expected)
    rows = ledger(engine)
    assert [r["kind"] for r in rows] == ["extraction@v2:failed", "extraction@v2", "extraction@v2:reask"]
    assert sum(r["cost"] for r in rows) == pytest.approx(expected)
    usage = engine.usage()
    assert usage.requests == 3 and usage.cost == pytest.approx(expected)
    engine.extract(PAPER)                          # cache hits are recorded at cost 0
    assert ledger(engine)[-1]["cached"] == 1 and ledger(engine)[-1]["cost"] == 0


def test_concurrency_is_bounded(fake_openai, llm_engine):
    fake_openai.handler = _slow
    results = list(llm_engine(concurrency=4).extract_many(papers(40)))
    assert len(results) == 40 and not any(isinstance(r, ExtractionFailure) for r in results)
    assert 2 <= fake_openai.max_in_flight <= 4
    assert len({r.client for r in fake_openai.chat_requests}) <= 4      # a pool of <= 4 connections


def _slow(req):
    reply = auto_answer(req)
    reply.delay = 0.1
    return reply


def test_results_are_yielded_as_they_finish(fake_openai, llm_engine):
    fake_openai.handler = _delayed_by_paper
    order = [r.id for r in llm_engine(concurrency=4).extract_many(papers(4))]
    assert order[0] == "p3" and order[-1] == "p0"


def _delayed_by_paper(req):
    reply = auto_answer(req)
    paper_no = int(req.fenced("title").split()[-1])          # titles are "Paper <i>"
    reply.delay = {0: 0.6, 1: 0.4, 2: 0.2, 3: 0.0}[paper_no]
    return reply


def test_budget_stops_cleanly_and_keeps_finished_results(fake_openai, llm_engine):
    fake_openai.handler = lambda req: extraction_answer(usage=(3000, 100))
    # worst case per request ~ (3000 prompt + 2000 max output) tokens of gpt-4o-mini ~ $0.0017
    engine = llm_engine(concurrency=1, max_cost=0.006)
    got = []
    with pytest.raises(BudgetExceeded, match="budget"):
        for result in engine.extract_many(papers(20)):
            got.append(result)
    assert 1 <= len(got) < 20 and fake_openai.count == len(got)
    assert engine.usage().cost <= 0.006


def test_empty_abstract_fails_that_paper_only(fake_openai, llm_engine):
    fake_openai.handler = auto_answer
    batch = [PaperText(id="empty", abstract="  "), *papers(2)]
    results = {r.id if hasattr(r, "id") else r.paper_id: r for r in llm_engine().extract_many(batch)}
    assert isinstance(results["empty"], ExtractionFailure) and fake_openai.count == 2


def test_truncated_answer_is_reasked(fake_openai, llm_engine):
    fake_openai.push(text_reply('{"speedups": [], "datasets": ["Ima', finish_reason="length"), extraction_answer())
    record = llm_engine().extract(PAPER)
    assert fake_openai.count == 2 and "fallback" not in record.provenance
    assert "cut off" in fake_openai.chat_requests[1].messages[-1]["content"]
