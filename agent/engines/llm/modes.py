"""Structured-output negotiation: how to make a server answer in JSON of a given schema.

Servers differ: OpenAI and llama.cpp's `llama-server` honour `response_format: json_schema`;
llama-cpp-python's server rejects it (HTTP 500 "Input should be 'text' or 'json_object'") but
takes `json_object` with a schema; some gateways only do tool calling. The transport tries the
modes in order, and when a server rejects one (4xx/5xx whose message names response_format,
json_schema, tools or tool_choice) it moves to the next without spending a retry. The mode that
worked is remembered per base URL in the store (meta `llm_output_mode:<base url>`) and shown by
`papers config`.
"""

from __future__ import annotations

import json
import re
from typing import Any

MODES = ("json_schema", "tools", "json_object")
META_PREFIX = "llm_output_mode:"
_NAMES_FORMAT = re.compile(r"response_format|json_schema|json_object|tool_choice|\btools?\b|function", re.I)


class FormatRejected(Exception):
    """The server rejected this way of asking for structured output (not the request itself)."""


def rejects_format(exc: BaseException) -> bool:
    import openai

    return (isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 422, 500, 501)
            and bool(_NAMES_FORMAT.search(str(getattr(exc, "message", "") or exc))))


def request_options(mode: str, response_format: dict[str, Any]) -> dict[str, Any]:
    """The request body fields that ask for `response_format`'s schema in `mode`."""
    if response_format is None:
        return {}
    spec = response_format["json_schema"]
    if mode == "json_schema":
        return {"response_format": response_format}
    if mode == "tools":
        tool = {"type": "function", "function": {"name": spec["name"], "parameters": spec["schema"],
                                                 "description": "Record the answer."}}
        return {"tools": [tool], "tool_choice": {"type": "function", "function": {"name": spec["name"]}}}
    return {"response_format": {"type": "json_object", "schema": spec["schema"]}}


def messages_for(mode: str, messages: list[dict[str, str]], response_format: dict[str, Any]) -> list[dict[str, str]]:
    """json_object mode cannot enforce the schema: state it in the system message."""
    if mode != "json_object" or response_format is None:
        return messages
    schema = json.dumps(response_format["json_schema"]["schema"], separators=(",", ":"))
    first, rest = messages[0], messages[1:]
    note = f"\n\nAnswer with ONE JSON object (no prose, no code fence) valid against this JSON schema:\n{schema}"
    return [{**first, "content": first["content"] + note}, *rest]


def content_of(mode: str, message) -> str:
    """The answer's JSON text: the message content, or the first tool call's arguments."""
    calls = getattr(message, "tool_calls", None) or []
    if mode == "tools" and calls:
        return calls[0].function.arguments or ""
    content = message.content
    return content if isinstance(content, str) else json.dumps(content) if content is not None else ""


def key(base_url: str | None) -> str:
    return META_PREFIX + (base_url or "https://api.openai.com/v1")


def remembered(store, base_url: str | None) -> str | None:
    if store is None:
        return None
    mode = store.get_meta(key(base_url))
    return mode if mode in MODES else None


def remember(store, base_url: str | None, mode: str) -> None:
    if store is not None:
        store.set_meta(key(base_url), mode)


def known_modes(settings) -> dict[str, str]:
    """Base URL -> the mode negotiated there (for `papers config`); reads the store, calls nothing."""
    if not settings.db_path.exists():
        return {}
    from store.llmcache import LLMStore

    return LLMStore.open(settings.db_path).meta_with_prefix(META_PREFIX)
