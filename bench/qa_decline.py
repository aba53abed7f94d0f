"""Not-covered and figure questions, by constraint kind: declined, `missing` naming the labelled
constraint, and (for the answerable side) answered and figure right, over the tuning files or one file.

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_decline [--skip qa_blind10.jsonl] [--path FILE] [-v]

Each not-covered question of the fixtures carries `constraint` (dataset | hardware | model | metric |
task) and `missing` (the constraint as the question wrote it). The table says, per kind, how many were
declined and how many of those name the constraint (a word shared with the label, as evals/qa_suite.py
scores `missing_named`); `-v` lists every miss with what `missing` said. Answerable questions are
counted as answered (look-ups and paraphrases: with the right paper in the top 5; figures: right paper
and every key fact), so a decline mechanism that also declines covered questions shows here.
Uses an existing store (`python -m bench.qa_dev --build` once).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from bench.common import held_out
from bench.qa_dev import ROOT, TUNING_FILES


def _rows(path: Path, corpus, settings, store) -> list[dict]:
    from agent.qa import ask
    from evals.qa_suite import score_answer

    out = []
    for line in path.read_text().splitlines():
        q = json.loads(line)
        answers = corpus.paper_ids(q["answers"])
        row = score_answer(q, answers, ask(q["question"], settings=settings, store=store))
        row["answers"], row["constraint"], row["label"] = answers, q.get("constraint"), q.get("missing")
        out.append(row)
    return out


def _ok(r: dict) -> bool:
    if r["kind"] == "unanswerable":
        return bool(r["declined"])
    if r["kind"] in ("lookup", "paraphrase"):
        return bool(r["answered"]) and bool(set(r["sources"][:5]) & set(r["answers"]))
    if r["kind"] == "numeric":
        return bool(r["answered"]) and bool(set(r["cited"]) & set(r["answers"])) and r["key_facts"] in (None, 1.0)
    return bool(r["answered"])       # a set: answered (completeness is bench.qa_dev's)


def report(rows: list[dict], verbose: bool) -> None:
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])   # kind -> [n, declined, named]
    for r in (r for r in rows if r["kind"] == "unanswerable"):
        t = table[r.get("constraint") or "-"]
        t[0] += 1
        t[1] += int(r["declined"])
        t[2] += int(bool(r["declined"]) and r.get("missing_named") == 1.0)
    for kind, (n, dec, named) in sorted(table.items()):
        print(f"   not covered / {kind:8s}: declined {dec}/{n}, missing named {named}/{n}")
    for kind in ("lookup", "paraphrase", "numeric", "set"):
        some = [r for r in rows if r["kind"] == kind]
        if some:
            print(f"   covered / {kind:10s}: right {sum(map(_ok, some))}/{len(some)}")
    for r in rows if verbose else ():
        bad = not _ok(r) or (r["kind"] == "unanswerable" and r.get("missing_named") == 0.0)
        if bad:
            print(f"   MISS {r['id']} {r['kind']}/{r.get('constraint') or ''}: {r['question'][:100]}")
            print(f"      label {r.get('label')}, missing {r.get('missing')}; "
                  + r["answer"][:160].replace("\n", " | "))


def main() -> None:
    from agent.corpus import open_store
    from core.settings import get_settings
    from evals.corpus_env import EvalCorpus

    settings = get_settings()
    store = open_store(settings)
    corpus = EvalCorpus(settings, store, True)
    args = sys.argv[1:]
    skip = held_out()
    paths = [Path(args[args.index("--path") + 1])] if "--path" in args else \
        [ROOT / "evals" / "fixtures" / f for f, _ in TUNING_FILES if f not in skip]
    everything: list[dict] = []
    for path in paths:
        rows = _rows(path, corpus, settings, store)
        everything += rows
        print(f"== {path.name}")
        report(rows, "-v" in args)
    if len(paths) > 1:
        print("== all files")
        report(everything, False)


if __name__ == "__main__":
    main()
