"""Paraphrase retrieval beyond the look-up's paper-level fusion: what was tried in round 4 (issue 12
item 4) and how it does leave-one-file-out. It changes nothing; `ask` keeps `fused_hits`.

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_paraphrase_rerank    # after `python -m bench.qa_dev --build`

Questions: the paraphrases of the six tuning files (bench.qa_paraphrase_retrieval.FILES); the look-ups
and numeric questions are scored too, as the no-harm check. Rows (top-1 / top-5 / MRR of the answer paper):
- lookup-fused: what `ask` ranks today (agent/qa/lookup_pick.py: RRF of hybrid, dense, BM25 per paper);
- sent-max / sent-top2: the question against every title and abstract sentence (MiniLM), a paper scored
  by its best sentence or the mean of its best two, instead of its best ~120-word chunk;
- +sent-top2: the look-up fusion with the sentence ranking as a fourth run;
- mix-dense(a): the fusion with its dense run replaced by a * chunk cosine + (1 - a) * sent-top2;
- clause-sent / +clause-sent: the question cut into clauses (at , ; : ? and joining words), each clause
  against every sentence, a paper scored by the mean over clauses of its best sentence; alone and as
  a fourth run (a three-clause paraphrase names three facets one chunk vector blurs);
- +dense-slot: the dense first choice keeps a place in the top 4 when the fusion drops it;
- +prf-bm25: a fourth run, BM25 over title + abstract with the question plus the PRF_TERMS most
  distinctive terms (tf-idf, rank-weighted) of the fusion's top PRF_DEPTH papers (pseudo-relevance feedback);
- +assoc-bm25: a fourth run, BM25 with each question term's ASSOC_PER_TERM most associated terms
  (PMI of co-occurrence in the 1,992 SciTLDR train abstracts + TL;DRs and the corpus abstracts), at
  weight ASSOC_WEIGHT;
- fitted-rrf (lofo): weights of hybrid / dense / BM25 / sentence runs and the dense mix fitted (grid,
  best MRR) on the paraphrases of five files and scored on the sixth; (lofo, all kinds): fitted on the
  paraphrases, look-ups and numeric questions of five files; (in-fit): fitted on all six files' paraphrases.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter

import numpy as np

from agent.engines.local.tldr_train import DEFAULT_TRAIN as SCITLDR_TRAIN   # ../shared, or PAPERS_SCITLDR_TRAIN
from bench.qa_paraphrase_retrieval import FILES, ROOT, _rank, _rrf

RUN_DEPTH = 20          # each run contributes its top 20 papers, as dense_scores / bm25_scores do
PRF_DEPTH, PRF_TERMS = 3, 10
ASSOC_PER_TERM, ASSOC_WEIGHT, ASSOC_MIN_JOINT = 2, 0.5, 3
CLAUSE_SPLIT = re.compile(r"[,;:?]|\s(?:and|but|so that|so|while|by|which|instead of|without|because)\s", re.I)
GRID = list(itertools.product((0.5, 1.0, 1.5, 2.0), (0.5, 1.0, 1.5), (0.0, 0.5, 1.0), (0.0, 0.25, 0.5, 0.75)))


def sentence_matrix(store) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """(unit vectors, paper id -> its rows): each paper's title, then its abstract sentences."""
    from core.text import split_sentences
    from store.embeddings import embed_cached

    texts, rows = [], {}
    for p in sorted(store.all(), key=lambda p: p.id):
        start = len(texts)
        texts += [p.title or ""] + (split_sentences(p.abstract or "") or [p.abstract])
        rows[p.id] = (start, len(texts))
    return embed_cached(texts, "sentences"), rows


def clauses(question: str) -> list[str]:
    """The question's clauses of at least three words (the whole question when none is)."""
    parts = [p.strip() for p in CLAUSE_SPLIT.split(question) if p and len(re.findall(r"[A-Za-z]{3,}", p)) >= 3]
    return parts or [question]


def _order(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda p: (-scores[p], p))


class PaperLexicon:
    """BM25 over one title + abstract document per paper, with PRF and association expansion."""

    def __init__(self, papers):
        from store.bm25 import BM25, tokenize

        self.ids = [p.id for p in papers]
        self.tokens = {p.id: tokenize(f"{p.title or ''} {p.abstract}") for p in papers}
        self.bm25 = BM25(self.tokens[i] for i in self.ids)
        self.df = Counter(t for toks in self.tokens.values() for t in set(toks))
        self.docs = [set(toks) for toks in self.tokens.values()] + list(_scitldr_docs())
        self.assoc_df = Counter(t for d in self.docs for t in d)
        self._assoc: dict[str, list[str]] = {}

    def top(self, scores: np.ndarray) -> list[str]:
        return [self.ids[i] for i in np.argsort(-scores)[:RUN_DEPTH]]

    def prf(self, question: str, ranked: list[str]) -> list[str]:
        from store.bm25 import tokenize

        q = tokenize(question)
        weight: dict[str, float] = {}
        for r, pid in enumerate(ranked[:PRF_DEPTH], 1):
            toks = self.tokens[pid]
            for t, n in Counter(toks).items():
                if t not in q and self.df[t] >= 2:
                    weight[t] = weight.get(t, 0.0) + n / len(toks) * math.log(len(self.ids) / self.df[t]) / r
        extra = [t for t, _ in sorted(weight.items(), key=lambda kv: -kv[1])[:PRF_TERMS]]
        base, more = self.bm25.scores(q), self.bm25.scores(extra)
        return self.top(2 * base / (base.max() + 1e-9) + more / (more.max() + 1e-9))

    def associated(self, term: str) -> list[str]:
        if term not in self._assoc:
            df, n = self.assoc_df, len(self.docs)
            joint = Counter(u for d in self.docs if term in d for u in d if u != term and u in self.bm25.vocab)
            pmi = {u: math.log(c * n / (df[term] * df[u])) for u, c in joint.items()
                   if c >= ASSOC_MIN_JOINT and df[u] < 0.2 * n}
            self._assoc[term] = _order(pmi)[:ASSOC_PER_TERM] if df[term] >= ASSOC_MIN_JOINT else []
        return self._assoc[term]

    def assoc(self, question: str) -> list[str]:
        from store.bm25 import tokenize

        q = tokenize(question)
        extra = [u for t in q for u in self.associated(t) if u not in q]
        return self.top(self.bm25.scores(q) + ASSOC_WEIGHT * self.bm25.scores(extra))


def _scitldr_docs():
    from store.bm25 import tokenize

    if not SCITLDR_TRAIN.exists():
        return
    for line in SCITLDR_TRAIN.read_text().splitlines():
        r = json.loads(line)
        yield set(tokenize(" ".join(r["source"]) + " " + " ".join(r["target"])))


def collect(store, settings) -> list[dict]:
    """One record per paraphrase / look-up / numeric question: its answer papers and every run."""
    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, search_papers
    from store.embeddings import embed
    from store.index import search

    vecs, rows = sentence_matrix(store)
    lexicon = PaperLexicon(sorted(store.all(), key=lambda p: p.id))
    out = []
    for name in FILES:
        for line in (ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            if q["kind"] not in ("paraphrase", "lookup", "numeric"):
                continue
            text, ctx = q["question"], QAContext(store, settings)
            hits, cos, bm = search_papers(ctx, text, k=10), dense_scores(ctx, text), bm25_scores(ctx, text)
            fused = [s.id for s in fused_hits(ctx, hits, cos, bm)]
            sims = vecs @ embed([text], threads=1)[0]
            per_clause = embed(clauses(text), threads=1) @ vecs.T
            best = {pid: np.sort(sims[a:b])[::-1] for pid, (a, b) in rows.items()}
            chunk = {h.paper.id: float(h.score) for h in search(store, settings, text, k=len(rows), mode="dense")}
            out.append({"file": name, "kind": q["kind"], "gold": {store.resolve(r).id for r in q["answers"]},
                        "hybrid": [h.id for h in hits], "dense": _order(cos), "bm25": _order(bm), "fused": fused,
                        "chunk": chunk, "smax": {p: float(s[0]) for p, s in best.items()},
                        "stop2": {p: float(s[:2].mean()) for p, s in best.items()},
                        "clause": {p: float(per_clause[:, a:b].max(axis=1).mean()) for p, (a, b) in rows.items()},
                        "prf": lexicon.prf(text, fused), "assoc": lexicon.assoc(text)})
    return out


def mixed_dense(x: dict, a: float) -> list[str]:
    """Papers by a * best-chunk cosine + (1 - a) * mean of the best two sentence cosines."""
    floor = min(x["chunk"].values(), default=0.0)
    return _order({p: a * x["chunk"].get(p, floor) + (1 - a) * s for p, s in x["stop2"].items()})[:RUN_DEPTH]


def fitted_rrf(x: dict, w: tuple[float, float, float, float]) -> list[str]:
    """(dense weight, BM25 weight, sentence-run weight, sentence share of the dense run); hybrid at 1."""
    dense = mixed_dense(x, 1 - w[3]) if w[3] else x["dense"]
    return _rrf({"h": x["hybrid"], "d": dense, "b": x["bm25"], "s": _order(x["stop2"])[:RUN_DEPTH]},
                {"h": 1.0, "d": w[0], "b": w[1], "s": w[2]})[:10]


def dense_slot(x: dict, keep: int = 3) -> list[str]:
    """The fusion's first `keep` papers, then the dense first choice if the fusion left it lower."""
    top = x["fused"][:keep] + [p for p in x["dense"][:1] if p not in x["fused"][:keep]]
    return top + [p for p in x["fused"] if p not in top]


def with_run(x: dict, run: list[str]) -> list[str]:
    return _rrf({"h": x["hybrid"], "d": x["dense"], "b": x["bm25"], "x": run}, {})[:10]


METHODS = {
    "lookup-fused": lambda x: x["fused"],
    "sent-max": lambda x: _order(x["smax"]),
    "sent-top2": lambda x: _order(x["stop2"]),
    "+sent-top2": lambda x: with_run(x, _order(x["stop2"])[:RUN_DEPTH]),
    "clause-sent": lambda x: _order(x["clause"]),
    "+clause-sent": lambda x: with_run(x, _order(x["clause"])[:RUN_DEPTH]),
    "mix-dense(0.5)": lambda x: _rrf({"h": x["hybrid"], "d": mixed_dense(x, 0.5), "b": x["bm25"]}, {})[:10],
    "+dense-slot": dense_slot,
    "+prf-bm25": lambda x: with_run(x, x["prf"]),
    "+assoc-bm25": lambda x: with_run(x, x["assoc"]),
}


def figures(xs: list[dict], method) -> tuple[float, float, float]:
    r = np.array([_rank(method(x), x["gold"]) for x in xs] or [10_000])
    return float(np.mean(r == 1)), float(np.mean(r <= 5)), float(np.mean(1 / r))


def fit_weights(xs: list[dict]) -> tuple:
    """The grid point with the best MRR (then top-5; ties to the plainest: weights nearest 1, no sentences)."""
    def key(w):
        f = figures(xs, lambda x: fitted_rrf(x, w))
        return round(f[2], 4), f[1], -abs(w[0] - 1) - abs(w[1] - 1) - w[2] - w[3]
    return max(GRID, key=key)


def main() -> None:
    from agent.corpus import open_store
    from core.settings import get_settings

    settings = get_settings()
    data = collect(open_store(settings), settings)
    para = [x for x in data if x["kind"] == "paraphrase"]
    held = {f: fit_weights([x for x in para if x["file"] != f]) for f in FILES}
    every = fit_weights(para)
    held_all = {f: fit_weights([x for x in data if x["file"] != f]) for f in FILES}
    methods = dict(METHODS)
    methods["fitted-rrf (lofo)"] = lambda x: fitted_rrf(x, held[x["file"]])
    methods["fitted-rrf (lofo, all kinds)"] = lambda x: fitted_rrf(x, held_all[x["file"]])
    methods["fitted-rrf (in-fit)"] = lambda x: fitted_rrf(x, every)
    print("held-out weights (dense, bm25, sentences, sentence share):",
          {f: held[f] for f in FILES}, "all kinds:", {f: held_all[f] for f in FILES}, "in-fit:", every)
    lookups = [x for x in data if x["kind"] != "paraphrase"]
    for name, method in methods.items():
        per = "  ".join(f"{f.removesuffix('.jsonl')} " + "/".join(f"{v:.2f}" for v in
                        figures([x for x in para if x["file"] == f], method)) for f in FILES)
        print(f"{name:28} paraphrases n={len(para)} " + "/".join(f"{v:.3f}" for v in figures(para, method))
              + f"  look-ups+numeric n={len(lookups)} " + "/".join(f"{v:.3f}" for v in figures(lookups, method))
              + f"\n{'':28} {per}", flush=True)


if __name__ == "__main__":
    main()
