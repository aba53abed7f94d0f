"""The local engine's ranking answers: the largest claims of a metric ("which paper reports the
largest speedup?") and a side-by-side of the papers a question names ("compare X and Y").

Both answer from the claims tables and the abstracts' own sentences, cited as the other local
answers are (agent/qa/local.py routes to them).
"""

from __future__ import annotations

import re
from typing import Callable

from agent.qa import lookup_pick, relevance
from agent.qa.closest import support_sentences
from agent.qa.drafting import Draft, finish, insufficient, sentence_with, strip_end
from agent.qa.router import Route
from agent.qa.text import SPEED_METRICS, label, term_set
from agent.qa.tools import QAContext, dense_scores, metric_family, search_papers, top_speedups
from agent.qa.types import Answer, Source, claim_fields

_SPEED = re.compile(r"\bspeed-?ups?\b|\bfast(?:er|est)?\b|\bspeed\b", re.I)

# The set route's membership and the look-up answer live in agent/qa/local.py, which imports this
# module: they come in as parameters so the two modules do not import each other.
Members = Callable[[str, QAContext, Route], list | None]
Handler = Callable[[str, QAContext, Route], Answer]


def judged_search(ctx: QAContext, query: str, k: int = 10, top: int = 5) -> list:
    """Hybrid search, re-ranked by relevance (dense similarity + coverage of the query's words)."""
    hits = search_papers(ctx, query, k=k)
    return relevance.judge(query, hits, ctx.stats(), dense_scores(ctx, query), top=top)


def top_claims(question: str, ctx: QAContext, r: Route, set_members: Members, lookup: Handler) -> Answer:
    from agent.qa.answerability import owners

    ids = None
    named = owners(question, lookup_pick.all_sources(ctx), ctx.stats())
    if named:       # "the largest speedup X reports": X's own claims, not the corpus's largest
        ids = [s.id for s in named]
    elif r.facets or r.year:
        ids = [m.source.id for m in set_members(question, ctx, r) or []]
    elif ctx.flt or ctx.scope is not None:
        ids = [s.id for s in lookup_pick.all_sources(ctx)]
    metrics = metric_family(r.metric) or (SPEED_METRICS if _SPEED.search(question) else None)
    rows = top_speedups(ctx, ids, metrics=metrics, limit=200)
    best: dict[str, dict] = {}
    for row in rows:                    # sorted by value: the first row of a paper is its best
        best.setdefault(row["paper_id"], row)
    rows = list(best.values())[:r.limit or 10]
    if not rows and named:      # no claim row for the named paper: its abstract's own sentence
        return lookup(question, ctx, r)
    if not rows:
        return insufficient(question, [], r, [], f"No speedup claim in the store matches ({r.describe() or 'this'}).")
    draft = Draft()
    where = f" ({r.describe()})" if r.describe() else ""
    what = r.metric or ("speed-up" if metrics else "efficiency")
    papers = {p.id: p for p in ctx.store.get_many(list(dict.fromkeys(row["paper_id"] for row in rows)))}
    top = rows[0]
    first = Source.of(papers[top["paper_id"]], **claim_fields(top))
    draft.cite(first, sentence_with(first.abstract, top["evidence"]))
    draft.lines.append(f"The largest is {top['value']:g}{top['unit'] if top['unit'] != 'x' else 'x'}, from "
                       f"{strip_end(label(first.title, first.abstract, first.arxiv_id))} [1]: "
                       f"\"{strip_end(top['evidence'])}\" [1].")
    if len(rows) > 1:
        draft.lines.append(f"Largest {what} claims{where}, one per paper, from the extracted claims table:")
    for row in rows[1:]:
        src = Source.of(papers[row["paper_id"]], **claim_fields(row))
        n = draft.cite(src, row["evidence"])
        name = strip_end(label(src.title, src.abstract, src.arxiv_id))
        draft.lines.append(f"- {name} [{n}]: \"{strip_end(row['evidence'])}\" [{n}].")
    return finish(question, draft, draft.cited, r)


def compare(question: str, ctx: QAContext, r: Route) -> Answer:
    from agent.qa.tools import compare_papers

    parts = [p for p in re.split(r"\b(?:and|vs\.?|versus|with)\b|,", re.sub(r"^\s*compare\s+|\?$", "", question, flags=re.I))
             if p.strip()]
    picked: list[Source] = []
    for part in parts[:4]:
        judged = judged_search(ctx, part.strip(), k=3, top=3)
        if judged and judged[0].relevance >= relevance.THRESHOLD and judged[0].source.id not in {s.id for s in picked}:
            picked.append(judged[0].source)
    if len(picked) < 2:
        return insufficient(question, picked, r, [])
    draft = Draft()
    for info, src in zip(compare_papers(ctx, [s.id for s in picked]), picked):
        sup = support_sentences(src.abstract, term_set(question), ctx, want=1, headline=True)
        n = draft.cite(src, sup[0])
        facts = " ".join(f"{strip_end(s)} [{n}]." for s in sup)
        extra = "; ".join(x for x in (
            "datasets: " + ", ".join(info["datasets"]) if info["datasets"] else "",
            "hardware: " + ", ".join(h["name"] for h in info["hardware"]) if info["hardware"] else "") if x)
        draft.lines.append(f"- {strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: {facts}"
                           + (f" ({extra}) [{n}]." if extra else ""))
    return finish(question, draft, picked, r)
