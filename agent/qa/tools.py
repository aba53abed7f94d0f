"""The tools both QA engines use: search, structured claims queries, get-paper, compare-papers.

They are plain functions over a `QAContext` (store + settings + the session's filter and scope).
The local router calls them directly; `agent_llm.py` wraps the `*_json` variants as LangChain tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable

from agent.qa.text import CorpusStats
from agent.qa.types import Source, claim_fields

MAX_TOOL_ROWS = 60   # cap on rows an LLM tool call returns (it also gets the total count)


@dataclass
class QAContext:
    store: Any
    settings: Any
    flt: Any = None                      # store.papers.PaperFilter of the session (/filter)
    scope: list[str] | None = None       # paper ids a follow-up is restricted to
    calls: list[dict[str, Any]] = field(default_factory=list)   # trace of tool calls
    prior: dict[str, str] = field(default_factory=dict)         # paper id -> support shown earlier

    def log(self, tool: str, **args: Any) -> None:
        self.calls.append({"tool": tool, "args": {k: v for k, v in args.items() if v not in (None, [], "")}})

    def stats(self) -> CorpusStats:
        return _corpus_stats(self.store.db.path, self.store.count(), self.store.last_change())


@lru_cache(maxsize=4)
def _corpus_stats(db_path, n: int, changed: str) -> CorpusStats:
    # Counts kept in the store and updated incrementally: at 100k papers a fresh process reads them in
    # ~0.04 CPU-s instead of tokenizing every abstract (~21 CPU-s).
    from agent.corpus_stats import corpus_stats
    from store.papers import PaperStore

    return corpus_stats(PaperStore.open(db_path))


# -- search ------------------------------------------------------------------------------------
def search_papers(ctx: QAContext, query: str, k: int = 10, mode: str = "hybrid", flt=None) -> list[Source]:
    """Ranked papers for `query` (hybrid BM25+vector by default), restricted to the session filter
    and, for follow-ups, to the scope."""
    from store.index import search

    ctx.log("search", query=query, k=k, mode=mode)
    merged = merge_filters(ctx.flt, flt)
    want = max(k, 50) if ctx.scope else k
    hits = search(ctx.store, ctx.settings, query, k=want, mode=mode, flt=merged)
    out = [Source.of(h.paper, h.score, _passage_text(h)) for h in hits]
    if ctx.scope is not None:
        allowed = set(ctx.scope)
        out = [s for s in out if s.id in allowed]
    return out[:k]


def dense_scores(ctx: QAContext, query: str, k: int = 20) -> dict[str, float]:
    """Paper id -> cosine similarity of its best chunk to `query` (the relevance gate's signal)."""
    from store.index import search

    hits = search(ctx.store, ctx.settings, query, k=k, mode="dense", flt=ctx.flt)
    return {h.paper.id: float(h.score) for h in hits}


def bm25_scores(ctx: QAContext, query: str, k: int = 20) -> dict[str, float]:
    """Paper id -> BM25 score of its best chunk for `query` (an answerability signal)."""
    from store.index import search

    hits = search(ctx.store, ctx.settings, query, k=k, mode="bm25", flt=ctx.flt)
    return {h.paper.id: float(h.score) for h in hits}


def paper_extraction(ctx: QAContext, paper_id: str) -> dict:
    """The stored extraction of a paper (TL;DR, datasets, hardware, ...), {} when there is none."""
    from store.extractions import latest_extraction

    cache = ctx.__dict__.setdefault("_extractions", {})
    if paper_id not in cache:
        ext = latest_extraction(ctx.store, paper_id)
        cache[paper_id] = ext.to_json() if ext is not None else {}
    return cache[paper_id]


def _passage_text(hit) -> str | None:
    passage = getattr(hit, "passage", None)
    if passage is None or isinstance(passage, str):
        return passage
    return getattr(passage, "text", None) or str(passage)


def merge_filters(a, b):
    """Field-wise union of two PaperFilters (b wins where both set a field)."""
    if a is None or b is None:
        return b if a is None else a
    values = {k: v for k, v in vars(b).items() if v is not None}
    return replace(a, **values)


# -- structured claims queries -------------------------------------------------------------------
@dataclass
class ClaimMatch:
    """A paper that satisfies a structured query, with its best speedup claim (if any)."""

    source: Source
    value: float | None = None
    unit: str | None = None
    metric: str | None = None
    evidence: str | None = None
    why: list[str] = field(default_factory=list)     # which facets matched, and how


def query_claims(ctx: QAContext, *, dataset: str | None = None, hardware: str | None = None,
                 hardware_class: str | None = None, topic: str | None = None, year: str | None = None,
                 metric: str | None = None, min_speedup: float | None = None, sort: str = "speedup",
                 text_aliases: dict[str, list[str]] | None = None, limit: int | None = None) -> list[ClaimMatch]:
    """Every paper matching all given facets (not a top-k), each with its best speedup claim.

    `text_aliases` maps a facet name to phrases that also satisfy it when the abstract says them,
    which covers papers the extractor missed ("evaluated on KITTI" with no dataset item).
    """
    from store.papers import PaperFilter

    ctx.log("query_claims", dataset=dataset, hardware=hardware, hardware_class=hardware_class, topic=topic,
            year=year, metric=metric, min_speedup=min_speedup, sort=sort)
    facets = {"dataset": dataset, "hardware": hardware, "hardware_class": hardware_class, "topic": topic}
    base = merge_filters(ctx.flt, PaperFilter(year=year, min_speedup=min_speedup,
                                              metric=metric if min_speedup is not None else None))
    universe = {p.id: p for p in ctx.store.list(base)}
    if ctx.scope is not None:
        universe = {pid: p for pid, p in universe.items() if pid in set(ctx.scope)}
    why: dict[str, list[str]] = {pid: [] for pid in universe}
    for name, value in facets.items():
        if value is None:
            continue
        in_table = set(ctx.store.ids(PaperFilter(**{name: value})))
        rx = _alias_rx(tuple((text_aliases or {}).get(name, [])))
        for pid in list(universe):
            paper = universe[pid]
            if pid in in_table:
                why[pid].append(f"{name}={value}")
            elif rx is not None and rx.search(f"{paper.title or ''} {paper.abstract}"):
                why[pid].append(f"{name}~text")
            else:
                del universe[pid]
    return _with_claims(ctx, universe, why, metric, sort, limit)


def _alias_rx(aliases: tuple[str, ...]):
    from agent.qa.router import phrase_rx

    if not aliases:
        return None
    return re.compile("|".join(phrase_rx(a).pattern for a in aliases), re.I)


def claim_matches(ctx: QAContext, papers: dict, why: dict, metric: str | None, sort: str = "year") -> list[ClaimMatch]:
    """`papers` (id -> Paper) as ClaimMatches with their best claim, sorted; for filters built outside."""
    return _with_claims(ctx, papers, why, metric, sort, None)


def _with_claims(ctx: QAContext, papers: dict, why: dict, metric: str | None, sort: str,
                 limit: int | None) -> list[ClaimMatch]:
    from store.extractions import ClaimQuery, claims_rows

    family = metric_family(metric)
    best: dict[str, dict] = {}
    for row in claims_rows(ctx.store, ClaimQuery(paper_ids=list(papers))):
        key = (row["metric"] in family, row["unit"] == "x", row["value"])   # the metric asked for, then x
        if row["paper_id"] not in best or key > best[row["paper_id"]]["_key"]:
            best[row["paper_id"]] = dict(row, _key=key)
    out = []
    for pid, paper in papers.items():
        row = best.get(pid)
        out.append(ClaimMatch(Source.of(paper, **(claim_fields(row) if row else {})), row and row["value"],
                              row and row["unit"], row and row["metric"], row and row["evidence"], why.get(pid, [])))
    # ties in the store's listing order (year, date, then id): `papers` may come from a set, whose
    # order follows the hash seed, and a question must list its papers in the same order every run
    out.sort(key=lambda m: m.source.id)
    out.sort(key=lambda m: (m.source.year or 0, getattr(papers[m.source.id], "date", None) or ""), reverse=True)
    if sort == "speedup":
        out.sort(key=lambda m: (m.unit == "x", m.value or 0.0), reverse=True)
    elif sort == "year":
        out.sort(key=lambda m: m.source.year or 0, reverse=True)
    return out[:limit] if limit else out


_FAMILIES = {"latency": ("latency", "tail latency", "speedup"), "throughput": ("throughput", "speedup"),
             "training time": ("training time", "speedup")}


def metric_family(metric: str | None) -> tuple[str, ...]:
    """Claim metrics that answer a question about `metric` (a plain "speedup" is a latency/time claim)."""
    if not metric:
        return ()
    return _FAMILIES.get(metric, (metric,))


def top_speedups(ctx: QAContext, ids: Iterable[str] | None = None, metrics: Iterable[str] | None = None,
                 unit: str | None = "auto", limit: int = 10) -> list[dict]:
    """Claims sorted by value (one row per claim) with one of `metrics`, optionally within `ids`.

    `unit` "auto": ratio claims for a speed-up; for a named quantity ("reduces KV cache memory the
    most", "the largest latency reduction") its percent claims too, ranked with the ratios on one
    scale (a 75% reduction is a 4x one, a 40% increase 1.4x). The rows keep the written figures."""
    from store.extractions import ClaimQuery, claims_rows

    metrics = list(metrics or [])
    if unit == "auto":
        unit = None if metrics and metrics[0] != "speedup" else "x"
    ctx.log("top_speedups", metrics=metrics, unit=unit, limit=limit)
    query = ClaimQuery(paper_ids=None if ids is None else list(ids), unit=unit, metrics=metrics)
    rows = claims_rows(ctx.store, query)
    if unit is None:
        rows.sort(key=lambda row: (-as_factor(row), row["paper_id"]))
    return rows[:limit]


def as_factor(row: dict) -> float:
    """A claim's change as a factor, only to rank ratio and percent claims together."""
    if row["unit"] != "%":
        return row["value"]
    share = row["value"] / 100
    if row.get("direction") != "reduction":
        return 1 + share
    if share < 1 and row.get("metric") not in _BENEFIT_METRICS:
        return 1 / (1 - share)      # a cost cut by 75% is a 4x smaller cost
    return 1 / (1 + share)          # a drop in speed, or "180% less": a loss ranks below every gain


_BENEFIT_METRICS = ("speedup", "throughput")


def text_matches(ctx: QAContext, phrases: list[str], year: str | None = None) -> list[Source]:
    """Papers whose title or abstract contains any of `phrases` (a complete scan, not a top-k)."""
    from store.papers import PaperFilter

    ctx.log("text_matches", phrases=phrases, year=year)
    rx = _alias_rx(tuple(phrases))
    if rx is None:
        return []
    papers = ctx.store.list(merge_filters(ctx.flt, PaperFilter(year=year) if year else None))
    if ctx.scope is not None:
        papers = [p for p in papers if p.id in set(ctx.scope)]
    return [Source.of(p) for p in papers if rx.search(f"{p.title or ''} {p.abstract}")]


# -- single papers -------------------------------------------------------------------------------
def get_paper(ctx: QAContext, ref: str) -> dict[str, Any]:
    """One paper with its latest extraction (TL;DR, speedups, datasets, hardware, topics), as the
    JSON a tool call returns (the LLM agent reads it; the local engine uses the same facts)."""
    from store.extractions import latest_extraction

    ctx.log("get_paper", ref=ref)
    paper = ctx.store.resolve(ref)
    ext = latest_extraction(ctx.store, paper.id)
    facts = ext.to_json() if ext is not None else {}
    return {"id": paper.id, "title": paper.title, "arxiv_id": paper.arxiv_id, "year": paper.year,
            "abstract": paper.abstract, "tldr": facts.get("tldr"), "speedups": facts.get("speedups", []),
            "datasets": facts.get("datasets", []), "hardware": facts.get("hardware", []),
            "topics": facts.get("topics", [])}


def compare_papers(ctx: QAContext, refs: list[str]) -> list[dict[str, Any]]:
    """Side-by-side facts of several papers (same fields as get_paper, abstract shortened)."""
    ctx.log("compare_papers", refs=refs)
    rows = []
    for ref in refs:
        info = get_paper(ctx, ref)
        ctx.calls.pop()   # the nested get_paper is part of this call
        rows.append(info)
    return rows


def all_sources(ctx: QAContext) -> list[Source]:
    """Every paper of the session (its filter and follow-up scope) as a Source."""
    papers = ctx.store.list(ctx.flt) if ctx.flt else ctx.store.all()
    if ctx.scope is not None:
        papers = [p for p in papers if p.id in set(ctx.scope)]
    return [Source.of(p) for p in papers]
