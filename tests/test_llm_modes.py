"""Structured-output negotiation (issue 17, item 9) against servers that reject json_schema/tools."""

from __future__ import annotations

from fakeopenai import structured

from test_llm_engine import ANT, PAPER, gold


def test_llama_cpp_python_rejecting_json_schema_falls_back_to_tools(fake_openai, llm_engine):
    fake_openai.rejects = {"json_schema"}
    fake_openai.handler = structured(gold(ANT))
    engine = llm_engine()
    out = engine.extract(PAPER)
    assert "fallback" not in out.provenance and [s.value for s in out.speedups] == [2.8, 2.5]
    bodies = [r.body for r in fake_openai.chat_requests]
    assert bodies[0]["response_format"]["type"] == "json_schema" and bodies[1]["tools"]
    assert engine.store.get_meta(f"llm_output_mode:{fake_openai.base_url}") == "tools"
    fake_openai.reset()
    llm_engine(use_cache=False).extract(PAPER)                # a new run starts with the remembered mode
    assert len(fake_openai.chat_requests) == 1 and fake_openai.chat_requests[0].body["tools"]


def test_no_json_schema_no_tools_uses_json_object_with_the_schema_in_the_prompt(fake_openai, llm_engine):
    fake_openai.rejects = {"json_schema", "tools"}
    fake_openai.handler = structured(gold(ANT))
    out = llm_engine().extract(PAPER)
    assert "fallback" not in out.provenance and out.datasets == ANT["datasets"]
    last = fake_openai.chat_requests[-1].body
    assert last["response_format"]["type"] == "json_object" and "schema" in last["response_format"]
    assert '"speedups"' in last["messages"][0]["content"]
    assert fake_openai.count == 3                             # one rejected request per mode, then the answer


def test_config_shows_the_remembered_mode(fake_openai, llm_engine, cli):
    fake_openai.rejects = {"json_schema"}
    fake_openai.handler = structured(gold(ANT))
    llm_engine().extract(PAPER)
    res = cli("config", "--json")
    assert res.exit_code == 0
    import json

    assert json.loads(res.stdout)["llm_output_modes"] == {fake_openai.base_url: "tools"}
