"""Per-item hardware and dataset errors of the local engine on the claims fixtures, file by file.

    python -m bench.entity_errors                      # every file except the held-out ones
    python -m bench.entity_errors --only dev_ext_4     # files whose stem contains the string
    python -m bench.entity_errors --held-out ''        # hold nothing out
    python -m bench.entity_errors --only dev_ext_9 --held-out '' --summary   # figures only, no items

Runs only `LocalEngine(use_embeddings=False).claims` (no topics), so it takes seconds, and prints
one line per missing/extra/wrong-class item with the fixture id: what the eval's F1 hides.
Held-out files (default: dev_ext_9) are skipped so that their errors are not read while tuning.
"""

from __future__ import annotations

import argparse


def _records(stems: list[str] | None, held_out: str):
    """(file stem, fixture, its RecordScore) for the files asked for."""
    from agent.engines.local.engine import LocalEngine
    from core.models import PaperText
    from evals.claims_scoring import score_record
    from evals.loaders import claim_sources, load_claims

    engine = LocalEngine(use_embeddings=False)
    sources = claim_sources()
    for fx in load_claims():
        stem = sources.get(fx["id"], "?")
        if (held_out and held_out in stem) or (stems and not any(s in stem for s in stems)):
            continue
        pred = engine.claims(PaperText(id=fx["id"], abstract=fx["abstract"], title=fx.get("title")))
        yield stem, fx, score_record(pred.model_dump(by_alias=True, mode="json"), fx, {"claims"})


def file_errors(stems: list[str] | None, held_out: str) -> list[str]:
    lines = []
    for stem, fx, rec in _records(stems, held_out):
        for fld in ("datasets", "hardware"):
            for kind, items in rec.diff[fld].items():
                lines.extend(f"{stem}\t{fx['id']}\t{fld}\t{kind}\t{item}" for item in items)
    return lines


def summary(stems: list[str] | None, held_out: str) -> list[str]:
    """Pooled F1 (tp/fp/fn) of datasets, hardware names and classes over the files asked for."""
    from evals.metrics import PRF

    totals = {fld: PRF() for fld in SUMMARY_FIELDS}
    n = 0
    for _, _, rec in _records(stems, held_out):
        n += 1
        for fld in SUMMARY_FIELDS:
            totals[fld] = totals[fld] + rec.prf[fld]
    # a file with no gold and no predicted items of a field has no F1 (dev_ext_1 lists no dataset)
    return [f"{n} abstracts"] + [f"{fld}: F1 {'n/a' if t.f1 is None else f'{t.f1:.3f}'} "
                                 f"(tp {t.tp:g}, fp {t.fp:g}, fn {t.fn:g})" for fld, t in totals.items()]


SUMMARY_FIELDS = ("datasets", "hardware", "hardware_class")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", help="score only files whose stem contains this")
    ap.add_argument("--held-out", default="dev_ext_9", help="skip files whose stem contains this")
    ap.add_argument("--summary", action="store_true", help="pooled figures only, no items (for held-out files)")
    args = ap.parse_args(argv)
    if args.summary:
        print("\n".join(summary(args.only, args.held_out)))
        return 0
    lines = file_errors(args.only, args.held_out)
    print("\n".join(lines) or "no hardware/dataset errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
