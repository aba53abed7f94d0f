"""`ask --engine openai` for servers without native tool calling (issue 17, items 6 and 10): the fixed
retrieve -> answer pipeline, text-embedded tool calls, one transport (retries, cache, ledger, budget,
cost line). Real LangChain/openai clients against tests/fakeopenai.py."""

from __future__ import annotations

import json
import re

import pytest
from fakeopenai import error_reply, text_reply
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask

QUESTION = "Which papers report experiments on KITTI?"


def cite_passages_with(word: str):
    """A model answering from the passages it was given: one cited sentence per passage naming `word`."""
    def reply(request):
        passages = request.fenced("passages") or ""
        picked = [(n, title) for n, title, body in re.findall(r"^\[(\d+)\] (.*?)\. (.*)$", passages, re.M)
                  if word in body]
        return text_reply(" ".join(f"{title} reports {word} experiments [{n}]." for n, title in picked))
    return reply


def test_text_embedded_tool_call_is_parsed_and_the_pipeline_answers(fake_openai, qa_settings, qa_store):
    fake_openai.push(text_reply('<tools>{"name": "query_claims", "arguments": {"dataset": "KITTI"}}</tools>'),
                     cite_passages_with("KITTI"))
    ans = ask(QUESTION, qa_settings, store=qa_store, engine="openai")
    assert not ans.insufficient and ans.route == "pipeline"
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}
    assert {"tool": "query_claims", "args": {"dataset": "KITTI"}, "via": "text"} in ans.tools
    fake_openai.reset()                    # the server is now known not to call tools: no tools offered
    fake_openai.push(cite_passages_with("KITTI"))
    again = ask("Which papers evaluate on KITTI?", qa_settings, store=qa_store, engine="openai")
    assert "tools" not in fake_openai.chat_requests[0].body and again.citations


def test_json_block_tool_call_is_parsed_too(fake_openai, qa_settings, qa_store):
    fake_openai.push(text_reply('```json\n{"name": "query_claims", "parameters": {"dataset": "KITTI"}}\n```'),
                     cite_passages_with("KITTI"))
    ans = ask(QUESTION, qa_settings, store=qa_store, engine="openai")
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}


def test_server_rejecting_tools_gets_the_pipeline(fake_openai, qa_settings, qa_store):
    fake_openai.rejects = {"tools"}
    fake_openai.push(cite_passages_with("KITTI"))
    ans = ask(QUESTION, qa_settings, store=qa_store, engine="openai")
    assert ans.route == "pipeline" and len(ans.citations) >= 3
    answer_request = fake_openai.chat_requests[-1]
    assert "tools" not in answer_request.body and answer_request.fenced("question") == QUESTION


def test_pipeline_grounding_removes_invented_numbers(fake_openai, qa_settings, qa_store):
    fake_openai.rejects = {"tools"}
    fake_openai.push(lambda req: text_reply("It is 99x faster than everything [1]. Some paper uses KITTI [1]."))
    ans = ask(QUESTION, qa_settings, store=qa_store, engine="openai")
    assert "99x" not in ans.answer and any("99x" in n for n in ans.notes)


def test_pipeline_uses_the_transport_retries_cache_and_ledger(fake_openai, qa_home, qa_store):
    from core.settings import Settings

    settings = Settings(home=qa_home, backoff_base=0.01, backoff_max=0.05)
    fake_openai.rejects = {"tools"}
    fake_openai.push(error_reply(429, headers={"Retry-After": "0"}), error_reply(503), cite_passages_with("KITTI"))
    first = ask(QUESTION, settings, store=qa_store, engine="openai")
    # the rejected tool-calling attempt, then 429 and 503 retried, then answered: every request is counted
    assert first.citations and first.usage.requests == 4 and first.usage.by_kind["agent:failed"].calls == 1
    assert first.usage.by_kind["answer@v1"].calls == 1 and first.usage.by_kind["answer@v1:failed"].calls == 2
    second = ask(QUESTION, settings, store=qa_store, engine="openai")     # deterministic: from the cache
    assert second.answer == first.answer and second.usage.cached_calls == 1 and second.usage.calls == 0


def test_ask_max_cost_stops_before_spending(fake_openai, qa_settings, qa_store):
    from core.errors import BudgetExceeded

    with pytest.raises(BudgetExceeded):
        ask(QUESTION, qa_settings, store=qa_store, engine="openai", max_cost=1e-9)
    assert fake_openai.count == 0          # not even the native tool-calling attempt is sent
    fake_openai.rejects = {"tools"}
    with pytest.raises(BudgetExceeded):
        ask(QUESTION, qa_settings, store=qa_store, engine="openai", max_cost=1e-9)
    assert fake_openai.count == 0


def test_native_agent_is_on_the_shared_transport(fake_openai, qa_home, qa_store):
    """The LangChain agent's calls: the shared retry policy (the SDK itself never retries), each call
    and each failed attempt in the ledger, priced."""
    from core.settings import Settings

    from fakeopenai import tool_calls_reply

    settings = Settings(home=qa_home, backoff_base=0.01, backoff_max=0.05, max_retries=3)
    fake_openai.push(error_reply(429, headers={"Retry-After": "0.2"}), error_reply(503),
                     tool_calls_reply([("query_claims", {"dataset": "KITTI"})], usage=(2000, 30)),
                     text_reply("No paper here [p0].", usage=(2500, 10)))
    ans = ask(QUESTION, settings, store=qa_store, engine="openai")
    assert ans.usage.requests == 4 and ans.usage.by_kind["agent"].calls == 2
    assert ans.usage.by_kind["agent:failed"].calls == 2
    assert ans.usage.prompt_tokens == 4500 and ans.usage.cost == pytest.approx((4500 * 0.15 + 40 * 0.6) / 1e6)
    headers = [r.headers for r in fake_openai.chat_requests]
    assert all(h.get("x-stainless-retry-count", "0") == "0" for h in headers)   # no SDK-level retries


def test_native_agent_budget_is_checked_before_each_call(fake_openai, qa_settings, qa_store):
    from core.errors import BudgetExceeded

    from fakeopenai import tool_calls_reply

    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})], usage=(3000, 100)),
                     text_reply("KITTI [p0]."))
    with pytest.raises(BudgetExceeded):    # the first call fits, the second would not: never sent
        ask(QUESTION, qa_settings, store=qa_store, engine="openai", max_cost=0.0012)
    assert fake_openai.count == 1


def test_cli_ask_openai_prints_its_cost_line(fake_openai, qa_home, cli):
    fake_openai.rejects = {"tools"}
    fake_openai.push(cite_passages_with("KITTI"))
    res = cli("ask", QUESTION, "--engine", "openai", "--json")
    assert res.exit_code == 0, res.output
    # 2 requests: the tool-calling attempt the server rejected, then the pipeline's answer
    assert re.search(r"llm: 2 requests, 0 cached, \d+\+\d+ tokens, \$\d\.\d{4} \(gpt-4o-mini\)", res.stderr)
    assert json.loads(res.stdout)["usage"]["calls"] == 2


def test_cli_ask_native_agent_prints_its_cost_line(fake_openai, qa_home, cli):
    from fakeopenai import tool_calls_reply

    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})], usage=(2000, 30)),
                     text_reply("KITTI [p0].", usage=(2500, 10)))
    res = cli("ask", QUESTION, "--engine", "openai", "--json")
    assert res.exit_code == 0, res.output
    assert "llm: 2 requests, 0 cached, 4500+40 tokens, $0.0007 (gpt-4o-mini)" in res.stderr
