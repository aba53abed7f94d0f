"""Add the per-constraint meaning features (agent/qa/set_meaning.py) to the candidate rows cached by
bench/set_membership.py, for bench/set_cut.py to score leave-one-file-out.

    PAPERS_HOME=/tmp/somewhere python -m bench.set_membership          # once: the candidate rows
    PAPERS_HOME=/tmp/somewhere python -m bench.set_meaning             # once: rows + meaning features
    PAPERS_HOME=/tmp/somewhere python -m bench.set_cut --meaning       # LOFO with and without them

Every candidate's sentences are embedded once (one batch per question, cached per paper).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bench.qa_dev import ROOT


def questions() -> dict[tuple[str, str], str]:
    out = {}
    for f in sorted((ROOT / "evals" / "fixtures").glob("qa*.jsonl")):
        for line in f.read_text().splitlines():
            q = json.loads(line)
            out[(f.name, q["id"])] = q["question"]
    return out


def add_meaning(rows: list[dict], settings) -> None:
    from agent.corpus import open_store
    from agent.qa import set_concepts as sc, set_meaning
    from agent.qa.sets import entity_constraints
    from agent.qa.tools import QAContext

    store = open_store(settings)
    ctx = QAContext(store, settings, None)
    index = sc.term_index(ctx)
    asked = questions()
    for row in rows:
        if not row["cands"]:
            continue
        q = asked[(row["file"], row["id"])]
        concepts = sc.read(q, index, [c.surface for c in entity_constraints(q)])
        row["phrases"] = set_meaning.constraint_phrases(concepts) or [q]
        papers = store.get_many(list(row["cands"]))
        feats = set_meaning.candidate_meaning(concepts, papers, q)
        row["groups"] = _group_scores(row["phrases"], papers)
        for pid, f in row["cands"].items():
            f.update(feats.get(pid, dict.fromkeys(set_meaning.FEATURES, 0.0)))


def _group_scores(phrases: list[str], papers: list) -> dict[str, list[float]]:
    """Paper id -> each group's best-sentence cosine (kept in the rows to try other combinations)."""
    from agent.qa import set_meaning
    from store.embeddings import embed

    alts = [(g, a) for g, phrase in enumerate(phrases) for a in set_meaning.alternatives(phrase)]
    return set_meaning.group_scores(embed([a for _, a in alts]), [g for g, _ in alts],
                                    set_meaning.sentence_vectors(papers))


def main() -> None:
    from core.settings import get_settings

    home = Path(os.environ.get("PAPERS_HOME") or "/tmp")
    rows = json.loads((home / "set_membership_rows.json").read_text())
    t0 = time.process_time()
    add_meaning(rows, get_settings())
    print(f"meaning features for {sum(len(r['cands']) for r in rows)} candidates in {time.process_time() - t0:.0f} CPU s")
    (home / "set_meaning_rows.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
