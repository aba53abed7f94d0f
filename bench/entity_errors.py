"""Per-item hardware and dataset errors of the local engine on the claims fixtures, file by file.

    python -m bench.entity_errors                      # every file except the held-out ones
    python -m bench.entity_errors --only dev_ext_4     # files whose stem contains the string
    python -m bench.entity_errors --held-out ''        # hold nothing out

Runs only `LocalEngine(use_embeddings=False).claims` (no topics), so it takes seconds, and prints
one line per missing/extra/wrong-class item with the fixture id: what the eval's F1 hides.
Held-out files (default: dev_ext_9) are skipped so that their errors are not read while tuning.
"""

from __future__ import annotations

import argparse


def file_errors(stems: list[str] | None, held_out: str) -> list[str]:
    from agent.engines.local.engine import LocalEngine
    from core.models import PaperText
    from evals.claims_scoring import score_record
    from evals.loaders import claim_sources, load_claims

    engine = LocalEngine(use_embeddings=False)
    sources = claim_sources()
    lines = []
    for fx in load_claims():
        stem = sources.get(fx["id"], "?")
        if (held_out and held_out in stem) or (stems and not any(s in stem for s in stems)):
            continue
        pred = engine.claims(PaperText(id=fx["id"], abstract=fx["abstract"], title=fx.get("title")))
        rec = score_record(pred.model_dump(by_alias=True, mode="json"), fx, {"claims"})
        for fld in ("datasets", "hardware"):
            for kind, items in rec.diff[fld].items():
                lines.extend(f"{stem}\t{fx['id']}\t{fld}\t{kind}\t{item}" for item in items)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", help="score only files whose stem contains this")
    ap.add_argument("--held-out", default="dev_ext_9", help="skip files whose stem contains this")
    args = ap.parse_args(argv)
    lines = file_errors(args.only, args.held_out)
    print("\n".join(lines) or "no hardware/dataset errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
