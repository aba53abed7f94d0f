"""Sections `startup`, `search` and `ask`: whole-process (cold) and in-process (warm) latency.

Cold = a new `papers` process, as a user at a shell sees it: interpreter start, imports, opening the
store and the index, loading the embedding model, answering. Warm = the same call again inside one
process (what `papers chat`, the eval harness or a server pays per question): p50 and p95 over
many different questions (each query is made unique, so no query-vector cache hit flatters it).
The store is the seed corpus, ingested, indexed and extracted by the local engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from bench.common import SEEDS, Bench, median, papers_command, percentiles, questions, time_process, timed

COLD_QUERY = "KV cache compression for long-context LLM inference"


def seeds_home(bench: Bench) -> Path:
    """The seed corpus stored, indexed (bench/retrieval.py's prepared_store) and extracted locally."""
    def make() -> Path:
        from agent.engines.local.engine import LocalEngine
        from core.models import PaperText
        from bench.retrieval import prepared_store
        from store.extractions import save_extraction

        settings = bench.settings("seeds")
        store, _ = prepared_store(settings)
        engine = LocalEngine(use_embeddings=False)   # claims tables for `set` questions; tags by keywords
        for p in store.all():
            save_extraction(store, engine.extract(PaperText(id=p.id, abstract=p.abstract, title=p.title)))
        return settings.home
    return bench.once("seeds_home", make)


def settings_for(bench: Bench, home: Path):
    from core.settings import Settings

    return Settings(home=home, seeds_dir=SEEDS, chroma_url=None, embedding="local")


def warm_latency(call: Callable[[str], Any], queries: list[str], n: int, tag: str | None = None) -> dict[str, Any]:
    """p50/p95 (ms) of `call(query)` over `n` queries, after one untimed warm-up call. With `tag`,
    each query gets a unique suffix, so no query-vector cache hit (from another mode, another
    size, an earlier round) flatters the figure."""
    call(f"warm-up query about GPU kernels {tag or ''}")
    times = []
    for i in range(n):
        q = queries[i % len(queries)]
        q = f"{q} ({tag} {i})" if tag else q
        times.append(timed(lambda: call(q))[0])
    p50, p95 = percentiles(times)
    return {"p50_ms": p50, "p95_ms": p95, "n": n}


def warm_search(bench: Bench, home: Path, n: int, mode: str = "hybrid") -> dict[str, Any]:
    from agent.corpus import open_store
    from store.index import search

    settings = settings_for(bench, home)
    store = open_store(settings)
    return warm_latency(lambda q: search(store, settings, q, k=10, mode=mode), questions(), n,
                        tag=f"{mode} {home.name}")


def run_startup(bench: Bench) -> None:
    runs = max(bench.sizes.runs, bench.sizes.cold)
    cmd = papers_command()
    times = [time_process(cmd + ["--help"]) for _ in range(runs)]
    bench.add("startup", "`papers --help`, new process", median(times), "s", runs,
              f"min {min(times):.2f} s; typer + stdlib only")
    times = [time_process(cmd + ["stats", "--json"], env=bench.home_env(seeds_home(bench))) for _ in range(runs)]
    bench.add("startup", "`papers stats --json`, new process", median(times), "s", runs, "opens the store; no model")


def run_search(bench: Bench) -> None:
    home = seeds_home(bench)
    env = bench.home_env(home)
    cmd = papers_command() + ["search", COLD_QUERY, "-k", "10", "--json"]
    times = [time_process(cmd, env=env) for _ in range(bench.sizes.cold)]
    bench.add("search", "`papers search` cold, new process (seeds)", median(times), "s", len(times),
              f"min {min(times):.2f} s; imports + model load + BM25 build + query")
    for mode in ("hybrid", "bm25"):
        r = warm_search(bench, home, bench.sizes.queries, mode)
        bench.add("search", f"search warm in-process, {mode}, p50 (seeds)", r["p50_ms"], "ms", r["n"],
                  f"p95 {r['p95_ms']:.0f} ms; k=10", p95_ms=r["p95_ms"])


def run_ask(bench: Bench) -> None:
    from agent.qa import ask

    home = seeds_home(bench)
    env = bench.home_env(home)
    lookup = questions("lookup")[0]        # answered through search: model, index, relevance gate
    times = [time_process(papers_command() + ["ask", lookup, "--json"], env=env) for _ in range(bench.sizes.cold)]
    bench.add("ask", "`papers ask` cold, new process (seeds, local engine)", median(times), "s", len(times),
              f"min {min(times):.2f} s; a look-up question (search + relevance gate)")
    settings = settings_for(bench, home)
    from agent.corpus import open_store

    store = open_store(settings)
    qs = questions()
    n = min(len(qs), max(bench.sizes.queries, 10))
    r = warm_latency(lambda q: ask(q, settings, store=store, engine="local"), qs, n)
    bench.add("ask", "ask warm in-process, local engine, p50 (seeds)", r["p50_ms"], "ms", r["n"],
              f"p95 {r['p95_ms']:.0f} ms; the first {n} questions of evals/fixtures/qa.jsonl, all kinds",
              p95_ms=r["p95_ms"])
