"""QA figures on evals/fixtures/qa.jsonl, per question kind, with warm latency. Printed; never a test.

    PAPERS_HOME=~/.papers .venv/bin/python bench/qa.py [--engine local] [--json] [-v]

Needs a store with the seeds ingested and indexed and `papers extract --all` run (set questions
are answered from the claims tables). Metrics:
- lookup: gold paper cited first (top-1) and answered; paraphrase: gold in the first 5 sources;
- set: completeness = recall of the gold set among cited papers, plus precision;
- numeric / all answerable: every key fact in the answer (case, spacing and x/× spelling ignored);
- unanswerable: declined (`insufficient`);
- citations ⊆ gold papers, per answered question; relevance margin of the local gate.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def norm(text: str) -> str:
    text = re.sub(r"\$\s*\\times\s*\$|\\times|×|\btimes\b", "x", text)
    return re.sub(r"[\s\\$]+", "", text).lower()


def has_fact(answer: str, fact: str) -> bool:
    return norm(fact) in norm(answer)


def score(q: dict, ans, gold: list[str]) -> dict:
    src = [s.id for s in ans.sources]
    cited = [c.id for c in ans.citations]
    row = {"id": q["id"], "kind": q["kind"], "insufficient": ans.insufficient, "route": ans.route,
           "seconds": round(ans.seconds, 3), "facts": all(has_fact(ans.answer, f) for f in q["key_facts"]),
           "cited_in_gold": set(cited) <= set(gold) if cited else None, "note": (ans.notes or [""])[0]}
    if q["kind"] in ("lookup", "paraphrase", "numeric"):
        row["rank"] = src.index(gold[0]) + 1 if gold[0] in src else None
        row["top1_cited"] = bool(cited) and cited[0] == gold[0]
    if q["kind"] == "set":
        hit = len(set(cited) & set(gold))
        row["recall"] = hit / len(gold)
        row["precision"] = hit / len(cited) if cited else 0.0
        row["missed"], row["extra"] = len(gold) - hit, len(set(cited) - set(gold))
    return row


def summary(rows: list[dict]) -> dict:
    by = lambda k: [r for r in rows if r["kind"] == k]  # noqa: E731
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    out = {
        "lookup_top1": mean([r["top1_cited"] and not r["insufficient"] for r in by("lookup")]),
        "lookup_facts": mean([r["facts"] and not r["insufficient"] for r in by("lookup")]),
        "paraphrase_top5": mean([r["rank"] is not None and r["rank"] <= 5 for r in by("paraphrase")]),
        "paraphrase_top1": mean([r["rank"] == 1 for r in by("paraphrase")]),
        "paraphrase_answered": mean([not r["insufficient"] for r in by("paraphrase")]),
        "paraphrase_facts": mean([r["facts"] and not r["insufficient"] for r in by("paraphrase")]),
        "set_completeness": mean([r["recall"] for r in by("set")]),
        "set_precision": mean([r["precision"] for r in by("set")]),
        "set_complete_questions": sum(r["recall"] == 1.0 for r in by("set")),
        "numeric_facts": mean([r["facts"] and not r["insufficient"] for r in by("numeric")]),
        "unanswerable_declined": mean([r["insufficient"] for r in by("unanswerable")]),
        "citations_in_gold": mean([r["cited_in_gold"] for r in rows if r["cited_in_gold"] is not None]),
    }
    rel = {r["id"]: float(m.group(1)) for r in rows if (m := re.match(r"relevance ([\d.]+)", r["note"]))}
    kinds = {r["id"]: r["kind"] for r in rows}
    answer_side = [v for k, v in rel.items() if kinds[k] in ("lookup", "numeric")]
    decline_side = [v for k, v in rel.items() if kinds[k] == "unanswerable"]
    if answer_side and decline_side:
        out["gate_lowest_lookup_or_numeric"] = min(answer_side)
        out["gate_highest_unanswerable"] = max(decline_side)
    secs = [r["seconds"] for r in rows]
    out["latency_median_s"] = round(statistics.median(secs), 3)
    out["latency_p90_s"] = round(sorted(secs)[int(0.9 * (len(secs) - 1))], 3)
    out["latency_max_s"] = round(max(secs), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="local")
    ap.add_argument("--fixtures", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    from agent.corpus import open_store
    from agent.qa import ask
    from core.settings import get_settings
    from evals.loaders import load_qa

    settings = get_settings()
    store = open_store(settings)
    questions = load_qa(args.fixtures)
    started = time.perf_counter()
    ask("warm-up question about KV cache compression", settings, store=store, engine=args.engine)
    warm_up = time.perf_counter() - started
    rows = []
    for q in questions:
        ans = ask(q["question"], settings, store=store, engine=args.engine)
        rows.append(score(q, ans, [store.resolve(r).id for r in q["answers"]]))
        if args.verbose:
            print(json.dumps(rows[-1]), file=sys.stderr)
            print("   ", ans.answer.replace("\n", " | ")[:400], file=sys.stderr)
    result = {"engine": args.engine, "questions": len(rows), "cold_first_answer_s": round(warm_up, 2),
              **summary(rows), "rows": rows}
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for k, v in result.items():
            if k != "rows":
                print(f"{k:>24}: {v}")
        for r in rows:
            flag = "" if _ok(r) else "   <-- miss"
            print(f"{r['id']} {r['kind']:<12} {r['route']:<8} rank={r.get('rank')} ins={r['insufficient']} "
                  f"facts={r['facts']} {r.get('recall', '')} {r['seconds']:.2f}s {r['note']}{flag}")
    return 0


def _ok(r: dict) -> bool:
    if r["kind"] == "unanswerable":
        return r["insufficient"]
    if r["kind"] == "set":
        return r["recall"] == 1.0 and r["precision"] == 1.0
    if r["kind"] == "paraphrase":
        return (r["rank"] or 99) <= 5 and not r["insufficient"] and r["facts"]
    return r.get("top1_cited", False) and r["facts"] and not r["insufficient"]


if __name__ == "__main__":
    sys.exit(main())
