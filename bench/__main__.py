"""`python -m bench` (`make bench`): whole-process and in-process figures of papers, as one table.

    .venv/bin/python -m bench                 # everything (tens of minutes on 2 busy cores)
    .venv/bin/python -m bench --quick         # smaller sizes and fewer runs: a smoke run
    .venv/bin/python -m bench --only parse,scale [--runs 3] [--no-write]

Sections (run in this order): coldstart, embed, startup, parse, ingest, search, ask, extract, tldr, llm,
scale, snapshot (bench/snapshot_scale.py: streamed ingest of the arXiv-snapshot format with peak RSS, search
and ask at 10k; `python -m bench scale --n 10000,100000` runs it alone at the sizes given, e.g. 100k;
`python -m bench embed` compares embedding throughput before/float/int8 on a fixed set, bench/embed_speed.py). Figures are
medians over `runs` (the table says how many); latencies are p50 with p95 in the note. The
synthetic corpora (1,000 and 10,000 abstracts; --quick: 100 and 1,000) are seed sentences
recombined, written as JSONL into a temporary directory that is removed at the end; they are not
real papers. Results go to bench/results.json (gitignored): rows per section, the scale report and
the machine (cores, load average before and after, Python, git revision).
No network: the LLM figures use the fake OpenAI server of tests/fakeopenai.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from typing import Any, Callable

from bench.common import Bench, machine, table, write_results

SECTIONS = ("coldstart", "embed", "startup", "parse", "ingest", "search", "ask", "extract", "tldr", "llm",
            "scale", "snapshot")


def _runner(name: str) -> Callable[[Bench], Any]:
    if name == "coldstart":
        from bench.coldstart import run_coldstart as fn
    elif name == "embed":
        from bench.coldstart import run_embed as fn
    elif name == "startup":
        from bench.latency import run_startup as fn
    elif name == "parse":
        from bench.corpus import run_parse as fn
    elif name == "ingest":
        from bench.corpus import run_ingest as fn
    elif name == "search":
        from bench.latency import run_search as fn
    elif name == "ask":
        from bench.latency import run_ask as fn
    elif name == "tldr":
        from bench.tldr import run_tldr as fn
    elif name in ("extract", "llm"):
        from bench.engines import run_extract, run_llm

        fn = run_extract if name == "extract" else run_llm
    elif name == "snapshot":
        from bench.snapshot_scale import run_snapshot as fn
    else:
        from bench.scale import run_scale as fn
    return fn


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=None, help="repeats per median (default 5/3; --quick 2/1)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.json")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.sections = [s for s in SECTIONS if s in args.sections]
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["scale"]:  # `python -m bench scale --n 10000,100000`: the snapshot scale run alone
        from bench.snapshot_scale import main as scale_main

        return scale_main(argv[1:])
    if argv[:1] == ["embed"]:  # `python -m bench embed`: embedding throughput, before/float/int8
        from bench.embed_speed import main as embed_main

        return embed_main(argv[1:])
    args = parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    before = machine()
    bench = Bench(quick=args.quick, runs=args.runs, verbose=not args.quiet)
    extra: dict[str, Any] = {"load_average_before": before.get("load_average"), "section_measured_at": {},
                             "section_quick": {}}
    print(f"papers bench{' --quick' if args.quick else ''}: {before['cores']} cores "
          f"(load average {before.get('load_average')}), Python {before['python']}; "
          f"sections: {', '.join(args.sections)}", flush=True)
    try:
        failed = _run_sections(bench, args, extra)
    finally:
        bench.close()
    extra["load_average_after"] = machine().get("load_average")
    _print_summary(bench, before, extra)
    if not args.no_write:
        path = write_results(bench, args.sections, extra)
        print(f"wrote {path}")
    if failed:
        print(f"FAILED sections: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _run_sections(bench: Bench, args: argparse.Namespace, extra: dict[str, Any]) -> list[str]:
    """Run each asked section in turn; returns the names of those that failed."""
    done: list[str] = []
    failed: list[str] = []
    for name in args.sections:
        bench.log(f"section {name}")
        t0 = time.perf_counter()
        try:
            out = _runner(name)(bench)
        except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
            failed.append(name)
            traceback.print_exc()
            bench.add(name, "FAILED", None, "", 0, f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        if name in ("scale", "snapshot"):
            extra[name] = out
        bench.log(f"section {name} done in {time.perf_counter() - t0:.0f}s")
        done.append(name)
        extra["section_measured_at"][name] = time.strftime("%Y-%m-%d %H:%M:%S")
        extra["section_quick"][name] = args.quick
        if not args.no_write:   # after every section: a long run interrupted late keeps its figures
            write_results(bench, done, extra)
    return failed


def _print_summary(bench: Bench, before: dict[str, Any], extra: dict[str, Any]) -> None:
    print()
    print(table(bench.rows))
    if "scale" in extra:
        from bench.scale import scale_table

        print("\nscale, synthetic corpus (seed sentences recombined):")
        print(scale_table(extra["scale"]))
    print(f"\n{before['cores']} cores; load average before {extra['load_average_before']}, "
          f"after {extra['load_average_after']}; {time.perf_counter() - bench.started:.0f} s in all")


if __name__ == "__main__":
    sys.exit(main())
