"""The openai engine of `ask`: a real LangChain agent and OpenAI client against tests/fakeopenai.py
on 127.0.0.1 (nothing mocked). Covers tool calls, streaming, citation renumbering, the grounding
check, declines, conversation history, server errors and the CLI."""

from __future__ import annotations

import json

import pytest
from fakeopenai import error_reply, text_reply, tool_calls_reply
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from core.errors import EngineError, EngineNotConfigured
from agent.qa import Conversation, ask


def _tool_result(request) -> list[dict]:
    """The papers of the last tool message the agent sent back to the model."""
    content = [m for m in request.messages if m.get("role") == "tool"][-1]["content"]
    data = json.loads(content)
    return data["papers"] if isinstance(data, dict) else data


def _cite_all(intro: str):
    def reply(request):
        papers = _tool_result(request)
        return text_reply(intro + " " + " ".join(f"{p['title']} [{p['id']}]." for p in papers), chunks=7)
    return reply


def test_agent_queries_the_claims_table_and_cites_what_it_returned(fake_openai, qa_settings, qa_store):
    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})]),
                     _cite_all("These papers report KITTI experiments:"))
    ans = ask("Which papers report experiments on KITTI?", qa_settings, store=qa_store, engine="openai")
    assert not ans.insufficient and ans.engine == "openai" and ans.route == "agent"
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}
    assert [c.n for c in ans.citations] == [1, 2, 3, 4] and "[4]" in ans.answer and "[p" not in ans.answer
    first = fake_openai.chat_requests[0]
    assert first.stream is True
    assert {t["function"]["name"] for t in first.body["tools"]} == {"search_papers", "query_claims", "get_paper",
                                                                     "compare_papers"}
    assert first.messages[0]["role"] == "system" and "research assistant of `papers`" in first.messages[0]["content"]
    assert [t["tool"] for t in ans.tools] == ["query_claims"]


def test_streamed_text_has_the_final_numbering(fake_openai, qa_settings, qa_store):
    fake_openai.push(tool_calls_reply([("search_papers", {"query": "KV cache semantic clusters"})]),
                     lambda req: text_reply(f"ClusterKV recalls tokens in semantic clusters [{_tool_result(req)[0]['id']}].",
                                            chunks=9))
    tokens: list[str] = []
    ans = ask("Which paper recalls KV cache tokens by semantic clusters?", qa_settings, store=qa_store,
              engine="openai", on_token=tokens.append)
    assert len(tokens) > 3
    assert "".join(tokens) == ans.answer == "ClusterKV recalls tokens in semantic clusters [1]."
    assert ans.citations[0].id == ref_id(qa_store, "000_8528321f52109f11.txt#15")
    assert "semantic clusters" in ans.citations[0].support


def test_grounding_check_removes_invented_numbers_and_uncited_claims(fake_openai, qa_settings, qa_store):
    spatten = ref_id(qa_store, "004_74f5bfe55f112bb8.txt#40")
    fake_openai.push(tool_calls_reply([("get_paper", {"paper_id": spatten})]),
                     text_reply(f"SpAtten reduces DRAM access by 10.0x [{spatten}]. It is 99x faster than TPUs "
                                f"[{spatten}]. Attention was invented in 2014."))
    ans = ask("By what factor does SpAtten reduce DRAM access?", qa_settings, store=qa_store, engine="openai")
    assert ans.answer == "SpAtten reduces DRAM access by 10.0x [1]."
    assert any("99x" in n for n in ans.notes) and any("without a citation" in n for n in ans.notes)


def test_decline_without_citations_is_insufficient(fake_openai, qa_settings, qa_store):
    fake_openai.push(tool_calls_reply([("search_papers", {"query": "photonic neural network compiler"})]),
                     text_reply("The library does not answer this question."))
    ans = ask("Which paper compiles for photonic hardware?", qa_settings, store=qa_store, engine="openai")
    assert ans.insufficient and not ans.citations and ans.sources


def test_model_numbering_of_its_own_is_not_a_citation(fake_openai, qa_settings, qa_store):
    fake_openai.push(text_reply("ClusterKV is the answer [1]."))
    ans = ask("Which paper recalls KV cache tokens by clusters?", qa_settings, store=qa_store, engine="openai")
    assert ans.insufficient and not ans.citations


def test_follow_up_sends_the_conversation_with_paper_ids(fake_openai, qa_settings, qa_store):
    conv = Conversation()
    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})]), _cite_all("KITTI papers:"))
    ask("Which papers use KITTI?", qa_settings, store=qa_store, engine="openai", conversation=conv)
    first_id = conv.last.citations[0].id
    fake_openai.push(text_reply(f"Of those, the first is from 2023 [{first_id}]."))
    ans = ask("which of those are from 2023?", qa_settings, store=qa_store, engine="openai", conversation=conv)
    sent = fake_openai.chat_requests[-1].messages
    assert [m["role"] for m in sent[:4]] == ["system", "user", "assistant", "user"]
    assert f"[{first_id}]" in sent[2]["content"]          # earlier answer, cited by id
    assert ans.citations and ans.citations[0].id == first_id   # citable without a new tool call


def test_server_errors_become_one_engine_error(fake_openai, qa_home, qa_store):
    from core.settings import Settings

    fake_openai.push(*[error_reply(500, "boom") for _ in range(4)])
    with pytest.raises(EngineError, match="LLM request failed"):
        ask("anything?", Settings(home=qa_home, max_retries=0), store=qa_store, engine="openai")


def test_missing_key_is_not_configured(qa_settings, qa_store):
    with pytest.raises(EngineNotConfigured):
        ask("anything?", qa_settings, store=qa_store, engine="openai")


def test_cli_ask_openai_json(fake_openai, qa_home, cli):
    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})]), _cite_all("KITTI:"))
    res = cli("ask", "Which papers use KITTI?", "--engine", "openai", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["citations"]) == 4 and data["engine"] == "openai"


def test_cli_ask_openai_streams_then_lists_citations(fake_openai, qa_home, cli):
    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})]), _cite_all("KITTI:"))
    res = cli("ask", "Which papers use KITTI?", "--engine", "openai")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("KITTI: ") and "\n[1] " in res.stdout


def test_cli_ask_openai_without_key_says_how_to_fix(qa_home, cli):
    res = cli("ask", "Which papers use KITTI?", "--engine", "openai")
    assert res.exit_code == 1 and "OPENAI_API_KEY" in res.stderr and "hint:" in res.stderr
