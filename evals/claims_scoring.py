"""Scoring one predicted record against one hand-labelled fixture, field by field, with a diff.

Fields (all micro-averaged over fixtures by the suite):
- speedups:        one-to-one optimal matching on value (within 1% relative) and unit;
- speedups_strict: the same matching, but a pair must also agree on metric and direction;
- datasets:        canonical names, case-insensitive exact, as sets;
- hardware:        canonical names, case-insensitive exact, as sets;
- hardware_class:  the set of hardware classes named;
- topics:          taxonomy tags as sets (plus `primary`: the first tag is the gold first tag).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.metrics import PRF, canonical, match_speedups, prf_from_matching, set_prf

FIELDS = ("speedups", "speedups_strict", "datasets", "hardware", "hardware_class", "topics")
PART_OF = {"speedups": "claims", "speedups_strict": "claims", "datasets": "claims", "hardware": "claims",
           "hardware_class": "claims", "topics": "topics"}


@dataclass
class RecordScore:
    id: str
    prf: dict[str, PRF] = field(default_factory=dict)
    primary_topic: bool | None = None
    diff: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # field -> missing/extra/wrong

    @property
    def errors(self) -> int:
        return sum(len(items) for d in self.diff.values() for items in d.values())

    def pooled_f1(self, fields: tuple[str, ...]) -> float:
        total = sum((self.prf[f] for f in fields if f in self.prf), PRF())
        return 1.0 if total.f1 is None else total.f1


def describe_speedup(s: dict[str, Any]) -> str:
    qual = f" {s['qualifier']}" if s.get("qualifier") else ""
    return f"{s.get('value'):g}{s.get('unit')} {s.get('metric')}/{s.get('direction')}{qual}"


def score_speedups(pred: list[dict], gold: list[dict]) -> tuple[PRF, PRF, dict[str, list[str]]]:
    loose = match_speedups(pred, gold)
    strict = match_speedups(pred, gold, strict=True)
    matched_p, matched_g = {p for p, _ in loose}, {g for _, g in loose}
    diff = {
        "missing": [describe_speedup(gold[g]) for g in range(len(gold)) if g not in matched_g],
        "extra": [describe_speedup(pred[p]) for p in range(len(pred)) if p not in matched_p],
        "wrong": [f"{describe_speedup(pred[p])} (gold {gold[g]['metric']}/{gold[g]['direction']})"
                  for p, g in loose if (pred[p].get("metric"), pred[p].get("direction"))
                  != (gold[g].get("metric"), gold[g].get("direction"))],
    }
    return (prf_from_matching(len(pred), len(gold), len(loose)),
            prf_from_matching(len(pred), len(gold), len(strict)), diff)


def _set_diff(pred: list[str], gold: list[str]) -> dict[str, list[str]]:
    p, g = {canonical(x) for x in pred}, {canonical(x) for x in gold}
    return {"missing": _unique(x for x in gold if canonical(x) not in p),
            "extra": _unique(x for x in pred if canonical(x) not in g)}


def _unique(items) -> list[str]:
    seen: dict[str, str] = {}
    for x in items:
        seen.setdefault(canonical(x), x)
    return list(seen.values())


def score_hardware(pred: list[dict], gold: list[dict]) -> tuple[PRF, PRF, dict[str, list[str]]]:
    names = set_prf([h["name"] for h in pred], [h["name"] for h in gold])
    classes = set_prf([h["class"] for h in pred], [h["class"] for h in gold])
    diff = _set_diff([h["name"] for h in pred], [h["name"] for h in gold])
    gold_class = {canonical(h["name"]): h["class"] for h in gold}
    diff["wrong"] = [f"{h['name']} [{h['class']}] (gold [{gold_class[canonical(h['name'])]}])" for h in pred
                     if canonical(h["name"]) in gold_class and gold_class[canonical(h["name"])] != h["class"]]
    return names, classes, diff


def score_record(pred: dict[str, Any], gold: dict[str, Any], parts: set[str]) -> RecordScore:
    """Score the parts the engine produced (`claims`, `topics`); others are left out entirely."""
    rec = RecordScore(id=gold["id"])
    if "claims" in parts:
        loose, strict, diff = score_speedups(pred.get("speedups") or [], gold["speedups"])
        rec.prf.update(speedups=loose, speedups_strict=strict)
        rec.diff["speedups"] = diff
        rec.prf["datasets"] = set_prf(pred.get("datasets") or [], gold["datasets"])
        rec.diff["datasets"] = _set_diff(pred.get("datasets") or [], gold["datasets"])
        names, classes, hw_diff = score_hardware(pred.get("hardware") or [], gold["hardware"])
        rec.prf.update(hardware=names, hardware_class=classes)
        rec.diff["hardware"] = hw_diff
    if "topics" in parts:
        topics = pred.get("topics") or []
        rec.prf["topics"] = set_prf(topics, gold["topics"])
        rec.diff["topics"] = _set_diff(topics, gold["topics"])
        rec.primary_topic = bool(topics) and topics[0] == gold["topics"][0]
    return rec


def diff_lines(rec: RecordScore) -> list[str]:
    """`field: missing a, b; extra c; wrong d` lines for a report."""
    lines = []
    for fld, parts in rec.diff.items():
        bits = [f"{kind} {', '.join(items)}" for kind, items in parts.items() if items]
        if bits:
            lines.append(f"{fld}: " + "; ".join(bits))
    return lines
