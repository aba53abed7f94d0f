"""Retrieval quality on the hand-written questions of evals/fixtures/qa.jsonl.

    .venv/bin/python -m bench.retrieval [--home DIR] [--rrf-k 60] [--json]

Ingests seeds/ into a bench home (default .papers-bench/, reused between runs: the index sync is
incremental, so only a chunking change re-embeds), then asks every answerable question in each
mode and prints recall@1, recall@5 and MRR@20, overall and per question kind.

recall@k is |relevant in top k| / min(k, |relevant|): 1.0 means the top k is as full of relevant
papers as it can be, so `set` questions with 17 answers are not capped at 5/17. Unanswerable
questions have no relevant papers and are left out of the averages; their top-1 scores are shown
next to the answerable ones' as a hint for anyone who wants a "no good match" threshold later.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

from core.errors import NotFoundError

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "evals" / "fixtures" / "qa.jsonl"
MODES = ("dense", "bm25", "hybrid")
DEPTH = 20


def bench_settings(home: Path | None = None):
    from core.settings import Settings, reset_settings_cache

    reset_settings_cache()
    home = home or Path(os.environ.get("PAPERS_BENCH_HOME") or REPO / ".papers-bench")
    return Settings(home=home, seeds_dir=REPO / "seeds", chroma_url=None, embedding="local")


def prepared_store(settings):
    """The seed corpus, stored and indexed (incrementally) under settings.home."""
    from agent.corpus import ingest, open_store
    from store.index import sync_index

    ingest([settings.seeds_dir], settings, index=False)
    store = open_store(settings)
    return store, sync_index(store, settings)


def load_questions(store) -> list[dict]:
    questions = []
    for line in QA.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        ids = set()
        for ref in q["answers"]:
            try:
                ids.add(store.resolve(ref).id)
            except NotFoundError:
                raise SystemExit(f"{q['id']}: seed ref {ref} is not in the store (was seeds/ ingested?)") from None
        questions.append(dict(q, relevant=ids))
    return questions


def score_run(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    def recall(k: int) -> float:
        return len(relevant & set(ranked[:k])) / min(k, len(relevant))

    rr = next((1.0 / i for i, pid in enumerate(ranked, start=1) if pid in relevant), 0.0)
    return {"r@1": recall(1), "r@5": recall(5), "mrr": rr}


def evaluate(store, settings, questions: list[dict], modes=MODES) -> dict:
    from store.index import search

    results: dict = {}
    for mode in modes:
        per_q, unanswerable_top = [], []
        for q in questions:
            hits = search(store, settings, q["question"], k=DEPTH, mode=mode)
            if not q["relevant"]:
                unanswerable_top.append(hits[0].score if hits else 0.0)
                continue
            per_q.append(dict(score_run([h.paper.id for h in hits], q["relevant"]), kind=q["kind"],
                              id=q["id"], top1=hits[0].score if hits else 0.0))
        results[mode] = {"overall": _mean(per_q), "per_kind": _per_kind(per_q), "questions": per_q,
                         "top1_answerable": statistics.median(q["top1"] for q in per_q),
                         "top1_unanswerable": statistics.median(unanswerable_top) if unanswerable_top else None}
    return results


def _mean(rows: list[dict]) -> dict[str, float]:
    return {m: round(statistics.fmean(r[m] for r in rows), 3) for m in ("r@1", "r@5", "mrr")} | {"n": len(rows)}


def _per_kind(rows: list[dict]) -> dict[str, dict]:
    kinds = sorted({r["kind"] for r in rows})
    return {k: _mean([r for r in rows if r["kind"] == k]) for k in kinds}


def print_table(results: dict) -> None:
    n = results[MODES[0]]["overall"]["n"]
    print(f"{'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR@20':>8}   (n = {n} answerable questions)")
    for mode, res in results.items():
        o = res["overall"]
        print(f"{mode:<8} {o['r@1']:>9.3f} {o['r@5']:>9.3f} {o['mrr']:>8.3f}")
    print("\nper kind (recall@1 / recall@5 / MRR):")
    kinds = list(next(iter(results.values()))["per_kind"])
    print(f"{'kind':<16}" + "".join(f"{m:>22}" for m in results))
    for kind in kinds:
        cells = []
        for mode in results:
            o = results[mode]["per_kind"][kind]
            cells.append(f"{o['r@1']:.2f} / {o['r@5']:.2f} / {o['mrr']:.2f}".rjust(22))
        n = results[MODES[0]]["per_kind"][kind]["n"]
        print(f"{kind + f' ({n})':<16}" + "".join(cells))
    print("\nmedian top-1 score, answerable vs unanswerable questions:")
    for mode, res in results.items():
        print(f"  {mode:<8} {res['top1_answerable']:.4f} vs {res['top1_unanswerable']:.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="bench PAPERS_HOME (default .papers-bench/)")
    parser.add_argument("--rrf-k", type=int, help="override the RRF constant for this run")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    args = parser.parse_args(argv)
    settings = bench_settings(args.home)
    store, report = prepared_store(settings)
    if args.rrf_k is not None:
        import store.retrieval as retrieval

        retrieval.RRF_K = args.rrf_k
    questions = load_questions(store)
    results = evaluate(store, settings, questions)
    if args.json:
        print(json.dumps(results, indent=1, default=sorted))
        return
    from store.chunking import CHUNKER_VERSION
    from store.retrieval import RRF_K

    print(f"corpus: {store.count()} papers; chunker {CHUNKER_VERSION}; RRF k={RRF_K}; {report}")
    print_table(results)


if __name__ == "__main__":
    main()
