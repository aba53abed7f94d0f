"""Failure shapes of set answers: for every set question of the tuning files, is a failed answer
EXTRAS (all labelled papers listed, plus others), MISSING (a labelled paper left out), both, or a
decline; which path decided it (the first set tool of the answer's trace: an entity filter, a concept
scan, a claims-table filter, a topic/facet query, ranked search) and how many papers it listed.

    PAPERS_HOME=/tmp/somewhere python -m bench.set_failures --skip qa_blind12.jsonl [--path probe.jsonl] [--json out]

Round 10 start (9093108; thirteen dev files, 220 set questions): complete 122, extras 20 (median 3
extra papers, max 46), missing 32, missing+extras 32, declined 14. By path: concept scan 70 (24
complete, 6 extras, 15 missing, 16 both, 9 declined), topic/facet query 59 (28, 13, 10, 8, 0; 4.8
papers listed on average), entity filter 54 (45, 1, 3, 5, 0), claims-table paths 31 (24 complete).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.common import held_out
from bench.qa_dev import ROOT, TUNING_FILES

# the first of these in an answer's trace names the path that decided the set
PATHS = ("claim_threshold", "claim_baseline", "quantity_bound", "claim_metric", "entity_filter", "concept_set",
         "query_claims", "text_matches", "search")


def shape(cited: list[str], gold: list[str], declined: bool) -> str:
    if declined:
        return "declined"
    from evals.qa_suite import set_complete

    miss, extra = set(gold) - set(cited), set(cited) - set(gold)
    if gold and set_complete(cited, gold, False):
        return "complete"
    return "missing+extras" if miss and extra else "missing" if miss else "extras"


def path_of(tools: list[dict]) -> str:
    names = [t["tool"] for t in tools]
    return next((p for p in PATHS if p in names), "none")


def rows(settings, files: list[tuple[str, Path]]) -> list[dict]:
    from agent.corpus import open_store
    from agent.qa import ask
    from evals.corpus_env import EvalCorpus

    store = open_store(settings)
    corpus = EvalCorpus(settings, store, True)
    out = []
    for name, path in files:
        for line in path.read_text().splitlines():
            q = json.loads(line)
            if q["kind"] != "set":
                continue
            a = ask(q["question"], settings=settings, store=store)
            cited = [c.id for c in a.citations] if not a.insufficient else []
            gold = corpus.paper_ids(q["answers"])
            out.append({"file": name, "id": q["id"], "question": q["question"], "gold": gold, "cited": cited,
                        "path": path_of(a.tools), "shape": shape(cited, gold, a.insufficient),
                        "n_extra": len(set(cited) - set(gold)), "n_missing": len(set(gold) - set(cited))})
    return out


def report(out: list[dict]) -> None:
    by_path: dict[str, Counter] = defaultdict(Counter)
    for r in out:
        by_path[r["path"]][r["shape"]] += 1
    shapes = ("complete", "extras", "missing", "missing+extras", "declined")
    print(f"{'path':16} " + " ".join(f"{s:>15}" for s in shapes) + "  n  mean listed")
    for p, c in sorted(by_path.items(), key=lambda kv: -sum(kv[1].values())):
        rs = [r for r in out if r["path"] == p]
        listed = sum(len(r["cited"]) for r in rs) / len(rs)
        print(f"{p:16} " + " ".join(f"{c[s]:>15}" for s in shapes) + f" {len(rs):>3} {listed:6.1f}")
    tot = Counter(r["shape"] for r in out)
    print(f"{'all':16} " + " ".join(f"{tot[s]:>15}" for s in shapes) + f" {len(out):>3}")
    ex = [r["n_extra"] for r in out if r["shape"] == "extras"]
    if ex:
        print(f"extras-only failures: {len(ex)}, extra papers per failure: median {sorted(ex)[len(ex) // 2]}, max {max(ex)}")


def main() -> None:
    from core.settings import get_settings

    skip = set(held_out())
    if "--path" in sys.argv:
        p = Path(sys.argv[sys.argv.index("--path") + 1])
        files = [(p.name, p)]
    else:
        files = [(f, ROOT / "evals" / "fixtures" / f) for f, _ in TUNING_FILES if f not in skip]
    out = rows(get_settings(), files)
    report(out)
    if "--json" in sys.argv:
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
