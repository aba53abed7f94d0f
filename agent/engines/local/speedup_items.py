"""From read claims to speedup items (LABELLING §1): one item per number and metric, with its evidence
span, baselines distributed over the members, restatements merged (§1.2), and every item grounded
with agent.claim_grounding before it is returned. `speedups.py` does the reading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.claim_grounding import settle_speedup
from agent.engines.local import speedup_metric_model as metric_model
from agent.engines.local import speedup_rules as rules
from agent.engines.local.speedup_baselines import Comparator, distribute
from agent.engines.local.speedup_segments import Group
from core.models import Speedup

LOOKBACK = 300  # characters before a number whose words may decide its claim
_TRAILING_JOIN_RE = re.compile(r"[\s,]+(?:and|or|with|while|but)$", re.I)
_NAME_RE = re.compile(r"(?<![\w-])(?=[\w-]*(?:[a-z][A-Z]|[A-Z]{2}|\d))[A-Za-z][\w-]*")


@dataclass(slots=True)
class Claim:
    """What has been read about one group of numbers; items are made only if nothing blocked it."""

    group: Group
    metric: str | None = None
    blocked: str | None = None
    benefit: bool = False
    direction_word: str | None = None
    qualifier: str | None = None
    evidence_start: int = 0
    evidence_end: int = 0
    comparator: Comparator | None = None
    extra_metric: tuple[str, str] | None = None  # (metric, direction) of "faster speed and lower energy"
    respective: list[tuple[str | None, str]] | None = None  # per member: "A and B of 2x and 3x, respectively"


def finalise(text: str, claims: list[Claim]) -> list[Speedup]:
    items: list[tuple[Speedup, int]] = []
    for claim in claims:
        if claim.blocked or claim.metric is None:
            continue
        items += _items_of(text, claim)
    return _merge_restated(text, items)


def _items_of(text: str, claim: Claim) -> list[tuple[Speedup, int]]:
    start, end = _evidence_span(text, claim)
    if text.count("(", start, end) > text.count(")", start, end):
        close = text.find(")", end, min(len(text), end + 60))  # "(5x faster)" stays whole
        end = close + 1 if close >= 0 and "." not in text[end:close] else end
    if text.count(")", start, end) > text.count("(", start, end):
        opening = text.rfind("(", max(0, start - 80), start)  # "a (2.2x) throughput gain" stays whole
        if opening >= 0:
            clause = max(text.rfind(",", 0, opening), text.rfind(".", 0, opening), start - 120)
            start = clause + 1 if clause >= 0 else 0
            while start < opening and text[start].isspace():
                start += 1
    evidence = text[start:end]
    members = claim.group.members
    baselines = distribute(claim.comparator.phrase if claim.comparator else None,
                           1 if claim.group.is_range else len(members))
    metrics = [(claim.metric, rules.resolve_direction(claim.direction_word, claim.metric, claim.benefit))]
    if claim.extra_metric:
        metrics.append(claim.extra_metric)
    out: list[tuple[Speedup, int]] = []
    for i, member in enumerate(members):
        qualifier = ("range_low", "range_high")[i] if claim.group.is_range else claim.qualifier
        baseline = baselines[0] if claim.group.is_range else baselines[i]
        if claim.respective is not None:
            metric_i, direction_i = claim.respective[i]
            metrics = [(metric_i, direction_i)] if metric_i else []
        for metric, direction in metrics:
            out.append((Speedup(value=member.value, unit=member.unit or "x", metric=metric,  # type: ignore[arg-type]
                                direction=direction, baseline=baseline, qualifier=qualifier,  # type: ignore[arg-type]
                                evidence=evidence), start))
    return out


def _evidence_span(text: str, claim: Claim) -> tuple[int, int]:
    group = claim.group
    # The words that decided the claim lie within LOOKBACK characters; going further back would
    # only make evidence (and hostile inputs) huge.
    start = min(max(claim.evidence_start, group.start - LOOKBACK - 40), group.start)
    while start > claim.evidence_start and not text[start - 1].isspace():
        start -= 1
    end = max(claim.evidence_end, group.end)
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:."):
        end -= 1
    tail = _TRAILING_JOIN_RE.search(text, start, end)
    return start, (tail.start() if tail else end)


def _merge_restated(text: str, items: list[tuple[Speedup, int]]) -> list[Speedup]:
    """§1.2: a claim restated later (same value, unit, metric, direction, qualifier) is one item;
    the first mention is kept and takes the baseline of a restatement if it had none."""
    kept: list[tuple[Speedup, bool]] = []
    by_key: dict[tuple[object, ...], list[int]] = {}
    for item, start in items:
        # the gate every engine's items pass (metric/direction agreement, then grounding), before
        # merging: a re-read pair may make two items one claim
        item, reason = settle_speedup(text, metric_model.revise_item(text, item, start), at=start)
        key = (item.value, item.unit, item.metric, item.direction, item.qualifier)
        twin = next((i for i in by_key.get(key, []) if _restates(kept[i][0], item)), None)
        if twin is None:
            by_key.setdefault(key, []).append(len(kept))
            kept.append((item, reason is None))
        elif kept[twin][0].baseline is None and item.baseline is not None:
            kept[twin] = (kept[twin][0].model_copy(update={"baseline": item.baseline}), kept[twin][1])
    return [item for item, grounded in kept if grounded]


def _restates(a: Speedup, b: Speedup) -> bool:
    """Same claim said twice, unless the two mention different named things: "2x on GPT-2
    pretraining on OpenWebText" does not restate "2x on ViT and GPT-2 training on ImageNet"."""
    if a.evidence == b.evidence:
        return a.baseline == b.baseline
    if not (a.baseline is None or b.baseline is None or a.baseline == b.baseline):
        return False
    names_a, names_b = set(_NAME_RE.findall(a.evidence)), set(_NAME_RE.findall(b.evidence))
    return names_a <= names_b or names_b <= names_a
