"""Human output of an eval run: rich tables for the terminal and a Markdown report.

Both are built from the same `suite_table` cells, so the terminal and the report never disagree.
"""

from __future__ import annotations

from typing import Any

from evals.compare import comparison_markdown, render_comparison
from evals.metric_format import COUNTS, fmt
from evals.results import OK, Check, EvalRun, SuiteResult

METRIC_ORDER = ("precision", "recall", "f1", "primary", "grounded_share", "rouge1", "rouge2", "rougeL",
                "recall@1", "recall@5", "mrr", "set_recall@20", "set_rprec", "key_facts",
                "citation_precision", "citation_recall", "answered", "declined", "tp", "fp", "fn", "items")

Cell = tuple[str, str | None]  # (text, "pass" | "fail" | None)


def _cell(metric: str, value: float | None, chk: Check | None, compact: bool = False) -> Cell:
    text = fmt(metric, value)
    if chk is None:
        return (text, None)
    if chk.passed:
        return (text, "pass")
    return (f"{text} ✗" if compact else f"{text} < {fmt(metric, chk.threshold)}", "fail")


def suite_table(result: SuiteResult, checks: list[Check],
                compact: bool = False) -> tuple[list[str], list[tuple[str, list[Cell]]]]:
    """Columns and rows of a suite's metrics. Compact (terminal): metrics that only one field of
    several has go to an `other` column, and tp/fp/fn counts share one column."""
    by_key = {(c.field, c.metric): c for c in checks if c.suite == result.suite}
    gated = {c.field for c in checks if c.suite == result.suite}
    # per-group copies (`dev_ext.speedups`) are shown in the group table unless a threshold gates them
    fields = {f: v for f, v in result.metrics.items() if "." not in f or f in gated}
    seen = [m for m in METRIC_ORDER if any(m in v for v in fields.values())]
    seen += sorted({m for v in fields.values() for m in v} - set(METRIC_ORDER))
    main, other = seen, []
    if compact:
        share = {m: sum(m in v for v in fields.values()) for m in seen}
        main = [m for m in seen if m not in COUNTS and (share[m] * 2 >= len(fields) or len(fields) == 1)]
        other = [m for m in seen if m not in main and m not in ("tp", "fp", "fn")]
    has_counts = compact and any("tp" in v for v in fields.values())
    columns = main + (["other"] if other else []) + (["tp/fp/fn"] if has_counts else [])
    rows = []
    for fld, values in fields.items():
        cells = [_cell(m, values[m], by_key.get((fld, m)), compact) if m in values else ("", None) for m in main]
        if other:
            parts = [(m, _cell(m, values[m], by_key.get((fld, m)), compact)) for m in other if m in values]
            state = "fail" if any(c[1] == "fail" for _, c in parts) else \
                "pass" if any(c[1] == "pass" for _, c in parts) else None
            cells.append((" ".join(f"{m} {c[0]}" for m, c in parts), state))
        if has_counts:
            counts = "/".join(fmt(k, values[k]) for k in ("tp", "fp", "fn")) if "tp" in values else ""
            cells.append((counts, None))
        rows.append((fld, cells))
    return columns, rows


def suite_title(result: SuiteResult) -> str:
    info = result.info
    bits = [str(info[k]) for k in ("source",) if info.get(k)]
    if info.get("engine"):
        bits.append(f"engine {info['engine']}")
    if info.get("n") is not None:
        bits.append(f"n={info['n']}")
    if info.get("seconds") is not None:
        bits.append(f"{info['seconds']}s")
    for key, label in (("index_seconds", "store built in"), ("extract_seconds", "extraction")):
        if info.get(key):
            bits.append(f"{label} {info[key]}s")
    return f"{result.suite} ({', '.join(bits)})" if bits else result.suite


def notes(result: SuiteResult) -> list[str]:
    """Unavailable fields, warnings, failures and grounding problems, one line each."""
    grouped: dict[str, list[str]] = {}
    for fld, why in result.unavailable.items():
        grouped.setdefault(why, []).append(fld)
    out = [f"not available: {', '.join(flds)}: {why}" for why, flds in grouped.items()]
    info = result.info
    if info.get("leakage"):
        out.append(info["leakage"])
    if info.get("excluded"):
        out.append(f"not scored: {len(info['excluded'])} fixtures shown to LLM engines as few-shot examples "
                   f"(or the same abstract): {', '.join(sorted(info['excluded']))}")
    out += [f"warning: {w}" for w in info.get("warnings", [])]
    out += [f"problem: {p}" for p in info.get("problems", [])]
    failures = info.get("failures") or {}
    if failures:
        out.append(f"{len(failures)} inputs failed: " + "; ".join(f"{k}: {v}" for k, v in list(failures.items())[:3]))
    if info.get("ungrounded"):
        out.append(f"ungrounded speedup items ({info.get('grounding_checker')}): " + "; ".join(info["ungrounded"][:3]))
    if info.get("note"):
        out.append(info["note"])
    return out


def case_lines(result: SuiteResult) -> list[str]:
    """The worst cases as short lines (terminal); Markdown shows the same with more room."""
    lines = []
    for c in result.cases:
        if result.suite == "claims":
            lines.append(f"{c['id']} ({c['errors']} errors) {c.get('title') or ''}".rstrip())
            lines += [f"    {ln}" for ln in c["lines"]]
        elif result.suite == "tldr":
            lines.append(f"{c['id']} R1 {c['rouge1']} (lead-1 {c['lead1_rouge1']}): {c['prediction']}")
            lines.append(f"    target: {c['target']}")
        elif result.suite == "retrieval":
            lines.append(f"{c['id']} [{c['kind']}] {_ranks(c)} | {c['question']}")
        else:
            lines.append(f"{c['id']} [{c['kind']}] insufficient={c['insufficient']} "
                         f"missing facts={c.get('missing_facts') or []} cited={c['cited'][:3]} | {c['question']}")
    return lines


def _ranks(case: dict) -> str:
    """Rank of the answer per mode, or for set questions the share of the set in the top 20."""
    if case["kind"] == "set":
        return "set recall@20: " + ", ".join(f"{m} {v:.2f}" for m, v in case["scores"].items())
    return "answer rank: " + ", ".join(f"{m} {r if r else '>20'}" for m, r in case["ranks"].items())


GROUP_FIELDS = ("speedups", "speedups_strict", "datasets", "hardware", "hardware_class", "topics")


def by_group_table(result: SuiteResult) -> tuple[list[str], list[list[str]]] | None:
    """(header, rows) of claims F1 per fixture group (in-sample, dev-ext, blind-ext)."""
    groups = result.info.get("groups") or {}
    if not groups:
        return None
    rows = []
    for name, g in groups.items():
        if g.get("status") != "ok":
            rows.append([name, "0"] + ["n/a"] * (len(GROUP_FIELDS) + 1))
            continue
        m = g["metrics"]
        rows.append([name, str(g["n"])] + [fmt("f1", (m.get(f) or {}).get("f1")) for f in GROUP_FIELDS]
                    + [fmt("grounded_share", (m.get("grounding") or {}).get("grounded_share"))])
    return ["group", "n", *GROUP_FIELDS, "grounded"], rows


def by_file_table(result: SuiteResult) -> tuple[list[str], list[list[str]]] | None:
    """(header, rows) of the claims F1 per fixture file, when there is more than one file."""
    groups = result.info.get("by_file") or {}
    if len(groups) < 2:
        return None
    fields = [f for f in next(iter(groups.values())) if f not in ("n", "grounding")]
    rows = [[name, str(g["n"])] + [fmt("f1", g.get(f)) for f in fields] for name, g in groups.items()]
    return ["file", "n"] + fields, rows


def _rich_table(data: tuple[list[str], list[list[str]]], title: str):
    from rich.table import Table

    header, rows = data
    table = Table(title=title, title_justify="left", header_style="bold")
    for i, col in enumerate(header):
        table.add_column(col, justify="left" if i == 0 else "right", overflow="fold", no_wrap=i == 0)
    for row in rows:
        table.add_row(*row)
    return table


# -- terminal ------------------------------------------------------------------------------------
STYLE = {"pass": "green", "fail": "bold red", None: ""}


def render_terminal(run: EvalRun, console, comparison: Any = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not console.is_terminal:  # logs and pipes: no need to squeeze tables into 80 columns
        console.width = max(console.width, 120)

    for result in run.suites:
        if result.status != OK:
            console.print(f"[bold]{result.suite}[/]: [yellow]{escape(result.headline)}[/]", soft_wrap=True)
            continue
        columns, rows = suite_table(result, run.checks, compact=True)
        table = Table(title=suite_title(result), title_justify="left", header_style="bold")
        table.add_column("field", style="cyan", no_wrap=True)
        for col in columns:
            table.add_column(col, justify="right", overflow="fold")
        for fld, cells in rows:
            table.add_row(fld, *[f"[{STYLE[s]}]{escape(t)}[/]" if STYLE[s] else escape(t) for t, s in cells])
        console.print(table)
        for table_of, title in ((by_group_table, "F1 by fixture group"), (by_file_table, "F1 by fixture file")):
            split = table_of(result)
            if split is not None:
                console.print(_rich_table(split, title))
        for line in notes(result):
            console.print(f"  [dim]{escape(line)}[/]", highlight=False, soft_wrap=True)
        if result.cases:
            console.print("  [bold]worst cases[/]", soft_wrap=True)
            for line in case_lines(result):
                console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    if comparison is not None:
        render_comparison(comparison, console)
    verdict = "[bold green]gate passed[/]" if run.passed else "[bold red]gate FAILED[/]"
    console.print(f"{verdict} ({sum(c.passed for c in run.checks)}/{len(run.checks)} thresholds met)", soft_wrap=True)
    for failure in run.failures:
        console.print(f"  [red]✗[/] {escape(failure)}", highlight=False, soft_wrap=True)


# -- markdown ------------------------------------------------------------------------------------
MARK = {"pass": " ✅", "fail": " ❌", None: ""}


def _md_escape(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(run: EvalRun, comparison: Any = None) -> str:
    out = ["# `papers eval` report", "",
           f"Engine: **{run.engine}**. Gate: **{'passed' if run.passed else 'FAILED'}** "
           f"({sum(c.passed for c in run.checks)}/{len(run.checks)} thresholds met).", ""]
    out += [f"- ❌ {_md_escape(f)}" for f in run.failures] + ([""] if run.failures else [])
    for result in run.suites:
        out += _md_suite(result, run.checks)
    if comparison is not None:
        out += comparison_markdown(comparison)
    return "\n".join(out).rstrip() + "\n"


def _md_suite(result: SuiteResult, checks: list[Check]) -> list[str]:
    out = [f"## {suite_title(result)}", ""]
    if result.status != OK:
        return out + [f"**{result.headline}**", ""]
    columns, rows = suite_table(result, checks)
    out += ["| field | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    out += [f"| {fld} | " + " | ".join(t + MARK[s] for t, s in cells) + " |" for fld, cells in rows]
    out.append("")
    for table_of, title in ((by_group_table, "F1 by fixture group"), (by_file_table, "F1 by fixture file")):
        split = table_of(result)
        if split is not None:
            header, rows = split
            out += [f"{title}:", "", "| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
            out += ["| " + " | ".join(row) + " |" for row in rows] + [""]
    out += [f"- {_md_escape(n)}" for n in notes(result)]
    if result.cases:
        out += ["", "### Worst cases", ""] + _md_cases(result)
    return out + [""]


def _md_cases(result: SuiteResult) -> list[str]:
    out = []
    for c in result.cases:
        if result.suite == "claims":
            out.append(f"- **{c['id']}** {_md_escape(c.get('title') or '')} ({c['errors']} errors)")
            out += [f"  - {_md_escape(line)}" for line in c["lines"]]
        elif result.suite == "tldr":
            out.append(f"- **{c['id']}** {_md_escape(c['title'])}: R1 {c['rouge1']} (lead-1 {c['lead1_rouge1']})")
            out += [f"  - engine: {_md_escape(c['prediction'])}", f"  - author TLDR: {_md_escape(c['target'])}"]
        elif result.suite == "retrieval":
            out.append(f"- **{c['id']}** ({c['kind']}) {_md_escape(c['question'])}")
            out.append(f"  - {_ranks(c)}")
            out.append(f"  - expected: {_md_escape('; '.join(c['expected']))}")
            top = next((v for k, v in c.items() if k.startswith("top3_")), [])
            out.append(f"  - returned first: {_md_escape('; '.join(top))}")
        else:
            out.append(f"- **{c['id']}** ({c['kind']}) {_md_escape(c['question'])}")
            out.append(f"  - answer (insufficient={c['insufficient']}): {_md_escape(c['answer'])[:400]}")
            out.append(f"  - missing facts: {c.get('missing_facts') or []}; cited: {c['cited'][:5]}")
    return out
