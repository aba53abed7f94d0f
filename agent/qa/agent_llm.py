"""The LLM engine's answers: a LangChain tool-calling agent with the `prompts/agent.md` system prompt,
where the server calls tools natively; otherwise (the server rejects tools, or the model writes its
tool call as text, remembered per base URL) the fixed retrieve -> answer pipeline of pipeline_llm.py.
Both run on the engine's transport policy: the same retries (the agent's LangChain client through
core/llm_http.py), the --max-cost budget checked before each call, every call in the ledger;
`answer.usage` says what the answer cost. The agent's calls are not cached (a multi-step tool loop
whose steps depend on the store's current contents); the pipeline's answer call is.

The model sees four tools (search, claims-table query, get paper, compare papers) built on
agent/qa/tools.py. Every paper a tool returns is registered; the model cites papers by the id the
tools gave it (`[2105.04919]`), and the answer is renumbered `[1]`, `[2]` in order of appearance.
The answer then passes the same grounding check as the local engine: a sentence without a valid
citation, or with a number its cited abstracts do not contain, is removed; nothing left means
`insufficient`. Streaming text goes to `on_token` with citations already renumbered.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from agent.qa.tools import MAX_TOOL_ROWS, QAContext
from agent.qa.types import Answer, Source

MAX_STEPS = 12           # LangGraph recursion limit: model and tool steps of one answer
HISTORY_TURNS = 6        # earlier chat turns sent back to the model
_BRACKET = re.compile(r"\[([^\[\]\n]{1,200})\]")


class Registry:
    """Papers the tools have shown the model, numbered in order of first appearance."""

    def __init__(self) -> None:
        self.by_id: dict[str, Source] = {}
        self.order: list[str] = []

    def add(self, src: Source) -> None:
        if src.id not in self.by_id:
            self.by_id[src.id] = src
            self.order.append(src.id)

    def number(self, pid: str) -> int | None:
        return self.order.index(pid) + 1 if pid in self.by_id else None

    def numbered(self) -> list[Source]:
        return [self.by_id[i] for i in self.order]

    def renumber(self, text: str, number: Callable[[str], int | None] | None = None) -> str:
        """[id] / [id1, id2] / [id1][id2] -> [n] / [n, m]; a bracket naming no known paper stays."""
        number = number or self.number

        def sub(m: re.Match) -> str:
            parts = [p.strip() for p in re.split(r"[,;]", m.group(1))]
            if parts and all(p in self.by_id for p in parts):
                return "[" + ", ".join(str(number(p)) for p in parts) + "]"
            return m.group(0)
        return _BRACKET.sub(sub, text)


# -- tools -----------------------------------------------------------------------------------------
def _brief(src: Source, **extra: Any) -> dict[str, Any]:
    return {"id": src.id, "title": src.title, "year": src.year, "arxiv_id": src.arxiv_id, **extra}


def build_tools(ctx: QAContext, reg: Registry) -> list:
    from langchain_core.tools import tool

    from agent.qa import tools as T

    @tool
    def search_papers(query: str, k: int = 8) -> str:
        """Hybrid (keyword + semantic) search over the paper abstracts. Returns the best-matching
        papers with the passage that matched. Use for open questions and to find a named paper."""
        found = T.search_papers(ctx, query, k=max(1, min(int(k), 20)))
        for s in found:
            reg.add(s)
        return json.dumps([_brief(s, score=round(s.score, 4), passage=s.passage) for s in found], ensure_ascii=False)

    @tool
    def query_claims(dataset: str | None = None, hardware: str | None = None, hardware_class: str | None = None,
                     topic: str | None = None, year: str | None = None, metric: str | None = None,
                     min_speedup: float | None = None, sort: str = "speedup", limit: int = 30) -> str:
        """Structured query over the claims extracted from ALL papers (complete, not top-k): filter by
        dataset (e.g. KITTI), hardware name part (e.g. Xilinx), hardware_class (gpu, cpu, fpga, asic,
        tpu, mobile, edge, accelerator, datacenter), topic tag (e.g. kv-cache, moe, quantization,
        llm-serving, gnn), year (2023, >=2022, 2020-2023), metric (latency, throughput, energy,
        memory, ...), min_speedup (an x-factor). sort: speedup | year. Each paper comes with its
        best speedup claim and the verbatim evidence. Use for "which papers ..." and "top ..." questions."""
        rows = T.query_claims(ctx, dataset=dataset, hardware=hardware, hardware_class=hardware_class, topic=topic,
                              year=year, metric=metric, min_speedup=min_speedup,
                              sort=sort if sort in ("speedup", "year") else "speedup")
        shown = rows[: max(1, min(int(limit), MAX_TOOL_ROWS))]
        for m in shown:
            reg.add(m.source)
        return json.dumps({"total": len(rows), "shown": len(shown), "papers": [
            _brief(m.source, best_claim=None if m.value is None else
                   {"value": m.value, "unit": m.unit, "metric": m.metric, "evidence": m.evidence})
            for m in shown]}, ensure_ascii=False)

    @tool
    def get_paper(paper_id: str) -> str:
        """One paper by id (or arXiv id): abstract, TL;DR, speedup claims with evidence, datasets,
        hardware and topics. Fetch a paper before quoting details from it."""
        info = T.get_paper(ctx, paper_id)
        reg.add(Source(info["id"], info["title"], info["arxiv_id"], info["year"], info["abstract"], 0.0))
        return json.dumps(info, ensure_ascii=False)

    @tool
    def compare_papers(paper_ids: list[str]) -> str:
        """Side-by-side claims (speedups, datasets, hardware, topics, TL;DR) of two to five papers."""
        rows = T.compare_papers(ctx, paper_ids[:5])
        for info in rows:
            reg.add(Source(info["id"], info["title"], info["arxiv_id"], info["year"], info["abstract"], 0.0))
        return json.dumps(rows, ensure_ascii=False)

    return [search_papers, query_claims, get_paper, compare_papers]


# -- the agent -------------------------------------------------------------------------------------
def chat_model(engine):
    """A streaming ChatOpenAI for the agent on the engine's transport policy: the SDK never retries,
    its HTTP client does, by the shared RetryPolicy (core/llm_http.py); every call is checked against
    the engine's --max-cost budget before it is sent and booked in the ledger after (`ModelCalls`)."""
    from langchain_openai import ChatOpenAI

    from agent.engines.llm.config import api_key
    from agent.prompts import load
    from core.llm_http import policy_client

    config, transport = engine.config, engine.transport
    max_tokens = load("agent").max_tokens
    http = policy_client(transport.policy, timeout=config.timeout,
                         on_failed_attempt=lambda why: _book_failure(engine))
    engine.closing.append(http.close)        # ChatOpenAI never closes a client it was given
    return ChatOpenAI(model=config.model, api_key=api_key(), base_url=config.base_url, timeout=config.timeout,
                      max_retries=0, temperature=0.0, streaming=True, stream_usage=True, max_tokens=max_tokens,
                      http_client=http, callbacks=[model_calls(engine, max_tokens)])


def model_calls(engine, max_tokens: int):
    """A LangChain callback: the budget check before each model call, the ledger row after it."""
    from langchain_core.callbacks import BaseCallbackHandler

    from agent.engines.llm.costs import CHARS_PER_TOKEN, estimate_tokens

    transport = engine.transport

    class ModelCalls(BaseCallbackHandler):
        raise_error = True            # BudgetExceeded must stop the agent, not be logged

        def on_chat_model_start(self, serialized, messages, **kw) -> None:
            sent = [{"content": m.content if isinstance(m.content, str) else json.dumps(m.content)}
                    for m in messages[0]]
            tools = json.dumps((kw.get("invocation_params") or {}).get("tools") or [])
            transport.budget.check(estimate_tokens(sent) + int(len(tools) / CHARS_PER_TOKEN), max_tokens)

        def on_llm_end(self, response, **kw) -> None:
            _book_call(engine, _usage_of(response))

    return ModelCalls()


def _usage_of(response) -> tuple[int, int]:
    for generations in response.generations:
        for g in generations:
            meta = getattr(getattr(g, "message", None), "usage_metadata", None)
            if meta:
                return int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0))
    usage = (response.llm_output or {}).get("token_usage") or {}
    return int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))


def _book_call(engine, tokens: tuple[int, int]) -> None:
    """One agent model call in the engine's ledger (kind `agent`), priced and spent like extraction."""
    from store.llmcache import Usage

    transport = engine.transport
    p, c = tokens
    cost = transport.price.cost(p, c)
    transport.budget.spend(cost)
    transport.requests += 1
    engine.store.record(Usage(model=engine.config.model, kind="agent", prompt_tokens=p, completion_tokens=c,
                              cost=cost), run=transport.run_id)


def _book_failure(engine) -> None:
    from store.llmcache import Usage

    engine.transport.requests += 1
    engine.store.record(Usage(model=engine.config.model, kind="agent:failed"), run=engine.transport.run_id)


TOOLS_META = "llm_native_tools:"


def native_tools(engine) -> bool:
    """False once this base URL has shown it cannot call tools natively (remembered in the store)."""
    return engine.store.get_meta(TOOLS_META + (engine.config.base_url or "openai")) != "no"


def _no_native_tools(engine) -> None:
    engine.store.set_meta(TOOLS_META + (engine.config.base_url or "openai"), "no")


def _messages(question: str, tools: list, conversation, reg: Registry) -> tuple[str, list]:
    from langchain_core.messages import AIMessage, HumanMessage

    from agent.prompts import load

    rendered = load("agent").render({"tools": "\n".join(f"- {t.name}: {t.description.split('.')[0]}."
                                                        for t in tools), "question": question})
    history = []
    for q, ans in (conversation.turns[-HISTORY_TURNS:] if conversation else []):
        history += [HumanMessage(q), AIMessage(_with_ids(ans))]
        for c in ans.citations:
            reg.add(c)
    return rendered[0]["content"], history + [HumanMessage(rendered[-1]["content"])]


def _with_ids(ans: Answer) -> str:
    """An earlier answer with its [n] citations written back as paper ids, as the model cites."""
    ids = {c.n: c.id for c in ans.citations}
    return re.sub(r"\[(\d+)\]", lambda m: f"[{ids.get(int(m.group(1)), m.group(1))}]", ans.answer)


def answer_llm(question: str, ctx: QAContext, *, conversation=None, on_token: Callable[[str], None] | None = None,
               model: str | None = None, max_cost: float | None = None) -> Answer:
    """The tool-calling agent where the server calls tools natively; else (or when the model writes
    its tool call as text) the fixed retrieve -> answer pipeline. Usage and cost in `answer.usage`."""
    from agent.engines.registry import build_llm_engine

    from core.llm_costs import spending

    engine = build_llm_engine("openai", ctx.settings, model=model or ctx.settings.model, max_cost=max_cost)
    try:
        with spending(engine.transport.budget, engine.transport.run_id):   # OpenAI embeddings of retrieval too
            answer = _answer(question, ctx, engine, conversation, on_token)
        answer.usage = engine.usage()
        return answer
    finally:
        engine.close()


def _answer(question, ctx, engine, conversation, on_token) -> Answer:
    from agent.qa.answer import finalize
    from agent.qa.pipeline_llm import answer_pipeline, text_tool_call

    reg = Registry()
    tools = build_tools(ctx, reg)
    by_name = {t.name: t for t in tools}
    if not native_tools(engine):
        return answer_pipeline(question, ctx, engine, conversation=conversation, tools=by_name, reg=reg)
    from langchain.agents import create_agent

    system, messages = _messages(question, tools, conversation, reg)
    agent = create_agent(chat_model(engine), tools, system_prompt=system)
    try:
        text = _run(agent, messages, reg, on_token, where=engine.config.base_url or "api.openai.com")
    except _ToolsRejected:
        _no_native_tools(engine)
        return answer_pipeline(question, ctx, engine, conversation=conversation, tools=by_name, reg=reg)
    call = text_tool_call(text, set(by_name))
    if call is not None:            # the model wrote its tool call as text: this server cannot call tools
        _no_native_tools(engine)
        from agent.qa.pipeline_llm import run_tool

        found = run_tool(by_name, reg, *call)
        ctx.calls.append({"tool": call[0], "args": call[1], "via": "text"})
        return answer_pipeline(question, ctx, engine, conversation=conversation, extra=found, tools=by_name, reg=reg)
    # The model cites by id; a bare "[3]" of its own means nothing here and must not pass as a citation.
    cited = reg.renumber(re.sub(r"\[(\d+)\]", r"[?\1]", text))
    answer = finalize(question, cited, reg.numbered(), reg.numbered(), route="agent", engine="openai")
    answer.notes.insert(0, f"model answer before the grounding check: {text!r}" if answer.notes else "")
    answer.notes = [n for n in answer.notes if n]
    from agent.qa.asked_entity import check_constraints

    return check_constraints(question, answer, ctx)


class _ToolsRejected(Exception):
    pass


def _run(agent, messages: list, reg: Registry, on_token, where: str = "the LLM server") -> str:
    """Drive the agent; stream the final answer's text; return it. `where` names the server in a
    connection error, as `extract` does ("cannot connect to http://…")."""
    from langchain_core.messages import AIMessage, AIMessageChunk

    from core.errors import EngineError

    stream = _CitationStream(reg, on_token) if on_token else None
    final = ""
    try:
        for mode, payload in agent.stream({"messages": messages}, stream_mode=["messages", "values"],
                                          config={"recursion_limit": MAX_STEPS}):
            if mode == "messages":
                chunk, _meta = payload
                if stream and isinstance(chunk, AIMessageChunk) and isinstance(chunk.content, str) and chunk.content:
                    stream.feed(chunk.content)
            elif mode == "values":
                last = payload["messages"][-1]
                if isinstance(last, AIMessage) and not last.tool_calls:
                    final = last.content if isinstance(last.content, str) else str(last.content)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # openai / httpx / langgraph errors: one clear line at the edge
        from agent.engines.llm.modes import rejects_format
        from core.errors import BudgetExceeded

        budget = _cause(exc, BudgetExceeded)
        if budget is not None:
            raise budget from None

        if rejects_format(exc) and "tool" in str(exc).lower():
            raise _ToolsRejected() from None
        if type(exc).__name__ == "GraphRecursionError":
            raise EngineError(f"the agent did not finish within {MAX_STEPS} steps") from None
        import openai

        if isinstance(_cause(exc, openai.APIConnectionError), openai.APIConnectionError) \
                and _cause(exc, openai.APITimeoutError) is None:
            raise EngineError(f"the LLM request failed: cannot connect to {where}",
                              hint="check OPENAI_BASE_URL and that the server is running, or use "
                                   "`--engine local` (offline)") from None
        from core.secrets import scrub   # error bodies may quote the API key back

        raise EngineError(scrub(f"the LLM request failed: {type(exc).__name__}: {exc}")) from None
    if stream:
        stream.close()
    return final


def _cause(exc: BaseException | None, kind: type) -> BaseException | None:
    """`exc` or the first error of type `kind` in its cause/context chain."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


class _CitationStream:
    """Streams text to `emit`, rewriting `[paper-id]` citations to `[n]` as they complete; n counts
    papers in order of first citation, as the final answer numbers them."""

    def __init__(self, reg: Registry, emit: Callable[[str], None]):
        self.reg, self.emit, self.held = reg, emit, ""
        self.seen: list[str] = []

    def _number(self, pid: str) -> int:
        if pid not in self.seen:
            self.seen.append(pid)
        return self.seen.index(pid) + 1

    def feed(self, text: str) -> None:
        self.held += text
        while self.held:
            start = self.held.find("[")
            if start < 0:
                self.emit(self.held)
                self.held = ""
                return
            if start:
                self.emit(self.held[:start])
                self.held = self.held[start:]
            end = self.held.find("]")
            if end < 0:
                if len(self.held) > 200:   # not a citation after all
                    self.emit(self.held)
                    self.held = ""
                return
            self.emit(self.reg.renumber(self.held[: end + 1], self._number))
            self.held = self.held[end + 1:]

    def close(self) -> None:
        if self.held:
            self.emit(self.held)
            self.held = ""
