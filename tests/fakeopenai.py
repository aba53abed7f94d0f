"""A fake OpenAI-compatible server for tests and benchmarks: real HTTP on 127.0.0.1, scriptable.

The real `openai` / LangChain clients talk to it through OPENAI_BASE_URL; nothing is mocked.

    fake = FakeOpenAI().start()           # or the `fake_openai` fixture (tests/conftest.py), which
    fake.base_url                         #   also sets OPENAI_BASE_URL and OPENAI_API_KEY
    fake.push(json_reply({...}), error_reply(429, headers={"Retry-After": "1"}))
    fake.handler = auto_answer            # answers whenever the queue is empty: fn(Request) -> Reply
    fake.latency = 0.2                    # extra delay before every reply
    ...run the code under test...
    fake.count, fake.chat_requests[-1].body, fake.max_in_flight
    fake.stop()

Endpoints: POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models. Each endpoint has its
own FIFO queue (`push(..., endpoint="embeddings")`); a queued item is a Reply or a callable
`fn(Request) -> Reply` evaluated when the request arrives. With the queue empty, `handler` answers
(or, for embeddings, deterministic hash vectors); with neither, the server answers 500 "no scripted
reply", so a test that makes more calls than it scripted fails loudly.

Replies:
    json_reply(obj)                  assistant content = json.dumps(obj) (structured output)
    text_reply(text)                 any content: truncated JSON, prose, an injection echo...
    tool_calls_reply([(name, args)]) assistant tool calls (finish_reason "tool_calls")
    error_reply(status, message, headers={"Retry-After": "2"}, code=None)   # code -> body error.code
    drop()                           close the connection without a response
    every Reply takes delay= (seconds before answering: slow servers, client timeouts),
    usage=(prompt_tokens, completion_tokens) and finish_reason= ("length" for truncation).
Streaming is automatic: a request with "stream": true gets the same Reply as SSE chunks (content
and tool-call arguments split into `Reply.chunks` pieces, then finish_reason, then a usage chunk
if stream_options.include_usage, then [DONE]).

Recording: `requests` (every request), `chat_requests`, `count` (chat completions), `in_flight`,
`max_in_flight` (the most requests handled at the same moment), `reset()` clears all of it. From
another process: GET /_fake/stats -> {"count", "max_in_flight"}; POST /_fake/reset.

A Request has .path, .headers, .body (parsed JSON), .at (time), .client (the connection's
"host:port", to count connections), and helpers .messages, .stream,
.schema_name (response_format json_schema name) and .fenced(label) (the untrusted text papers' prompts
fence as `<<<DATA label ...`). For papers' own prompts, `auto_answer` is a handler that returns a
valid, grounded answer to any of them, and `extraction_answer(speedups=..., topics=...)` builds one
extraction reply. The `llm_engine` fixture (tests/conftest.py) builds openai/hybrid engines on the
fake server with tiny retry backoff.

Run it standalone (the throughput benchmark does, to keep it off the client's GIL):
    python -m tests.fakeopenai --latency 0.2 --auto     # prints "port <N>", serves until killed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

_FENCE = re.compile(r"<<<DATA (\w+) (\w+)\n(.*?)\nEND \2>>>", re.S)


@dataclass
class Reply:
    status: int = 200
    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    finish_reason: str | None = None
    usage: tuple[int, int] = (100, 20)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    code: str | None = None                 # error code in the body, e.g. "insufficient_quota"
    drop: bool = False
    chunks: int = 4
    body: dict[str, Any] | None = None      # a raw JSON body, sent as is


def json_reply(obj: Any, **kw: Any) -> Reply:
    return Reply(content=json.dumps(obj), **kw)


def text_reply(text: str, **kw: Any) -> Reply:
    return Reply(content=text, **kw)


def tool_calls_reply(calls: list[tuple[str, dict[str, Any]]], content: str | None = None, **kw: Any) -> Reply:
    return Reply(content=content, tool_calls=calls, **kw)


def error_reply(status: int, message: str = "fake error", headers: dict[str, str] | None = None, **kw: Any) -> Reply:
    return Reply(status=status, error=message, headers=headers or {}, **kw)


def drop(**kw: Any) -> Reply:
    return Reply(drop=True, **kw)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    client: str = ""                        # "host:port" of the connection it came on

    @property
    def messages(self) -> list[dict[str, Any]]:
        return (self.body or {}).get("messages", [])

    @property
    def stream(self) -> bool:
        return bool((self.body or {}).get("stream"))

    @property
    def schema_name(self) -> str | None:
        body = self.body or {}
        fmt = body.get("response_format") or {}
        if body.get("tools"):
            return body["tools"][0]["function"]["name"]
        return (fmt.get("json_schema") or {}).get("name")

    def fenced(self, label: str) -> str | None:
        """The last fenced `<<<DATA label ...` block of the request's user messages."""
        found = None
        for m in self.messages:
            if m.get("role") == "user" and isinstance(m.get("content"), str):
                for name, _, text in _FENCE.findall(m["content"]):
                    if name == label:
                        found = text
        return found


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: "FakeOpenAI"


class FakeOpenAI:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.queues: dict[str, deque] = {"chat": deque(), "embeddings": deque()}
        self.handler: Callable[[Request], Reply] | None = None
        self.latency = 0.0
        self.embedding_dim = 8
        # Structured-output modes this server rejects, like real local servers do: "json_schema"
        # (llama-cpp-python: HTTP 500 naming response_format) and/or "tools" (no tool calling).
        self.rejects: set[str] = set()
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    # -- control ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeOpenAI":
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fakeopenai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def push(self, *replies: Reply | Callable[[Request], Reply], endpoint: str = "chat") -> "FakeOpenAI":
        with self._lock:
            self.queues[endpoint].extend(replies)
        return self

    def reset(self) -> None:
        with self._lock:
            for q in self.queues.values():
                q.clear()
            self.requests.clear()
            self.max_in_flight = self.in_flight

    @property
    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def count(self) -> int:
        return len(self.chat_requests)

    # -- serving ------------------------------------------------------------------------------
    def _enter(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _next(self, endpoint: str, request: Request) -> Reply | None:
        with self._lock:
            item = self.queues[endpoint].popleft() if self.queues[endpoint] else None
        if item is None:
            if endpoint == "chat" and self.handler is not None:
                item = self.handler
            else:
                return None
        return item(request) if callable(item) else item


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body are separate writes: no 40 ms delayed-ACK stalls

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path == "/_fake/stats":       # for a server in another process (benchmarks)
            fake = self.server.fake
            chats = fake.chat_requests
            return self._json(200, {"count": fake.count, "max_in_flight": fake.max_in_flight,
                                    "first_at": chats[0].at if chats else None,
                                    "last_at": chats[-1].at if chats else None})
        if self.path.rstrip("/").endswith("/models"):
            return self._json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})
        self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        if self.path == "/_fake/reset":
            self.server.fake.reset()
            return self._json(200, {"ok": True})
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        request = Request("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time(),
                          client="%s:%s" % self.client_address[:2])
        self.server.fake._enter(request)
        try:
            self._serve(request)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True   # the client gave up (timeout): nothing to answer
        finally:
            self.server.fake._leave()

    def _serve(self, request: Request) -> None:
        endpoint = "embeddings" if self.path.rstrip("/").endswith("/embeddings") else "chat"
        rejected = _rejected_mode(request, self.server.fake.rejects) if endpoint == "chat" else None
        reply = rejected or self.server.fake._next(endpoint, request)
        if reply is None and endpoint == "embeddings":
            reply = Reply(body=_embeddings(request, self.server.fake.embedding_dim))
        if reply is None:
            reply = error_reply(500, "fake server: no scripted reply for this request")
        delay = reply.delay + self.server.fake.latency
        if delay:
            time.sleep(delay)
        if reply.drop:
            self.close_connection = True
            return
        if reply.status != 200:
            return self._json(reply.status, {"error": {"message": reply.error, "type": reply.code or "fake_error",
                                                       "code": reply.code or str(reply.status)}}, reply.headers)
        if reply.body is not None:
            return self._json(200, reply.body, reply.headers)
        if request.stream:
            return self._sse(request, reply)
        self._json(200, _completion(request, reply), reply.headers)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, request: Request, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in _chunks(request, reply):
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def _rejected_mode(request: Request, rejects: set[str]) -> Reply | None:
    """The error a llama-cpp-python-like server gives for a response_format or tools it lacks."""
    body = request.body or {}
    fmt = (body.get("response_format") or {}).get("type")
    if "json_schema" in rejects and fmt == "json_schema":
        return error_reply(500, "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  "
                                "Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema']")
    if "tools" in rejects and body.get("tools"):
        return error_reply(400, "this server does not support tools / tool_choice")
    return None


def structured(obj: Any, **kw: Any) -> Callable[[Request], Reply]:
    """Answer `obj` in whatever structured-output mode the request used (schema, tool call, json_object)."""
    def reply(request: Request) -> Reply:
        tools = (request.body or {}).get("tools")
        if tools:
            return tool_calls_reply([(tools[0]["function"]["name"], obj)], **kw)
        return json_reply(obj, **kw)
    return reply


def _usage(reply: Reply) -> dict[str, int]:
    p, c = reply.usage
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [{"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for i, (name, args) in enumerate(reply.tool_calls)]


def _finish(reply: Reply) -> str:
    return reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")


def _completion(request: Request, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls(reply)
    return {"id": f"chatcmpl-fake-{int(request.at * 1e6)}", "object": "chat.completion", "created": int(request.at),
            "model": (request.body or {}).get("model", "fake"), "system_fingerprint": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply), "logprobs": None}],
            "usage": _usage(reply)}


def _pieces(text: str, n: int) -> list[str]:
    size = max(1, math.ceil(len(text) / max(1, n)))
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _chunks(request: Request, reply: Reply) -> list[dict[str, Any]]:
    base = {"id": f"chatcmpl-fake-{int(request.at * 1e6)}", "object": "chat.completion.chunk",
            "created": int(request.at), "model": (request.body or {}).get("model", "fake")}
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if reply.content:
        deltas += [{"content": piece} for piece in _pieces(reply.content, reply.chunks)]
    for i, call in enumerate(_tool_calls(reply)):
        head = {"index": i, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}
        deltas.append({"tool_calls": [head]})
        deltas += [{"tool_calls": [{"index": i, "function": {"arguments": piece}}]}
                   for piece in _pieces(call["function"]["arguments"], reply.chunks)]
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": _finish(reply)}]})
    if ((request.body or {}).get("stream_options") or {}).get("include_usage"):
        chunks.append({**base, "choices": [], "usage": _usage(reply)})
    return chunks


def _embeddings(request: Request, dim: int) -> dict[str, Any]:
    inputs = (request.body or {}).get("input", [])
    inputs = [inputs] if isinstance(inputs, str) else inputs
    data = []
    for i, text in enumerate(inputs):
        digest = hashlib.sha256(str(text).encode()).digest()
        vec = [(digest[j % len(digest)] - 127.5) / 127.5 for j in range(dim)]
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        data.append({"object": "embedding", "index": i, "embedding": [v / norm for v in vec]})
    tokens = sum(len(str(t).split()) for t in inputs)
    return {"object": "list", "data": data, "model": (request.body or {}).get("model", "fake"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


# -- a valid answer to any of papers' structured prompts ---------------------------------------------
def auto_answer(request: Request) -> Reply:
    """A schema-valid, grounded answer for papers' prompts (extraction, tldr, tagging, hybrid)."""
    abstract = request.fenced("abstract") or ""
    words = [w for w in abstract.split() if not any(c.isdigit() for c in w)]
    tldr = " ".join(words[:20]) or "A paper."
    name = request.schema_name
    if name == "tldr":
        return json_reply({"tldr": tldr})
    if name == "tags":
        return json_reply({"topics": ["other"]})
    if name == "hybrid":
        cands = json.loads(request.fenced("candidates") or "[]")
        return json_reply({"tldr": tldr, "topics": ["other"], "additional_speedups": [], "speedups": [
            {"index": c["index"], "keep": False, "metric": None, "direction": None, "baseline": None,
             "qualifier": None} for c in cands]})
    return json_reply({"speedups": [], "datasets": [], "hardware": [], "topics": ["other"], "tldr": tldr})


def extraction_answer(speedups=(), datasets=(), hardware=(), topics=("other",), tldr="A paper about systems.",
                      **kw: Any) -> Reply:
    """A reply to the extraction prompt with the given fields (defaults: an empty, valid record)."""
    return json_reply({"speedups": list(speedups), "datasets": list(datasets), "hardware": list(hardware),
                       "topics": list(topics), "tldr": tldr}, **kw)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before every reply")
    parser.add_argument("--auto", action="store_true", help="answer every chat request with auto_answer")
    args = parser.parse_args(argv)
    fake = FakeOpenAI(port=args.port)
    fake.latency = args.latency
    if args.auto:
        fake.handler = auto_answer
    print(f"port {fake.port}", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

