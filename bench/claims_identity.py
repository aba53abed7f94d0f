"""Byte-identity check for local claims extraction (speed work must not change a single output).

Dumps the full `Claims` JSON of LocalEngine(use_embeddings=False).claims for every labelled claims
fixture abstract and every SciTLDR dev + train abstract (`source` sentences joined by a space), one
line per abstract, then compares against a reference dump:

    (cd /tmp && PYTHONPATH=<main checkout> python <worktree>/bench/claims_identity.py --write /tmp/claims_ref.jsonl)
    PYTHONPATH=<your worktree>  python -m bench.claims_identity --check /tmp/claims_ref.jsonl

--check prints the first differing abstracts and exits 1 on any difference. Write the reference from
another directory: `python -c`/`-m` put the current directory first on sys.path, which would load
the worktree's code instead of main's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Iterator


def default_scitldr() -> list[Path]:
    """SciTLDR dev + train where the evals and the TL;DR trainer look for them (PAPERS_SCITLDR[_TRAIN])."""
    from agent.engines.local.tldr_data import DEFAULT_TRAIN
    from evals.loaders import scitldr_path

    return [scitldr_path(), DEFAULT_TRAIN]


def abstracts(scitldr: list[Path]) -> Iterator[tuple[str, str]]:
    from evals.loaders import load_claims

    for rec in load_claims():
        yield rec["id"], rec["abstract"]
    for path in scitldr:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                yield f"scitldr:{path.stem}:{rec['paper_id']}", " ".join(rec["source"])


def dump_lines(scitldr: list[Path]) -> list[str]:
    from agent.engines.local.engine import LocalEngine
    from core.models import PaperText

    engine = LocalEngine(use_embeddings=False)
    lines = []
    for pid, text in abstracts(scitldr):
        claims = engine.claims(PaperText(id=pid, abstract=text))
        lines.append(json.dumps({"id": pid, "claims": claims.model_dump(mode="json")}, sort_keys=True,
                                ensure_ascii=False))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, help="write the reference dump here")
    mode.add_argument("--check", type=Path, help="compare against this reference dump")
    ap.add_argument("--scitldr", type=Path, nargs="*", default=None, help="SciTLDR jsonl files to include")
    args = ap.parse_args(argv)
    lines = dump_lines(args.scitldr if args.scitldr is not None else default_scitldr())
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {len(lines)} abstracts to {args.write}; sha256 {digest}")
        return 0
    ref = args.check.read_text(encoding="utf-8").splitlines()
    diffs = [i for i, (a, b) in enumerate(zip(ref, lines)) if a != b]
    if len(ref) != len(lines):
        print(f"DIFFERENT: {len(ref)} reference lines vs {len(lines)} now")
    for i in diffs[:5]:
        print(f"DIFFERENT line {i}:\n  ref: {ref[i][:400]}\n  now: {lines[i][:400]}")
    same = not diffs and len(ref) == len(lines)
    print(f"{'IDENTICAL' if same else f'{len(diffs)} DIFFERENT'}: {len(lines)} abstracts; sha256 {digest}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
