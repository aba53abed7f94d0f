"""`papers eval --junit FILE`: JUnit XML for CI dashboards.

One <testsuite> per eval suite, one <testcase> per scored field (`claims.speedups`, `tldr.engine`,
`retrieval.hybrid` ...). A field fails when one of its metrics is under its threshold; a suite that
is not available is a skipped test case (a failure with --strict), a crashed suite an error.
Every metric value is attached as a property, so dashboards can plot them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from evals.metric_format import fmt
from evals.results import ERROR, NOT_AVAILABLE, EvalRun, SuiteResult


def render_junit(run: EvalRun) -> str:
    root = ET.Element("testsuites", name="papers eval")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in run.suites:
        suite = _suite(result, run)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(result: SuiteResult, run: EvalRun) -> ET.Element:
    el = ET.Element("testsuite", name=f"eval.{result.suite}")
    seconds = str(result.info.get("seconds", 0) or 0)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if result.status != "ok":
        case = ET.SubElement(el, "testcase", classname=f"eval.{result.suite}", name=result.suite, time=seconds)
        if result.status == ERROR or run.strict:
            ET.SubElement(case, "error" if result.status == ERROR else "failure",
                          message=result.headline).text = result.headline
            counts["errors" if result.status == ERROR else "failures"] += 1
        else:
            ET.SubElement(case, "skipped", message=result.headline)
            counts["skipped"] += 1
        counts["tests"] = 1
    else:
        for fld, metrics in result.metrics.items():
            counts["tests"] += 1
            counts["failures"] += _field_case(el, result, fld, metrics, run)
        for fld, why in result.unavailable.items():
            counts["tests"] += 1
            case = ET.SubElement(el, "testcase", classname=f"eval.{result.suite}", name=f"{result.suite}.{fld}")
            ET.SubElement(case, "skipped", message=f"{NOT_AVAILABLE}: {why}")
            counts["skipped"] += 1
    for key, value in counts.items():
        el.set(key, str(value))
    el.set("time", seconds)
    return el


def _field_case(parent: ET.Element, result: SuiteResult, fld: str, metrics: dict, run: EvalRun) -> int:
    case = ET.SubElement(parent, "testcase", classname=f"eval.{result.suite}", name=f"{result.suite}.{fld}")
    props = ET.SubElement(case, "properties")
    for metric, value in metrics.items():
        ET.SubElement(props, "property", name=metric, value=fmt(metric, value))
    failed = [c for c in run.checks if c.suite == result.suite and c.field == fld and not c.passed]
    if failed:
        message = "; ".join(f"{c.metric} = {fmt(c.metric, c.value)} < {fmt(c.metric, c.threshold)}" for c in failed)
        ET.SubElement(case, "failure", message=message, type="BelowThreshold").text = message
    return int(bool(failed))
