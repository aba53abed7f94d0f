"""Section `scale`: how each cost grows from the small to the large synthetic corpus (1k -> 10k).

For batch costs (parse, store, index, extraction) the figure is the time per item at the large size
over the time per item at the small size: 1.0 means the total grows linearly; 10 would mean
quadratic. For search the figure is the warm query latency at the large size over the small one
(constant or logarithmic is ideal; a linear scan gives the size ratio). The growth exponent b of
time ~ size^b is printed next to it, and anything with b >= 1.5 is flagged as looking quadratic
(1.2 <= b < 1.5: superlinear, worth a look). Reuses whatever the other sections already measured.
"""

from __future__ import annotations

import math
from typing import Any

from bench.common import Bench, fmt
from bench.corpus import synthetic_ingest, synthetic_parse
from bench.engines import synthetic_extract
from bench.latency import warm_search

QUADRATIC, SUPERLINEAR = 1.5, 1.2


def verdict(exponent: float, batch: bool) -> str:
    if exponent >= QUADRATIC:
        return "LOOKS QUADRATIC"
    if exponent >= SUPERLINEAR:
        return "superlinear, check"
    if batch:
        return "linear"
    return "sublinear" if exponent < 0.5 else "~linear scan"


def growth(small_n: int, large_n: int, small_t: float, large_t: float, batch: bool) -> dict[str, Any]:
    """Ratio and exponent; `small_t`/`large_t` are totals for batch costs, per-query times else."""
    size_ratio = large_n / small_n
    if batch:
        ratio = (large_t / large_n) / (small_t / small_n)
        exponent = math.log(large_t / small_t) / math.log(size_ratio)
    else:
        ratio = large_t / small_t
        exponent = math.log(ratio) / math.log(size_ratio)
    return {"ratio": ratio, "exponent": exponent, "verdict": verdict(exponent, batch)}


def measurements(bench: Bench) -> list[tuple[str, str, dict[str, float], bool]]:
    """(name, unit of per-item figure, {size: seconds total or per query}, batch?) per cost."""
    small, large = bench.sizes.small, bench.sizes.large
    sizes = (small, large)
    parse = {n: synthetic_parse(bench, n)["seconds"] for n in sizes}
    ingest = {n: synthetic_ingest(bench, n) for n in sizes}
    extract = {n: synthetic_extract(bench, n)["seconds"] for n in sizes}
    out = [
        ("parse", "ms/abstract", parse, True),
        ("store (parse + dedup + SQLite)", "ms/abstract", {n: ingest[n]["store_s"] for n in sizes}, True),
        ("index: embedding model", "ms/abstract", {n: ingest[n]["embed_s"] for n in sizes}, True),
        ("index: bookkeeping (Chroma + SQLite)", "ms/abstract", {n: ingest[n]["bookkeeping_s"] for n in sizes}, True),
        ("ingest + index, total", "ms/abstract", {n: ingest[n]["store_s"] + ingest[n]["index_s"] for n in sizes}, True),
        ("local extraction (no embeddings)", "ms/abstract", extract, True),
    ]
    for mode in ("hybrid", "bm25", "dense"):
        lat = {n: bench.once(("search", n, mode), lambda n=n: warm_search(bench, ingest[n]["home"],
                                                                          bench.sizes.queries, mode))
               for n in sizes}
        out.append((f"search latency p50, {mode}", "ms/query", {n: lat[n]["p50_ms"] / 1000 for n in sizes}, False))
    return out


def run_scale(bench: Bench) -> dict[str, Any]:
    small, large = bench.sizes.small, bench.sizes.large
    report: dict[str, Any] = {"small": small, "large": large, "costs": []}
    for name, unit, times, batch in measurements(bench):
        g = growth(small, large, times[small], times[large], batch)
        per = (lambda n: times[n] / n * 1000) if batch else (lambda n: times[n] * 1000)
        note = f"{fmt(per(small))} -> {fmt(per(large))} {unit}; exponent {g['exponent']:.2f}; {g['verdict']}"
        what = "latency" if not batch else "time per item"
        bench.add("scale", f"{name}: {what} at {large:,} / at {small:,}", g["ratio"], "x", 1, note, **g)
        report["costs"].append({"cost": name, "unit": unit, f"at_{small}": per(small), f"at_{large}": per(large), **g})
    flagged = [c["cost"] for c in report["costs"] if c["exponent"] >= QUADRATIC]
    report["flagged"] = flagged
    bench.log("scale: " + (f"LOOKS QUADRATIC: {', '.join(flagged)}" if flagged else "nothing looks quadratic"))
    return report


def scale_table(report: dict[str, Any]) -> str:
    small, large = report["small"], report["large"]
    head = f"{'cost':<38} {'unit':<12} {f'at {small:,}':>10} {f'at {large:,}':>10} {'ratio':>6} {'exp':>5}  verdict"
    lines = [head, "-" * len(head)]
    for c in report["costs"]:
        lines.append(f"{c['cost']:<38} {c['unit']:<12} {fmt(c[f'at_{small}']):>10} {fmt(c[f'at_{large}']):>10} "
                     f"{c['ratio']:>6.2f} {c['exponent']:>5.2f}  {c['verdict']}")
    return "\n".join(lines)
