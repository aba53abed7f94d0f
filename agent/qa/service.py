"""`ask`: the one library entry point behind `papers ask`, `papers chat` and the QA eval suite."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from agent.qa.types import Answer, Source


@dataclass
class Conversation:
    """What a chat remembers between questions: the turns, and the papers of the last answer."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    @property
    def last(self) -> Answer | None:
        return self.turns[-1][1] if self.turns else None

    def last_papers(self, question: str | None = None) -> list[Source]:
        """What "those" refers to: the papers the last answer cited, else what it retrieved. A plural
        reference ("those", "them") skips answers about one paper of an earlier list ("it")."""
        import re

        plural = bool(question and re.search(r"\b(?:those|these|them|they|their)\b", question, re.I))
        for _, ans in reversed(self.turns):
            if plural and ans.about_one_earlier:
                continue
            if ans.citations:
                return list(ans.citations)
            if ans.sources:
                return list(ans.sources)
        return []

    def record(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))


def ask(question: str, settings=None, *, store=None, engine: str | None = None, flt=None,
        conversation: Conversation | None = None, on_token: Callable[[str], None] | None = None,
        model: str | None = None, max_cost: float | None = None) -> Answer:
    """Answer `question` from the corpus, with citations; `insufficient` when the corpus cannot.

    engine: "local" (deterministic router + extractive answer) or "openai"/"hybrid" (LangChain
    tool-calling agent). `flt` is a PaperFilter every tool respects. `conversation` carries chat
    context; `on_token` receives streamed answer text (LLM engine only).
    """
    from agent.corpus import open_store
    from core.errors import EmptyStoreError, UsageError
    from core.settings import get_settings

    question = (question or "").strip()
    if not question:
        raise UsageError("the question is empty", hint='ask something, e.g. papers ask "which papers use KITTI?"')
    settings = settings or get_settings()
    store = store or open_store(settings, create=False)
    if store.count() == 0:
        raise EmptyStoreError(settings.home, "nothing to answer from")
    from agent.engines.registry import engine_name

    name = engine_name(engine, settings)
    started = time.perf_counter()
    answer = _dispatch(question, name, settings, store, flt, conversation, on_token, model, max_cost)
    answer.seconds = time.perf_counter() - started
    answer.engine = name
    if conversation is not None:
        conversation.record(question, answer)
    return answer


def _dispatch(question, name, settings, store, flt, conversation, on_token, model, max_cost=None) -> Answer:
    from agent.engines.registry import uses_llm
    from agent.qa.tools import QAContext

    ctx = QAContext(store, settings, flt)
    if uses_llm(name):
        from agent.qa.agent_llm import answer_llm

        answer = answer_llm(question, ctx, conversation=conversation, on_token=on_token, model=model,
                            max_cost=max_cost)
    else:
        from agent.qa.local import answer_local

        answer = answer_local(question, ctx, last_sources=conversation.last_papers(question) if conversation else None)
    from agent.qa.source_scores import score_sources

    answer.tools = ctx.calls + answer.tools
    return score_sources(answer, ctx)

