"""Score `ask` on the tuning files: qa.jsonl (in-sample), qa_dev.jsonl (dev) and the blind files of
earlier rounds that are dev material now (qa_blind.jsonl, qa_blind2.jsonl, qa_blind3.jsonl,
qa_blind4.jsonl … qa_blind12.jsonl); never the current
blind file.

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --build   # ingest + extract the seeds once
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev [-v]      # per-file summary, by kind, failures
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --kind set -v   # only one kind of question
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --file qa_blind6.jsonl --quiet   # one file, figures only
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --path bench/probes/qa_list_probe7.jsonl -v   # any file
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_dev --skip qa_blind10.jsonl   # hold one file out

Uses the scoring functions of evals/qa_suite.py on an existing store, so tuning loops do not rebuild
the store each time (`papers eval --suite qa` does, and also scores the blind files).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.common import held_out

ROOT = Path(__file__).resolve().parent.parent
TUNING_FILES = (("qa.jsonl", "in_sample"), ("qa_dev.jsonl", "dev"), ("qa_blind.jsonl", "dev_was_blind1"),
                ("qa_blind2.jsonl", "dev_was_blind2"), ("qa_blind3.jsonl", "dev_was_blind3"),
                ("qa_blind4.jsonl", "dev_was_blind4"), ("qa_blind5.jsonl", "dev_was_blind5"),
                ("qa_blind6.jsonl", "dev_was_blind6"), ("qa_blind7.jsonl", "dev_was_blind7"),
                ("qa_blind8.jsonl", "dev_was_blind8"), ("qa_blind9.jsonl", "dev_was_blind9"),
                ("qa_blind10.jsonl", "dev_was_blind10"), ("qa_blind11.jsonl", "dev_was_blind11"),
                ("qa_blind12.jsonl", "dev_was_blind12"))


def build(settings) -> None:
    from agent.corpus import ingest
    from agent.engines.registry import get_engine
    from agent.extract import extract_batch

    ingest(None, settings, index=True)
    extract_batch(get_engine(settings=settings), input_path=None, use_all=True, output=None, save=True, settings=settings)


def score(settings, verbose: bool = False, kind: str | None = None, only: str | None = None,
          quiet: bool = False, path: str | None = None, skip: tuple[str, ...] = ()) -> dict:
    from agent.corpus import open_store
    from agent.qa import ask
    from evals.corpus_env import EvalCorpus
    from evals.qa_suite import by_kind, score_answer, summary

    store = open_store(settings)
    corpus = EvalCorpus(settings, store, True)
    out = {}
    files = ((path, "probe"),) if path else TUNING_FILES
    for file, role in files:
        if (only and file != only) or file in skip:
            continue
        rows = []
        for line in (Path(path) if path else ROOT / "evals" / "fixtures" / file).read_text().splitlines():
            q = json.loads(line)
            if kind and q["kind"] != kind:
                continue
            answers = corpus.paper_ids(q["answers"])
            row = score_answer(q, answers, ask(q["question"], settings=settings, store=store))
            row["answers"] = answers
            rows.append(row)
        out[role] = {"summary": summary(rows), "by_kind": by_kind(rows)}
        print(f"== {file}: " + ", ".join(f"{k} {v:.3f}" for k, v in summary(rows).items() if v is not None))
        for name, figs in by_kind(rows).items():
            print(f"   {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in figs.items()))
        for r in rows if not quiet else ():
            bad = (r["kind"] == "unanswerable" and not r["declined"]) or \
                  (r["kind"] in ("lookup", "paraphrase") and not (r["answered"] and set(r["sources"][:5]) & set(r["answers"]))) or \
                  (r["kind"] == "set" and not r["set_complete"]) or \
                  (r["kind"] == "numeric" and not (r["answered"] and set(r["cited"]) & set(r["answers"])))
            if bad:
                print(f"   FAIL {r['id']} {r['kind']}: {r['question'][:90]}")
                if verbose and r["kind"] == "set":
                    print(f"      missed {sorted(set(r['answers']) - set(r['cited']))}, "
                          f"extra {sorted(set(r['cited']) - set(r['answers']))}")
                if verbose:
                    print("      " + r["answer"][:300].replace("\n", "\n      "))
    return out


def main() -> None:
    from core.settings import get_settings

    settings = get_settings()
    if "--build" in sys.argv:
        # building only: a build that went on to score every tuning file would show a held-out file's
        # figures to someone who meant to `--skip` it
        build(settings)
        print("built; score with `python -m bench.qa_dev [--skip FILE]`")
        return
    kind = sys.argv[sys.argv.index("--kind") + 1] if "--kind" in sys.argv else None
    only = sys.argv[sys.argv.index("--file") + 1] if "--file" in sys.argv else None
    path = sys.argv[sys.argv.index("--path") + 1] if "--path" in sys.argv else None
    # `--skip F` keeps a held-out file out of a tuning loop (scored once, at the end, with `--file F`)
    skip = held_out()
    score(settings, verbose="-v" in sys.argv, kind=kind, only=only, quiet="--quiet" in sys.argv, path=path,
          skip=skip)


if __name__ == "__main__":
    main()
