"""Claims suite: score an engine's (or a predictions file's) speedups, datasets, hardware and topics
against the hand-labelled fixtures in evals/fixtures/claims/*.jsonl.

The engine gets what a user's paper gives it (abstract and title) through the public Engine
protocol (`extract_many`); when a part of the engine is not written yet, the parts that exist are
still scored (`engine.claims` / `engine.tag`) and the rest is reported as not available.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from evals.claims_scoring import FIELDS, PART_OF, RecordScore, diff_lines, score_record
from evals.loaders import FIXTURE_GROUPS, EvalInputError, claim_sources, fixture_group, load_claims, read_jsonl
from evals.metrics import PRF, speedup_grounded
from evals.results import SuiteResult, SuiteUnavailable

Tick = Callable[[], None]


def missing_reason(exc: ModuleNotFoundError) -> str:
    name = exc.name or str(exc)
    if name.split(".")[0] in ("agent", "store", "evals"):
        return f"{name} does not exist yet"
    return f"python package {name!r} is not installed"


def few_shot_exclusions(fixtures: list[dict]) -> dict[str, str]:
    """Fixtures shown to LLM engines as few-shot examples (and their twins: the same abstract on
    another page) are not scored, for any engine, so that scores compare across engines."""
    try:
        from agent.prompts import few_shot_ids
    except ImportError:
        return {}
    shown = few_shot_ids()
    texts = {f["abstract"] for f in fixtures if f["id"] in shown}
    return {f["id"]: "few-shot example in prompts/" if f["id"] in shown else "same abstract as a few-shot example"
            for f in fixtures if f["abstract"] in texts}


def scored_fixtures(fixtures_dir: Path | None = None) -> tuple[list[dict], dict[str, str]]:
    """(the fixtures the suite scores, excluded fixture id -> why)."""
    fixtures = load_claims(fixtures_dir)
    excluded = few_shot_exclusions(fixtures)
    return [f for f in fixtures if f["id"] not in excluded], excluded


# -- predictions ---------------------------------------------------------------------------------
def load_predictions(path: Path) -> dict[str, dict[str, Any]]:
    """Extraction JSON records keyed by fixture id; every line must validate against the contract."""
    from pydantic import ValidationError

    from core.models import Extraction

    out: dict[str, dict[str, Any]] = {}
    for no, row in enumerate(read_jsonl(path), start=1):
        try:
            rec = Extraction.from_json(row).to_json()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise EvalInputError(f"{path}: record {no} is not an Extraction ({where}: {first['msg']})",
                                 hint="records look like `papers extract` output, keyed by fixture id") from None
        if rec["id"] in out:
            raise EvalInputError(f"{path}: duplicate prediction id {rec['id']!r}")
        out[rec["id"]] = rec
    return out


def predict_with_engine(engine, fixtures: list[dict], tick: Tick | None = None):
    """(predictions by id, failures by id, parts produced, unavailable parts with reasons)."""
    from core.models import PaperText

    papers = [PaperText(id=f["id"], abstract=f["abstract"], title=f.get("title")) for f in fixtures]
    try:
        preds, failures = _predict_whole(engine, papers, tick)
        return preds, failures, {"claims", "topics"}, {}
    except ModuleNotFoundError as exc:
        whole = missing_reason(exc)
    preds, failures, parts, missing = _predict_parts(engine, papers, tick)
    if not parts:
        raise SuiteUnavailable(f"engine {engine.name!r} cannot extract yet: {whole}")
    return preds, failures, parts, missing


def _predict_whole(engine, papers, tick):
    from agent.engines.base import ExtractionFailure, extract_many

    preds, failures = {}, {}
    for res in extract_many(engine, papers):
        if isinstance(res, ExtractionFailure):
            failures[res.paper_id] = res.reason
        else:
            preds[res.id] = res.to_json()
        if tick:
            tick()
    return preds, failures


def _predict_parts(engine, papers, tick):
    """engine.claims and engine.tag separately, so the part that exists is scored."""
    preds: dict[str, dict] = {p.id: {"id": p.id} for p in papers}
    missing: dict[str, str] = {}
    calls = {"claims": lambda p: engine.claims(p).model_dump(by_alias=True, mode="json"),
             "topics": lambda p: {"topics": [t.tag for t in engine.tag(p)]}}
    for paper in papers:
        for part, call in calls.items():
            if part in missing:
                continue
            try:
                preds[paper.id].update(call(paper))
            except ModuleNotFoundError as exc:
                missing[part] = missing_reason(exc)
        if tick:
            tick()
    return preds, {}, set(calls) - set(missing), missing


# -- grounding -------------------------------------------------------------------------------------
def grounding_checker() -> tuple[Callable[[dict, str], str | None], str]:
    """`check(item, abstract)` -> None when grounded, else why not; agent.claim_grounding when it exists."""
    try:
        from agent.claim_grounding import check_speedup
    except ModuleNotFoundError as exc:
        if exc.name != "agent.claim_grounding":
            raise
        return _own_check, "evals.metrics.speedup_grounded"
    from pydantic import ValidationError

    from core.models import Speedup

    def check(item: dict, abstract: str) -> str | None:
        try:
            speedup = Speedup.model_validate(item)
        except ValidationError as exc:
            return f"not a valid speedup item ({exc.errors()[0]['msg']})"
        return check_speedup(abstract, speedup)

    return check, "agent.claim_grounding.check_speedup"


def _own_check(item: dict, abstract: str) -> str | None:
    return None if speedup_grounded(item, abstract) else "evidence not verbatim or without the value"


def grounding(preds: dict[str, dict], fixtures: list[dict]) -> tuple[float | None, int, list[str], str]:
    """Share of predicted speedup items that are grounded in their abstract, and the ones that are not."""
    check, checker = grounding_checker()
    total, ok, bad = 0, 0, []
    for fx in fixtures:
        for item in (preds.get(fx["id"]) or {}).get("speedups") or []:
            total += 1
            reason = check(item, fx["abstract"])
            if reason is None:
                ok += 1
            else:
                bad.append(f"{fx['id']}: {item.get('value')}{item.get('unit')}: {reason}")
    return (ok / total if total else None), total, bad, checker


# -- the suite -------------------------------------------------------------------------------------
def run_claims(fixtures_dir: Path | None = None, *, engine=None, predictions: Path | None = None,
               worst: int = 5, tick: Tick | None = None) -> SuiteResult:
    started = time.monotonic()
    fixtures, excluded = scored_fixtures(fixtures_dir)
    info: dict[str, Any] = {"n": len(fixtures), "excluded": excluded, "warnings": []}
    if predictions is not None:
        preds, failures, parts, missing = load_predictions(predictions), {}, {"claims", "topics"}, {}
        info["source"] = f"predictions {predictions}"
        _check_coverage(preds, fixtures, info)
    else:
        if engine is None:
            raise ValueError("run_claims needs an engine or a predictions file")
        preds, failures, parts, missing = predict_with_engine(engine, fixtures, tick)
        info["source"] = f"engine {engine.name}"
    scores = [score_record(preds.get(fx["id"]) or {}, fx, parts) for fx in fixtures]
    result = SuiteResult("claims", info=info)
    result.unavailable = {f: f"{PART_OF[f]} part of the engine: {missing[PART_OF[f]]}"
                          for f in FIELDS if PART_OF[f] in missing}
    sources = claim_sources(fixtures_dir)
    groups = group_results(scores, fixtures, preds, sources, parts)
    # top-level metrics are the in-sample regression guards; each group is also `<group>.<field>`
    result.metrics = dict(groups["in_sample"].get("metrics") or {})
    for name, block in groups.items():
        for fld, metrics in (block.get("metrics") or {}).items():
            result.metrics[f"{name}.{fld}"] = metrics
        if block["status"] != "ok":
            result.unavailable.update({f"{name}.{fld}": block["reason"] for fld in (*FIELDS, "grounding")})
    info.update(groups=groups, leakage=LEAKAGE_NOTE)
    if "claims" in parts:  # grounding is gated over every scored fixture, whatever its group
        share, n_items, ungrounded, checker = grounding(preds, fixtures)
        result.metrics["grounding"] = {"grounded_share": share, "items": float(n_items)}
        info.update(grounding_checker=checker, ungrounded=ungrounded[:20])
    info.update(failures=failures, seconds=round(time.monotonic() - started, 2))
    scored = tuple(f for f in FIELDS if f not in result.unavailable and f != "speedups_strict")
    result.per_case = {s.id: round(s.pooled_f1(scored), 4) for s in scores}
    result.cases = worst_cases(scores, fixtures, preds, worst)
    info["by_file"] = by_file(scores, sources, parts)
    return result


LEAKAGE_NOTE = ("leave-one-out: a scored abstract is never its own topic neighbour (its fixture is skipped), "
                "blind-ext fixtures are never neighbours, and fixtures shown as few-shot examples are not scored")


def group_results(scores: list[RecordScore], fixtures: list[dict], preds: dict, sources: dict[str, str],
                  parts: set[str]) -> dict[str, dict[str, Any]]:
    """One block per fixture group (in-sample, dev-ext, blind-ext); an absent group is not available."""
    by_id = {f["id"]: f for f in fixtures}
    members: dict[str, list[RecordScore]] = {g: [] for g in FIXTURE_GROUPS}
    for s in scores:
        members[fixture_group(sources.get(s.id, ""))].append(s)
    out: dict[str, dict[str, Any]] = {}
    for name, group in members.items():
        if not group:
            out[name] = {"status": "not available", "reason": f"no {name} fixtures in this checkout", "n": 0}
            continue
        metrics = aggregate(group, parts)
        if "claims" in parts:
            share, n_items, _, _ = grounding(preds, [by_id[s.id] for s in group])
            metrics["grounding"] = {"grounded_share": share, "items": float(n_items)}
        out[name] = {"status": "ok", "reason": None, "n": len(group), "metrics": metrics}
    return out


def by_file(scores: list[RecordScore], sources: dict[str, str], parts: set[str]) -> dict[str, dict]:
    """F1 per field for each fixture file: a held-out (blind) file shows what tuning cannot reach."""
    groups: dict[str, list[RecordScore]] = {}
    for s in scores:
        groups.setdefault(sources.get(s.id, "?"), []).append(s)
    out = {}
    for name, group in sorted(groups.items()):
        metrics = aggregate(group, parts)
        out[name] = {"n": len(group), **{fld: m.get("f1") for fld, m in metrics.items()}}
    return out


def _check_coverage(preds: dict, fixtures: list[dict], info: dict) -> None:
    ids = {f["id"] for f in fixtures}
    absent = [i for i in ids if i not in preds]
    unknown = [i for i in preds if i not in ids | set(info.get("excluded", {}))]
    if absent:
        info["warnings"].append(f"{len(absent)} fixtures have no prediction (scored as empty)")
    if unknown:
        info["warnings"].append(f"{len(unknown)} predictions match no fixture id (ignored)")


def aggregate(scores: list[RecordScore], parts: set[str]) -> dict[str, dict[str, float | None]]:
    metrics: dict[str, dict[str, float | None]] = {}
    for fld in FIELDS:
        if PART_OF[fld] not in parts:
            continue
        total = sum((s.prf[fld] for s in scores if fld in s.prf), PRF())
        metrics[fld] = {**total.scores(), **{k: float(v) for k, v in total.counts().items()}}
    if "topics" in parts:
        hits = [s.primary_topic for s in scores if s.primary_topic is not None]
        metrics["topics"]["primary"] = sum(hits) / len(hits) if hits else None
    return metrics


def worst_cases(scores: list[RecordScore], fixtures: list[dict], preds: dict, n: int) -> list[dict]:
    by_id = {f["id"]: f for f in fixtures}
    ranked = sorted((s for s in scores if s.errors), key=lambda s: (-s.errors, s.id))[:n]
    return [{"id": s.id, "title": by_id[s.id].get("title"), "errors": s.errors, "diff": s.diff,
             "lines": diff_lines(s), "predicted": s.id in preds} for s in ranked]
