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
    assert first.citations and first.usage.requests == 3                # 429 and 503 retried, then answered
    assert first.usage.by_kind["answer@v1"].calls == 1 and first.usage.by_kind["answer@v1:failed"].calls == 2
    second = ask(QUESTION, settings, store=qa_store, engine="openai")     # deterministic: from the cache
    assert second.answer == first.answer and second.usage.cached_calls == 1 and second.usage.calls == 0


def test_ask_max_cost_stops_before_spending(fake_openai, qa_settings, qa_store):
    from core.errors import BudgetExceeded

    fake_openai.rejects = {"tools"}
    with pytest.raises(BudgetExceeded):
        ask(QUESTION, qa_settings, store=qa_store, engine="openai", max_cost=1e-9)
    assert fake_openai.count == 1          # only the rejected tool-calling attempt, no answer request


def test_cli_ask_openai_prints_its_cost_line(fake_openai, qa_home, cli):
    fake_openai.rejects = {"tools"}
    fake_openai.push(cite_passages_with("KITTI"))
    res = cli("ask", QUESTION, "--engine", "openai", "--json")
    assert res.exit_code == 0, res.output
    assert re.search(r"llm: 1 requests, 0 cached, \d+\+\d+ tokens, \$\d\.\d{4} \(gpt-4o-mini\)", res.stderr)
    assert json.loads(res.stdout)["usage"]["calls"] == 1
