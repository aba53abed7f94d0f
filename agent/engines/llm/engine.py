"""The `openai` engine: the model extracts, agent.claim_grounding and the vocabularies check, the local
engine stands in for any field the model cannot get right.

Per paper and prompt: one call (from the cache when possible); if a field fails validation, one
re-ask with the reasons; a field still failing takes the local engine's value, and
`provenance["fallback"][field]` says why. `extract_many` runs papers concurrently on the engine's
event loop and yields each result as soon as it is finished.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, AsyncIterator, Callable, Iterable, Iterator

from agent.engines.base import ExtractionFailure
from agent.engines.llm import schemas, validate
from agent.engines.llm.config import LLMConfig
from agent.engines.llm.runner import LoopThread
from agent.engines.llm.transport import Completion, RequestFailed, Transport
from agent.prompts import instructions
from core.models import Claims, Extraction, PaperText, TopicTag

EXTRACTION_FIELDS = ("speedups", "datasets", "hardware", "topics", "tldr")
_LOCAL_SOURCE = {"speedups": "claims", "datasets": "claims", "hardware": "claims", "topics": "tag",
                 "tldr": "tldr"}


@dataclass
class Answer:
    """What the model said about one paper for one prompt, after validation (and a re-ask)."""

    prompt_id: str
    checked: validate.Checked
    completions: list[Completion] = field(default_factory=list)

    def usage(self) -> dict[str, Any]:
        return {"prompt": self.prompt_id, "calls": sum(1 for c in self.completions if not c.cached),
                "cached": all(c.cached for c in self.completions),
                "reasked": len(self.completions) > 1,
                "prompt_tokens": sum(c.prompt_tokens for c in self.completions),
                "completion_tokens": sum(c.completion_tokens for c in self.completions),
                "cost": round(sum(0.0 if c.cached else c.cost for c in self.completions), 6)}


class LocalFallback:
    """The local engine's results for one paper, computed only if some field needs them."""

    def __init__(self, engine: "LLMEngine", paper: PaperText):
        self.engine, self.paper = engine, paper
        self._done: dict[str, Any] = {}

    async def get(self, method: str) -> Any:
        if method not in self._done:
            local = self.engine.local
            self._done[method] = await asyncio.get_running_loop().run_in_executor(
                self.engine.local_pool, getattr(local, method), self.paper)
        return self._done[method]

    async def field(self, name: str) -> Any:
        result = await self.get(_LOCAL_SOURCE[name])
        if name == "topics":
            return [t.tag for t in result]
        return getattr(result, name) if isinstance(result, Claims) else result


def reask_text(errors: dict[str, str]) -> str:
    lines = "\n".join(f"- {name}: {reason}" for name, reason in errors.items())
    return ("Your answer failed these checks:\n" + lines + "\nAnswer again with the complete JSON "
            "object. Fix what failed and keep the rest. Copy every evidence span character for "
            "character from the abstract (LaTeX included), or leave out an item you cannot ground.")


class LLMEngine:
    name = "openai"

    def __init__(self, config: LLMConfig, *, local=None, store=None):
        self.config = config
        self._local = local
        self._store = store
        self._transport: Transport | None = None
        self._runner = LoopThread()
        self.local_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papers-local")

    # -- plumbing ---------------------------------------------------------------------------------
    @property
    def local(self):
        if self._local is None:
            from agent.engines.local.engine import LocalEngine

            self._local = LocalEngine(use_embeddings=False)
        return self._local

    @property
    def store(self):
        if self._store is None:
            from store.llmcache import LLMStore

            self._store = LLMStore.open(self.config.db_path)
        return self._store

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = Transport(self.config, self.store)
        return self._transport

    def usage(self) -> dict[str, Any]:
        return self.transport.usage()

    def close(self) -> None:
        if self._transport is not None:
            try:
                self._runner.run(self._transport.aclose())
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self._runner.close()
        self.local_pool.shutdown(wait=False)

    # -- the Engine protocol ----------------------------------------------------------------------
    def tldr(self, paper: PaperText) -> str:
        return self._runner.run(self.atldr(paper))

    def tag(self, paper: PaperText) -> list[TopicTag]:
        return self._runner.run(self.atag(paper))

    def claims(self, paper: PaperText) -> Claims:
        record = self.extract(paper)
        return Claims(speedups=record.speedups, datasets=record.datasets, hardware=record.hardware)

    def extract(self, paper: PaperText) -> Extraction:
        return self._runner.run(self.aextract(paper))

    def extract_many(self, papers: Iterable[PaperText]) -> Iterator[Extraction | ExtractionFailure]:
        todo = list(papers)
        yield from self._runner.iterate(lambda: self._amany(todo))

    # -- async core -------------------------------------------------------------------------------
    async def ask(self, prompt_name: str, paper: PaperText, out_model, check: Callable, fields: tuple[str, ...],
                  extra: dict[str, str] | None = None) -> Answer:
        """One prompt for one paper: call, validate, re-ask once with the reasons if needed."""
        from agent.prompts import load

        prompt = load(prompt_name)
        messages = prompt.render(self._variables(prompt, paper, extra or {}))
        fmt = schemas.response_format(out_model)
        first = await self.transport.complete(prompt, messages, fmt, kind=prompt.id)
        checked = self._check(first, out_model, check, fields)
        answer = Answer(prompt.id, checked, [first])
        if not checked.errors:
            return answer
        retry = messages + [{"role": "assistant", "content": first.content},
                            {"role": "user", "content": reask_text(checked.errors)}]
        second = await self.transport.complete(prompt, retry, fmt, kind=f"{prompt.id}:reask")
        answer.completions.append(second)
        answer.checked = _merge(checked, self._check(second, out_model, check, fields), fields)
        return answer

    def _variables(self, prompt, paper: PaperText, extra: dict[str, str]) -> dict[str, Any]:
        known = {"title": paper.title, "abstract": paper.abstract, "taxonomy": schemas.taxonomy_text(), **extra}
        return {name: known[name] for name in prompt.variables}

    @staticmethod
    def _check(completion: Completion, out_model, check: Callable, fields: tuple[str, ...]) -> validate.Checked:
        out = validate.Checked()
        if completion.finish_reason == "length":
            reason = "the answer was cut off at the token limit; answer again, more concisely"
        elif completion.finish_reason == "content_filter":
            reason = "the answer was withheld by the content filter"
        else:
            parsed, reason = validate.parse_output(completion.content, out_model)
            if parsed is not None:
                check(parsed, out)
                return out
        out.errors = {name: reason for name in fields}
        return out

    async def _finish(self, paper: PaperText, answer: Answer,
                      local: LocalFallback | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Field values (model's, or the local engine's for failed fields) and their provenance."""
        local = local or LocalFallback(self, paper)
        values = dict(answer.checked.values)
        provenance: dict[str, Any] = {"llm": {"model": self.config.model, **answer.usage()}}
        fallback = {}
        for name, reason in answer.checked.errors.items():
            values[name] = await local.field(name)
            fallback[name] = reason
        if fallback:
            provenance["fallback"] = fallback
        if answer.checked.rejected:
            provenance["rejected"] = {"speedups": answer.checked.rejected}
        if "topics" in values:
            provenance["topics"] = await self._topic_provenance(values["topics"], "topics" in fallback, local)
        return values, provenance

    async def _topic_provenance(self, tags: list[str], fell_back: bool, local: LocalFallback) -> dict[str, Any]:
        if not fell_back:
            return {t: {"signals": ["llm"]} for t in tags}
        return {t.tag: {"score": round(t.score, 3), "signals": t.signals} for t in await local.get("tag")}

    def _check_extraction(self, paper: PaperText, instructions: str, parsed, out: validate.Checked) -> None:
        validate.check_speedups(paper.abstract, parsed.speedups, out)
        validate.check_datasets(paper.abstract, parsed.datasets, out)
        validate.check_hardware(paper.abstract, parsed.hardware, out)
        validate.check_topics(parsed.topics, out)
        validate.check_tldr(parsed.tldr, paper.abstract, instructions, out)

    async def aextract(self, paper: PaperText) -> Extraction:
        check = partial(self._check_extraction, paper, instructions("extraction"))
        answer = await self.ask("extraction", paper, schemas.ExtractionOut, check, EXTRACTION_FIELDS)
        values, provenance = await self._finish(paper, answer)
        return self._record(paper, values, provenance)

    def _record(self, paper: PaperText, values: dict[str, Any], provenance: dict[str, Any]) -> Extraction:
        return Extraction(id=paper.id, title=paper.title, tldr=values["tldr"], speedups=values["speedups"],
                          datasets=values["datasets"], hardware=values["hardware"], topics=values["topics"],
                          engine=self.name, provenance=provenance)

    async def atldr(self, paper: PaperText) -> str:
        wording = instructions("tldr")
        check = lambda parsed, out: validate.check_tldr(parsed.tldr, paper.abstract, wording, out)  # noqa: E731
        answer = await self.ask("tldr", paper, schemas.TldrOut, check, ("tldr",))
        values, _ = await self._finish(paper, answer)
        return values["tldr"]

    async def atag(self, paper: PaperText) -> list[TopicTag]:
        check = lambda parsed, out: validate.check_topics(parsed.topics, out)  # noqa: E731
        answer = await self.ask("tagging", paper, schemas.TagsOut, check, ("topics",))
        if "topics" in answer.checked.values:
            return [TopicTag(tag=t, score=1.0, signals=["llm"]) for t in answer.checked.values["topics"]]
        tags = await LocalFallback(self, paper).get("tag")
        note = f"llm fallback: {answer.checked.errors['topics']}"
        return [t.model_copy(update={"signals": [*t.signals, note]}) for t in tags]

    async def _one(self, paper: PaperText) -> Extraction | ExtractionFailure:
        if not paper.abstract.strip():
            return ExtractionFailure(paper.id, "empty abstract")
        try:
            return await self.aextract(paper)
        except RequestFailed as exc:
            return ExtractionFailure(paper.id, exc.message)

    async def _amany(self, papers: list[PaperText]) -> AsyncIterator[Extraction | ExtractionFailure]:
        """Results as they finish; at most 2 x concurrency papers in progress at a time."""
        from core.errors import BudgetExceeded

        window = 2 * self.config.concurrency
        upcoming, pending, stop = iter(papers), set(), None
        try:
            while True:
                while stop is None and len(pending) < window and (paper := next(upcoming, None)) is not None:
                    pending.add(asyncio.ensure_future(self._one(paper)))
                if not pending:
                    break
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    try:
                        result = task.result()
                    except BudgetExceeded as exc:   # let papers in flight finish, start no more
                        stop = stop or exc
                        continue
                    yield result
            if stop is not None:
                raise stop
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # -- cost before spending ---------------------------------------------------------------------
    def estimate(self, papers: Iterable[PaperText]) -> dict[str, Any]:
        """Requests, tokens and USD a batch would cost now (cached papers are free); calls nothing."""
        from agent.engines.llm.costs import estimate_tokens
        from agent.prompts import load

        papers = [p for p in papers if p.abstract.strip()]
        prompt_name, out_model = self.main_prompt
        prompt, fmt = load(prompt_name), schemas.response_format(out_model)
        rendered = [prompt.render(self._variables(prompt, p, self._extra_sync(p))) for p in papers]
        keys = [self.transport.key(prompt, m, fmt) for m in rendered]
        cached = self.store.cached_keys(keys) if self.config.use_cache else set()
        todo = [m for m, k in zip(rendered, keys) if k not in cached]
        prompt_tokens = sum(estimate_tokens(m) for m in todo)
        completion_tokens = prompt.expected_output_tokens * len(todo)
        price = self.transport.price
        cost = price.cost(prompt_tokens, completion_tokens)
        return {"engine": self.name, "model": self.config.model, "prompt": prompt.id, "papers": len(papers),
                "cached": len(papers) - len(todo), "requests": len(todo), "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens, "cost_usd": round(cost, 6),
                "price_per_1m_tokens": {"entry": price.model, "input": price.input, "output": price.output},
                "max_cost": self.config.max_cost,
                "within_budget": None if self.config.max_cost is None else cost <= self.config.max_cost,
                "note": "approximate (~3.8 characters per token); each re-ask adds about one more request"}

    main_prompt = ("extraction", schemas.ExtractionOut)

    def _extra_sync(self, paper: PaperText) -> dict[str, str]:
        return {}


def _merge(first: validate.Checked, second: validate.Checked, fields: tuple[str, ...]) -> validate.Checked:
    """Per field: the re-ask's value if valid, else the first answer's if that was valid."""
    merged = validate.Checked(values={**first.values, **second.values})
    merged.errors = {name: second.errors.get(name) or first.errors.get(name, "no valid answer")
                     for name in fields if name not in merged.values}
    merged.rejected = second.rejected if "speedups" in merged.errors else []
    return merged
