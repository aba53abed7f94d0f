"""Ranking: dense (Chroma) and lexical (BM25) candidates, reciprocal-rank fusion, papers.

Both retrievers rank the same chunks. Hybrid mode fuses the two chunk rankings with reciprocal-rank
fusion (score = sum over retrievers of 1 / (RRF_K + rank)), then collapses chunks to papers: a
paper's score is its best chunk's, and that chunk is the passage shown. Single modes collapse their
own ranking the same way. Every hit also reports the paper's rank in each retriever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import UsageError
from store.bm25 import BM25, tokenize
from store.chunking import Chunk
from store.papers import PaperFilter, PaperStore
from store.records import Paper
from store.search_filter import FilterCache, admitted_ids, chunk_mask, paper_mask

if TYPE_CHECKING:
    from store.vectors import VectorStore

MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 2000
MAX_K = 1000
RRF_K = 60            # the usual constant; see bench/retrieval.py for the sweep
POOL = 200            # chunks taken from each retriever before fusion (at least k)
IN_FILTER_LIMIT = 1000  # filters matching at most this many papers are pushed into Chroma's `where`


@dataclass
class Hit:
    paper: Paper
    score: float                      # hybrid: RRF sum; dense: cosine similarity; bm25: BM25 score
    passage: str                      # the best-matching chunk of the abstract
    position: int                     # that chunk's position within the abstract
    ranks: dict[str, int | None] = field(default_factory=dict)  # paper rank per retriever (1-based)

    @property
    def relevance(self) -> float:
        """0..1: reciprocal-rank fusion of the paper's rank in each retriever the mode used, divided
        by its maximum (1.0 = ranked first by every one of them; `ask`'s `relevance` fuses hybrid,
        dense and BM25 ranks the same way, so the two agree in range but not always in value). `score` stays the mode's raw number, which has no fixed range (an RRF sum near 0.03,
        a cosine, an unbounded BM25 score) and so cannot be compared across modes or with `ask`."""
        if not self.ranks:
            return 0.0
        fused = sum(1.0 / (RRF_K + r) for r in self.ranks.values() if r)
        return round(min(1.0, fused * (RRF_K + 1) / len(self.ranks)), 4)

    def to_json(self) -> dict[str, Any]:
        p = self.paper
        return {"id": p.id, "score": round(self.score, 6), "relevance": self.relevance, "title": p.title, "year": p.year,
                "category": p.category, "arxiv_id": p.arxiv_id, "passage": self.passage,
                "chunk": self.position, "ranks": self.ranks, "sources": [s.ref for s in p.sources]}


class LexicalIndex:
    """All indexed chunks in memory (ids, papers, texts) plus their BM25 index."""

    def __init__(self, rows: list[Any], generation: str, bm25: BM25 | None = None):
        self.generation = generation
        self.key = ""   # identifies this exact set of chunks (store/index.py); "" when unknown
        self.ids = [r["id"] for r in rows]
        self.positions = [r["position"] for r in rows]
        self.texts = [r["text"] for r in rows]
        self.paper_index: dict[str, int] = {}  # paper id -> small int, in first-seen order
        self.paper_of = [self.paper_index.setdefault(r["paper_id"], len(self.paper_index)) for r in rows]
        self.papers = list(self.paper_index)
        self.row_of = {cid: i for i, cid in enumerate(self.ids)}
        import numpy as np

        self.paper_of_array = np.asarray(self.paper_of, dtype=np.int64)   # chunk -> paper, for masks
        self.filter_cache = FilterCache()   # search filters' paper masks (store/search_filter.py)
        # A BM25 index loaded from disk (store/index.py) skips tokenizing every chunk again.
        self.bm25 = bm25 if bm25 is not None and bm25.n_docs == len(rows) else \
            BM25(tokenize(Chunk(0, r["text"], r["title"] or "").embed_text) for r in rows)

    def mask(self, allowed: set[str]) -> Any:
        """Boolean array over chunks: True where the chunk's paper is allowed."""
        import numpy as np

        keep = np.zeros(len(self.papers), dtype=bool)
        keep[[self.paper_index[p] for p in allowed if p in self.paper_index]] = True
        return keep[self.paper_of_array]


def clean_query(query: str | None) -> str:
    """The query with control characters and runs of whitespace removed; UsageError when unusable."""
    if query is None or not str(query).strip():
        raise UsageError("the query is empty", hint='ask a question or give key words, e.g. '
                                                   'papers search "KV cache compression"')
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
                         hint="search with a question or the key terms, not a whole document")
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in query).split())
    if not any(ch.isalnum() for ch in text):
        raise UsageError(f"the query {text[:40]!r} has no words or numbers to search for",
                         hint='ask a question or give key words, e.g. papers search "KV cache compression"')
    return text


def check_args(k: int, mode: str) -> None:
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}", hint="use one of: " + ", ".join(MODES))
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise UsageError(f"k must be between 1 and {MAX_K} (got {k!r})", hint="e.g. -k 10")


def rank(store: PaperStore, vectors: "VectorStore | None", lex: LexicalIndex, query: str, *, k: int,
         mode: str, flt: PaperFilter | None = None, rrf_k: int | None = None) -> list[Hit]:
    keep = paper_mask(store, lex, flt)   # over lex.papers; cached until the store changes
    if keep is not None and not keep.any():
        return []
    pool = max(POOL, k)
    runs: dict[str, list[tuple[int, float]]] = {}
    if mode in ("dense", "hybrid"):
        runs["dense"] = _dense(vectors, lex, query, pool, keep)
    if mode in ("bm25", "hybrid"):
        runs["bm25"] = lex.bm25.top(tokenize(query), pool, None if keep is None else chunk_mask(lex, keep))
    if mode == "hybrid":
        chunk_scores = fuse(runs, rrf_k or RRF_K)
    else:
        chunk_scores = dict(runs[mode])
    best = collapse(chunk_scores, lex)[:k]
    ranks = {name: paper_ranks(run, lex) for name, run in runs.items()}
    papers = {p.id: p for p in store.get_many([lex.papers[pi] for pi, _, _ in best])}
    hits = []
    for pi, score, row in best:
        paper = papers.get(lex.papers[pi])
        if paper is None:  # removed from the store since the index was read; never show a ghost
            continue
        hits.append(Hit(paper, score, lex.texts[row], lex.positions[row],
                        {name: r.get(pi) for name, r in ranks.items()}))
    return hits


def _dense(vectors: "VectorStore | None", lex: LexicalIndex, query: str, pool: int,
           keep: Any) -> list[tuple[int, float]]:
    """Dense candidates; `keep` (bool over lex.papers, or None) restricts them to admitted papers."""
    if vectors is None or not lex.ids:
        return []
    where = None
    n = pool
    if keep is not None:
        if int(keep.sum()) <= IN_FILTER_LIMIT:
            where = {"paper_id": {"$in": admitted_ids(lex, keep)}}
        else:
            n = pool * 4  # filter afterwards; ask for more so enough candidates survive
    found = vectors.query(vectors.embed_query(query), min(n, len(lex.ids)), where)
    out = []
    for cid, sim in found:
        row = lex.row_of.get(cid)  # ids not in the SQLite chunk table are stale or stray: skip
        if row is not None and (keep is None or keep[lex.paper_of[row]]):
            out.append((row, sim))
    return out


def fuse(runs: dict[str, list[tuple[int, float]]], rrf_k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion of chunk rankings: row -> sum of 1 / (rrf_k + rank)."""
    scores: dict[int, float] = {}
    for run in runs.values():
        for rank_, (row, _) in enumerate(run, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (rrf_k + rank_)
    return scores


def collapse(chunk_scores: dict[int, float], lex: LexicalIndex) -> list[tuple[int, float, int]]:
    """(paper index, score, best chunk row) per paper, best first; ties go to the earlier chunk."""
    best: dict[int, tuple[float, int]] = {}
    for row, score in chunk_scores.items():
        pi = lex.paper_of[row]
        if pi not in best or (score, -row) > (best[pi][0], -best[pi][1]):
            best[pi] = (score, row)
    ordered = sorted(best.items(), key=lambda kv: (-kv[1][0], lex.papers[kv[0]]))
    return [(pi, score, row) for pi, (score, row) in ordered]


def paper_ranks(run: list[tuple[int, float]], lex: LexicalIndex) -> dict[int, int]:
    """Paper index -> 1-based rank of the paper's best chunk in one retriever's ranking."""
    ranks: dict[int, int] = {}
    for row, _ in run:
        ranks.setdefault(lex.paper_of[row], len(ranks) + 1)
    return ranks
