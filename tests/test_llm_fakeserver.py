"""The fake OpenAI server speaks the protocol the real clients expect: plain, streamed, tool calls,
embeddings, errors. (Other suites build on it; these tests pin its behaviour.)"""

from __future__ import annotations

import time

import openai

import pytest

from fakeopenai import error_reply, json_reply, text_reply, tool_calls_reply


@pytest.fixture
def client(fake_openai):
    c = openai.OpenAI(base_url=fake_openai.base_url, api_key="sk-fake", max_retries=0, timeout=5)
    yield c
    c.close()


def test_plain_completion_and_recording(fake_openai, client):
    fake_openai.push(text_reply("hello", usage=(7, 3)))
    out = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert out.choices[0].message.content == "hello" and out.usage.prompt_tokens == 7
    assert fake_openai.count == 1 and fake_openai.chat_requests[0].body["messages"][0]["content"] == "hi"


def test_streaming_sends_sse_chunks_with_usage(fake_openai, client):
    fake_openai.push(text_reply("streamed answer text", chunks=5, usage=(11, 4)))
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True,
                                            stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "streamed answer text" and len(chunks) >= 6
    assert chunks[-1].usage.completion_tokens == 4


def test_langchain_streaming_and_tool_calls(fake_openai):
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def search(query: str) -> str:
        """Search the papers."""
        return query

    llm = ChatOpenAI(model="gpt-4o-mini", api_key="sk-fake", base_url=fake_openai.base_url, max_retries=0)
    fake_openai.push(text_reply("a b c d", chunks=4))
    assert "".join(chunk.content for chunk in llm.stream("hi")) == "a b c d"
    fake_openai.push(tool_calls_reply([("search", {"query": "FPGA speedups"})]))
    message = llm.bind_tools([search]).invoke("find FPGA papers")
    assert message.tool_calls[0]["name"] == "search" and message.tool_calls[0]["args"] == {"query": "FPGA speedups"}
    assert fake_openai.chat_requests[-1].body["tools"][0]["function"]["name"] == "search"
    fake_openai.push(tool_calls_reply([("search", {"query": "x"})], chunks=3))
    merged = None
    for chunk in llm.bind_tools([search]).stream("again"):
        merged = chunk if merged is None else merged + chunk
    assert merged.tool_calls[0]["args"] == {"query": "x"}


def test_embeddings_are_deterministic_unit_vectors(fake_openai, client):
    fake_openai.embedding_dim = 16
    a = client.embeddings.create(model="text-embedding-3-small", input=["alpha", "beta"]).data
    b = client.embeddings.create(model="text-embedding-3-small", input="alpha").data
    assert len(a) == 2 and len(a[0].embedding) == 16 and a[0].embedding == b[0].embedding
    assert abs(sum(v * v for v in a[1].embedding) - 1) < 1e-9


def test_errors_headers_and_empty_queue(fake_openai, client):
    fake_openai.push(error_reply(429, "slow down", headers={"Retry-After": "3"}))
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert info.value.response.headers["retry-after"] == "3"
    with pytest.raises(openai.InternalServerError, match="no scripted reply"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])


def test_queue_accepts_callables_and_records_in_flight(fake_openai, client):
    fake_openai.push(lambda req: json_reply({"echo": req.messages[-1]["content"]}))
    out = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "ping"}])
    assert out.choices[0].message.content == '{"echo": "ping"}'
    # the server thread leaves the request just after the client has its reply: wait, bounded
    deadline = time.monotonic() + 5
    while fake_openai.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_openai.max_in_flight == 1 and fake_openai.in_flight == 0
