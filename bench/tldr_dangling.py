"""Count TL;DRs that end as a fragment, by shape (agent/engines/local/tldr_grammar.dangling_shapes).

    python -m bench.tldr_dangling [--examples 10] [--out /tmp/tldr_dangling.json]

Runs make_tldr over the SciTLDR dev (200) and train (1,992) abstracts and prints, per split, how many
TL;DRs show each shape, plus examples. Train and dev only: the test split is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def measure(path: Path) -> tuple[int, Counter[str], list[tuple[str, list[str]]]]:
    from agent.engines.local.tldr import make_tldr
    from agent.engines.local.tldr_grammar import dangling_shapes
    from evals.loaders import load_scitldr, scitldr_abstract

    records = load_scitldr(path)
    counts: Counter[str] = Counter()
    bad = []
    for rec in records:
        tldr = make_tldr(scitldr_abstract(rec))
        shapes = dangling_shapes(tldr)
        counts.update(shapes)
        if shapes:
            counts["any"] += 1
            bad.append((tldr, shapes))
    return len(records), counts, bad


def main(argv: list[str] | None = None) -> int:
    from agent.engines.local.tldr_train import DEFAULT_TRAIN
    from evals.loaders import scitldr_path

    parser = argparse.ArgumentParser(prog="python -m bench.tldr_dangling")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="write counts and fragments as JSON")
    args = parser.parse_args(argv)
    report = {}
    for split, path in (("dev", scitldr_path()), ("train", DEFAULT_TRAIN)):
        n, counts, bad = measure(path)
        report[split] = {"n": n, "counts": dict(counts), "fragments": bad}
        print(f"{split}: {counts['any']}/{n} TL;DRs with a dangling shape: "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "any"))
        for tldr, shapes in bad[:args.examples]:
            print(f"   [{','.join(shapes)}] {tldr}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
