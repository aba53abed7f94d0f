"""Retrieval on paraphrased questions only: dense, BM25, hybrid, and paper-level field search.

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_paraphrase_retrieval    # after `python -m bench.qa_dev --build`

Questions: every `paraphrase` of evals/fixtures/qa.jsonl, qa_dev.jsonl, qa_blind.jsonl .. qa_blind4.jsonl.
Rows printed: top-1, top-5 and MRR of the answer paper for
- hybrid / dense / bm25: the store's chunk retrievers (store/index.py `search`);
- fields-bm25: BM25 over one document per paper: title + TL;DR + the taxonomy descriptions of its
  extracted topics (the query meets the taxonomy's wording through the paper's tags);
- fields-dense: the question against an embedding of title + TL;DR;
- expand-bm25: BM25 on chunks with the question expanded by the description of the taxonomy tag
  whose prototype is nearest the question (query-side expansion);
- syn-*: the question plus, for each plain word no paper uses ("chatbot"), its nearest corpus words
  (MiniLM cosine >= 0.70), in each mode; syn-bm25+dense: that BM25 run fused with plain dense;
- lookup-fused: what `ask` look-ups rank (agent/qa/lookup_pick.py `fused_hits`: paper-level RRF of
  the hybrid, dense and BM25 rankings);
- hybrid+fields(w): chunk dense + chunk BM25 + both field runs at weight w, reciprocal-rank fusion.
This measures whether field search and expansion help paraphrases (issue 12 item 4); it changes nothing.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from bench.common import held_out
from bench.qa_dev import TUNING_FILES

ROOT = Path(__file__).resolve().parent.parent
# round 10: every tuning file of bench/qa_dev.py but those named by `--skip` (a held-out file), plus
# `--path FILE` (a probe)
_SKIP = held_out()
_PATHS = tuple(sys.argv[i + 1] for i, arg in enumerate(sys.argv) if arg == "--path")
FILES = tuple(f for f, _ in TUNING_FILES if f not in _SKIP) + _PATHS
RRF_K = 60


def _field_docs(store, taxonomy) -> tuple[list[str], list[str], list[str]]:
    from store.extractions import latest_extraction

    ids, lexical, dense = [], [], []
    for p in store.all():
        ext = latest_extraction(store, p.id)
        facts = ext.to_json() if ext is not None else {}
        tldr = facts.get("tldr") or ""
        desc = " ".join(f"{t.replace('-', ' ')} {taxonomy[t].description}" for t in facts.get("topics") or []
                        if t in taxonomy)
        ids.append(p.id)
        lexical.append(f"{p.title or ''}. {tldr} {desc}")
        dense.append(f"{p.title or ''}. {tldr}")
    return ids, lexical, dense


EXPAND_MIN = 0.70         # a corpus word this near a question word the corpus never uses is added
EXPAND_PER_WORD = 2        # at most this many corpus words per unknown question word


def expansion(question: str, stats, min_cos: float = EXPAND_MIN, per_word: int = EXPAND_PER_WORD) -> list[str]:
    """Corpus words to add to a question before searching it: for each plain word the question writes that
    no paper uses ("chatbot", "picture", "quick"), the nearest words of the corpus vocabulary (MiniLM
    cosine >= min_cos). BM25 cannot match a word no abstract has; its near synonym it can. Names and
    product codes ("Set5", "MI300") are left alone: they are constraints, not paraphrases."""
    from agent.qa.synonyms import _NAME_LIKE, _matrix
    from agent.qa.text import STOP, term_set

    vocab = getattr(stats, "vocab", ())
    if not vocab:
        return []
    words = []
    for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", question):
        low = w.lower()
        if low in STOP or _NAME_LIKE.search(w) or low in words:
            continue
        if all(stats.df.get(t, 0) == 0 for t in term_set(w)) and term_set(w):
            words.append(low)
    out: list[str] = []
    for w in words:
        out += [v for v in _neighbours(w, vocab, min_cos, per_word) if v not in out]
    return out


@lru_cache(maxsize=4096)
def _neighbours(word: str, vocab: tuple[str, ...], min_cos: float, per_word: int) -> tuple[str, ...]:
    from agent.qa.synonyms import _matrix
    from store.embeddings import embed

    sims = _matrix(vocab) @ embed([word], threads=1)[0]
    order = sims.argsort()[::-1][:per_word]
    return tuple(vocab[i] for i in order if sims[i] >= min_cos)


def _rank(order: list[str], gold: set[str]) -> int:
    return next((i for i, pid in enumerate(order, 1) if pid in gold), 10_000)


def _rrf(runs: dict[str, list[str]], weights: dict[str, float]) -> list[str]:
    scores: dict[str, float] = {}
    for name, order in runs.items():
        for r, pid in enumerate(order, 1):
            scores[pid] = scores.get(pid, 0.0) + weights.get(name, 1.0) / (RRF_K + r)
    return sorted(scores, key=lambda pid: -scores[pid])


def main() -> None:
    from agent.corpus import open_store
    from agent.engines.local.topics import TopicTagger, _prototype_text
    from core.settings import get_settings
    from store.bm25 import BM25, tokenize
    from store.embeddings import embed, embed_cached
    from store.index import search

    from agent.qa.lookup_pick import fused_hits
    from agent.qa.tools import QAContext, bm25_scores, dense_scores, search_papers

    settings = get_settings()
    store = open_store(settings)
    stats = QAContext(store, settings).stats()
    tagger = TopicTagger()
    taxonomy = tagger.taxonomy
    names, protos = tagger._prototypes()
    ids, lexical, dense_docs = _field_docs(store, taxonomy)
    field_bm25 = BM25(tokenize(d) for d in lexical)
    field_vecs = embed_cached(dense_docs, "bench-paraphrase-fields")
    ranks: dict[str, list[int]] = {}
    for name in FILES:
        for line in (Path(name) if "/" in name else ROOT / "evals" / "fixtures" / name).read_text().splitlines():
            q = json.loads(line)
            if q["kind"] != "paraphrase":
                continue
            gold = {store.resolve(ref).id for ref in q["answers"]}
            runs = {m: [h.paper.id for h in search(store, settings, q["question"], k=50, mode=m)]
                    for m in ("hybrid", "dense", "bm25")}
            ctx = QAContext(store, settings)
            runs["lookup-fused"] = [s.id for s in fused_hits(ctx, search_papers(ctx, q["question"], k=20),
                                                             dense_scores(ctx, q["question"]),
                                                             bm25_scores(ctx, q["question"]), k=20)]
            runs["fields-bm25"] = [ids[i] for i, _ in field_bm25.top(tokenize(q["question"]), 50, None)]
            qv = embed([q["question"]], threads=1)[0]
            runs["fields-dense"] = [ids[i] for i in np.argsort(-(field_vecs @ qv))[:50]]
            tag = names[int(np.argmax(protos @ qv))]
            expanded = f"{q['question']} {_prototype_text(taxonomy[tag])}"
            runs["expand-bm25"] = [h.paper.id for h in search(store, settings, expanded, k=50, mode="bm25")]
            extra = expansion(q["question"], stats)
            expanded_q = f"{q['question']} {' '.join(extra)}" if extra else q["question"]
            for m in ("hybrid", "dense", "bm25"):
                runs[f"syn-{m}"] = [h.paper.id for h in search(store, settings, expanded_q, k=50, mode=m)]
            runs["syn-bm25+dense"] = _rrf({"b": runs["syn-bm25"], "d": runs["dense"]}, {})
            runs.update(_field_fusions(runs))
            for m, order in runs.items():
                ranks.setdefault(m, []).append(_rank(order, gold))
                ranks.setdefault(f"{name}:{m}", []).append(_rank(order, gold))
    _report(ranks)


def _field_fusions(runs: dict[str, list[str]]) -> dict[str, list[str]]:
    """The chunk retrievers fused with the per-field ones at three field weights."""
    chunk = {k: runs[k] for k in ("dense", "bm25")}
    return {f"hybrid+fields({w})": _rrf({**chunk, "fb": runs["fields-bm25"], "fd": runs["fields-dense"]},
                                        {"fb": w, "fd": w})
            for w in (0.25, 0.5, 1.0)}


def _report(ranks: dict[str, list[int]]) -> None:
    """Top-1 / top-5 / MRR of each run over all files, then of the shipped retrievers per file."""
    for m, r in ranks.items():
        if ":" in m:
            continue
        r = np.array(r)
        print(f"{m:20} n={len(r)}  top1 {np.mean(r == 1):.3f}  top5 {np.mean(r <= 5):.3f}  "
              f"6-20 {np.mean((r > 5) & (r <= 20)):.3f}  mrr {np.mean(1 / r):.3f}")
    print("per file (top-1 / top-5 / MRR):")
    for name in FILES:
        row = []
        for m in ("hybrid", "dense", "bm25", "lookup-fused"):
            r = np.array(ranks.get(f"{name}:{m}", [10_000]))
            row.append(f"{m} {np.mean(r == 1):.2f}/{np.mean(r <= 5):.2f}/{np.mean(1 / r):.2f}")
        print(f"  {name:16} n={len(ranks.get(f'{name}:hybrid', []))}  " + "  ".join(row))


if __name__ == "__main__":
    main()
