"""Question answering commands: ask (one question) and chat (interactive session)."""

from __future__ import annotations

from typing import Optional

import typer

from agent.cli.app import app
from agent.cli.filtering import MAX_COST_HELP, positive_usd
from agent.cli.output import console, print_json

ENGINE = typer.Option(None, "--engine", "-e", help="local (default, offline) | openai | hybrid")
MODEL = typer.Option(None, "--model", help="chat model for openai/hybrid, e.g. gpt-4o-mini")
YEAR = typer.Option(None, help="only papers from 2023, 2021-2023, >=2023 ...")
TOPIC = typer.Option(None, help="only papers with this topic tag, e.g. kv-cache")
DATASET = typer.Option(None, help="only papers evaluated on this dataset, e.g. KITTI")
HW_CLASS = typer.Option(None, "--hardware-class", help="only papers on this hardware class: gpu, fpga, edge…")
# the rest of `list`/`search`'s filters (and of chat's /filter keys), so one flag means one thing everywhere
CATEGORY = typer.Option(None, help="only papers of this arXiv category, e.g. LG, cs.DC")
HARDWARE = typer.Option(None, help="only papers naming this hardware, e.g. A100")
MIN_SPEEDUP = typer.Option(None, "--min-speedup", help="only papers with an `x` claim ≥ this")


def _filter(year, topic, dataset, hardware_class, category=None, hardware=None, min_speedup=None):
    if all(v is None for v in (year, topic, dataset, hardware_class, category, hardware, min_speedup)):
        return None
    from agent.cli.filtering import checked_filter

    # the checks of `list`: a backwards year range or a negative speedup is a usage error (exit 2)
    return checked_filter(year=year, topic=topic, dataset=dataset, hardware_class=hardware_class,
                          category=category, hardware=hardware, min_speedup=min_speedup)


def _say_if_filter_is_empty(flt) -> None:
    """A filter that allows no paper would be answered "not covered": say why first (stderr)."""
    if flt is None:
        return
    from agent.cli.corpus import explain_empty
    from agent.corpus import open_store

    store = open_store(create=False)
    if store.count() and not store.ids(flt, ordered=False):
        explain_empty(store, flt)


def _catch_up_index(store=None, settings=None) -> None:
    """Never embed silently: say how many papers need embedding and show progress (after
    `ingest --no-index`), before the question's retrieval would do it quietly."""
    from agent.cli.output import note, progress
    from agent.corpus import open_store
    from core.settings import get_settings
    from store.index import catch_up

    settings = settings or get_settings()
    catch_up(store or open_store(settings, create=False), settings, note, lambda n: progress(n, "embedding"))


@app.command()
def ask(question: str = typer.Argument(..., help="a question about the papers in the store"),
        engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
        year: Optional[str] = YEAR, topic: Optional[str] = TOPIC, dataset: Optional[str] = DATASET,
        hardware_class: Optional[str] = HW_CLASS, category: Optional[str] = CATEGORY,
        hardware: Optional[str] = HARDWARE, min_speedup: Optional[float] = MIN_SPEEDUP,
        max_cost: Optional[float] = typer.Option(None, "--max-cost", callback=positive_usd, help=MAX_COST_HELP),
        as_json: bool = typer.Option(False, "--json", help="answer, citations, sources, insufficient as JSON")):
    """Answer a question from the corpus, citing papers as [1], [2]; says so when it cannot."""
    from agent.qa import ask as run
    from agent.qa.render import print_answer
    from agent.qa.text import display

    out = console()
    streamed: list[str] = []

    def on_token(text: str) -> None:
        streamed.append(text)
        out.file.write(display(text))
        out.file.flush()

    flt = _filter(year, topic, dataset, hardware_class, category, hardware, min_speedup)
    _catch_up_index()
    _say_if_filter_is_empty(flt)
    answer = run(question, engine=engine, model=model, flt=flt,
                 on_token=None if as_json else on_token, max_cost=max_cost)
    if answer.usage:   # LLM engines: what this answer cost, as extract prints it
        from agent.cli.output import usage_line

        typer.echo(usage_line(answer.usage), err=True)
    if as_json:
        return print_json(answer.to_json())
    print_answer(out, answer, "".join(streamed) if streamed else None)


@app.command()
def chat(engine: Optional[str] = ENGINE, model: Optional[str] = MODEL,
         year: Optional[str] = YEAR, topic: Optional[str] = TOPIC, dataset: Optional[str] = DATASET,
         hardware_class: Optional[str] = HW_CLASS, category: Optional[str] = CATEGORY,
         hardware: Optional[str] = HARDWARE, min_speedup: Optional[float] = MIN_SPEEDUP):
    """Interactive questions with follow-ups, slash commands (/help) and history; Ctrl-D leaves."""
    from agent.corpus import open_store
    from core.errors import EmptyStoreError
    from agent.cli.chat import ChatSession, line_reader, run
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings, create=False)
    if store.count() == 0:
        raise EmptyStoreError(settings.home, "nothing to chat about")
    _catch_up_index(store, settings)
    from agent.engines.registry import engine_name, uses_llm

    name = engine_name(engine, settings)
    session = ChatSession(settings, store, engine=name, model=model,
                          flt=_filter(year, topic, dataset, hardware_class, category, hardware, min_speedup))
    if uses_llm(name):
        session.cmd_engine([name])   # fails early, in one line, when the LLM is not configured
    run(session, line_reader())
