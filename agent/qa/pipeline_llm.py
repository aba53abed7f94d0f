"""`ask --engine openai` without native tool calling: a fixed retrieve -> answer pipeline.

Small local models (llama.cpp, Ollama) often cannot call tools: they write the call as text
(`<tools>{"name": "query_claims", ...}</tools>`, a ```json block) and nothing runs. Here the local
router and retrieval (agent.qa.local) choose the evidence, the model only writes the cited answer
(prompts/answer.md), and the same grounding and constraint checks as every engine apply
(agent.qa.answer.finalize). A tool call the model writes as text is parsed and run, and its papers
join the evidence. Every model call goes through the extraction engine's transport: the same
retries (Retry-After included), cache, ledger and --max-cost.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agent.qa.types import Answer, Source

MAX_PASSAGES = 8
PASSAGE_CHARS = 2000       # a whole abstract, nearly always
_TEXT_CALL = (re.compile(r"<(tools?|tool_call|function_call)>\s*(?P<body>\{.*?\})\s*</\1>", re.S),
              re.compile(r"```(?:json|JSON)?\s*(?P<body>\{.*?\})\s*```", re.S),
              re.compile(r"^\s*(?P<body>\{.*\})\s*$", re.S))


def text_tool_call(text: str, names: set[str]) -> tuple[str, dict[str, Any]] | None:
    """A tool call written as text instead of a native tool call, if the text holds one."""
    for pattern in _TEXT_CALL:
        for m in pattern.finditer(text or ""):
            try:
                obj = json.loads(m.group("body"))
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and obj.get("name") in names:
                args = obj.get("arguments", obj.get("parameters", obj.get("args", {})))
                if isinstance(args, str):
                    try:
                        args = json.loads(args)
                    except json.JSONDecodeError:
                        args = {}
                return obj["name"], args if isinstance(args, dict) else {}
    return None


def passages_text(sources: list[Source]) -> str:
    return "\n\n".join(f"[{i}] {s.title or s.id}. {s.abstract[:PASSAGE_CHARS]}" for i, s in enumerate(sources, 1))


def evidence(question: str, ctx, conversation=None, extra: list[Source] = ()) -> tuple[list[Source], str]:
    """Papers for the model to answer from: what the local engine cites, then what it retrieved."""
    from agent.qa.local import answer_local

    local = answer_local(question, ctx, last_sources=conversation.last_papers(question) if conversation else None)
    picked: dict[str, Source] = {}
    for src in [*extra, *local.citations, *local.sources]:
        picked.setdefault(src.id, src)
    return list(picked.values())[:MAX_PASSAGES], local.route


def answer_pipeline(question: str, ctx, engine, *, conversation=None, extra: list[Source] = (),
                    tools: dict[str, Any] | None = None, reg=None) -> Answer:
    """Local evidence -> the model's cited answer -> grounding check. `engine` is an LLMEngine."""
    from agent.prompts import load
    from agent.qa.answer import finalize

    sources, local_route = evidence(question, ctx, conversation, list(extra))
    if not sources:
        return Answer(question=question, answer="The corpus does not cover this question: no paper in the store "
                      "supports an answer.", insufficient=True, route="pipeline", engine="openai")
    prompt = load("answer")
    messages = prompt.render({"question": question, "passages": passages_text(sources)})
    completion = engine._runner.run(engine.transport.complete(prompt, messages, None, kind=prompt.id))
    text = completion.content
    if completion.finish_reason == "stop":     # temperature 0: the same evidence gets the same answer
        engine.transport.remember(completion)
    call = text_tool_call(text, set(tools or {}))
    if call is not None and not extra:       # the model asked for a tool in text: run it, answer again
        found = run_tool(tools, reg, *call)
        ctx.calls.append({"tool": call[0], "args": call[1], "via": "text"})
        return answer_pipeline(question, ctx, engine, conversation=conversation, extra=found or sources[:1],
                               tools=tools, reg=reg)
    answer = finalize(question, text, sources, sources, route="pipeline", engine="openai")
    answer.notes.insert(0, f"evidence chosen by the local router ({local_route}); model answer: {text!r}")
    return answer


def run_tool(tools: dict[str, Any], reg, name: str, args: dict[str, Any]) -> list[Source]:
    """Run one of agent_llm's tools; the papers it returned (looked up in the tools' registry)."""
    tool = tools[name]
    try:
        raw = json.loads(tool.invoke(args))
    except Exception:  # noqa: BLE001 - a malformed text call is ignored, not fatal
        return []
    rows = raw.get("papers", []) if isinstance(raw, dict) else raw if isinstance(raw, list) else [raw]
    ids = [r.get("id") for r in rows if isinstance(r, dict)]
    return [reg.by_id[i] for i in ids if reg is not None and i in reg.by_id]
