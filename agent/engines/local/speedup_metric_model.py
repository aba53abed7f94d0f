"""A fitted second opinion on each speedup item's metric and direction (LABELLING §1.3).

The rules (speedups.py and its helpers) name an item's quantity and direction from phrase shapes
they were written against; on text they have not seen they get about one item in six wrong (the
blind files' strict scores), mostly the convention's two-way cases (a "training performance" gain,
EDP "improved by 83%", checkpoint "saving times"). A multinomial logistic model over the words of the
number's own phrase (the words right before and after it, the first words after it, the lexicon's
reading of each side, the comparison word, the sentence's scope words such as training or search)
and the rules' own pair scores every (metric, direction) pair the labels use. It is fitted by
evals/train_speedup_metric_model.py on the labelled fixtures, with the pair the rules gave each
former blind file on its blind day as the rules' feature, so it learns how far the rules can be
trusted on new text. It is consulted only when agent/data/speedup_metric_model.json exists; round 9
did not ship it (the fit script's notes: no gain on the held-out file, twice the extractor's CPU
time), and the candidate sits in evals/data. The rules' pair is replaced
only when the model's best pair is at least `override_above` likely (chosen by leave-one-file-out
scores); the pairs it can choose are labelled pairs, so they are consistent (claim_consistency).
Without the file the rules decide alone. Pure Python at run time: a few dictionary look-ups per item.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "speedup_metric_model.json"
_WORD_RE = re.compile(r"[a-z][a-z-]*")
_CLAUSE_STOP_RE = re.compile(r"[;:()]|\.\s|,\s(?:and|but|while|which|whereas)\s")
# Scope and quantity stems of the whole sentence: what a bare "2x speedup" is about there.
_SCOPE_RE = re.compile(
    r"\b(?P<train>train\w*|fine-?tun\w*|pre-?train\w*|converge\w*|epochs?)\b|\b(?P<search>search\w*|nas)\b"
    r"|\b(?P<infer>inference|decod\w*|serving|prefill\w*)\b|\b(?P<energy>energy|power|edp|joules?)\b"
    r"|\b(?P<memory>memory|footprint|dram|hbm|cache)\b|\b(?P<time>latency|time|delay)\b"
    r"|\b(?P<throughput>throughput|fps|tokens/s)\b|\b(?P<compute>flops?|macs?|computation\w*|compute)\b"
    r"|\b(?P<comm>communicat\w*|traffic|bandwidth)\b|\b(?P<size>parameters?|model\s+size|compress\w*)\b"
    r"|\b(?P<cost>costs?|\$|dollars?|price)\b|\b(?P<accuracy>accura\w*|quality|perplexity)\b", re.I)
_SPAN, _WORDS_BEFORE, _WORDS_AFTER, _SENTENCE_REACH = 90, 5, 5, 400


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any] | None:
    """The shipped model (MODEL_PATH at the first call; the fit script points it elsewhere and clears
    the cache to read the rules alone)."""
    if not MODEL_PATH.exists():
        return None
    with MODEL_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def phrase_windows(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(the words before the number in its clause, the words after it, its whole sentence), lowered."""
    # the sentence, but never more than _SENTENCE_REACH characters either side: hostile input (a
    # megabyte with no full stop) must not make every item read the whole text
    floor, ceiling = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
    dot = text.rfind(". ", floor, start)
    sentence_start = dot + 2 if dot >= 0 else floor
    sentence_end = text.find(". ", end, ceiling)
    sentence_end = ceiling if sentence_end < 0 else sentence_end
    before = text[max(sentence_start, start - _SPAN):start]
    stops = list(_CLAUSE_STOP_RE.finditer(before))
    before = before[stops[-1].end():] if stops else before
    after = text[end:min(sentence_end, end + _SPAN)]
    stop = _CLAUSE_STOP_RE.search(after)
    after = after[:stop.start()] if stop else after
    return before.lower(), after.lower(), text[sentence_start:sentence_end].lower()


def features(text: str, span: tuple[int, int], unit: str, value: float, rule_pair: tuple[str, str]) -> list[str]:
    """Binary features (readable names) of the number at text[span] and the rules' pair for it."""
    from agent.engines.local import speedup_rules as rules

    before, after, sentence = phrase_windows(text, *span)
    metric, direction = rule_pair
    out = [f"rp={metric}/{direction}", f"rm={metric}", f"rd={direction}", f"u={unit}"]
    if unit == "%" and value > 100:
        out.append("pct>100")
    if unit == "x" and value < 1.5:
        out.append("x<1.5")
    words_before = _WORD_RE.findall(before)[-_WORDS_BEFORE:]
    words_after = _WORD_RE.findall(after)[:_WORDS_AFTER]
    out += [f"b:{w}" for w in words_before] + [f"a:{w}" for w in words_after]
    out += [f"b{i}:{w}" for i, w in enumerate(reversed(words_before[-2:]), 1)]
    out += [f"a{i}:{w}" for i, w in enumerate(words_after[:2], 1)]
    read_after, read_before = rules.read_after(after), rules.read_before(before)
    out += [f"ra={read_after.metric or read_after.blocked}", f"rb={read_before.metric or read_before.blocked}",
            f"dw={rules.direction_word(after, before)}"]
    out += sorted({f"s:{m.lastgroup}" for m in _SCOPE_RE.finditer(sentence)})
    out += sorted({f"c:{m.lastgroup}" for m in _SCOPE_RE.finditer(before + " " + after)})
    return out


def pair_probabilities(model: dict[str, Any], names: list[str]) -> dict[str, float]:
    """Softmax over the model's pairs ("metric/direction") for one item's feature names."""
    scores = dict(model["bias"])
    weights = model["weights"]
    for name in names:
        for pair, w in weights.get(name, {}).items():
            scores[pair] += w
    top = max(scores.values())
    exps = {pair: math.exp(s - top) for pair, s in scores.items()}
    total = sum(exps.values())
    return {pair: e / total for pair, e in exps.items()}


def number_span(text: str, evidence_start: int, evidence: str, value: float, unit: str) -> tuple[int, int] | None:
    """Where in `text` the item's own number is written: its first mention in the evidence."""
    from agent.claim_grounding import evidence_mentions
    from agent.numbers import same_value

    for mention in evidence_mentions(evidence):
        if mention.unit == unit and same_value(mention.value, value):
            return evidence_start + mention.start, evidence_start + mention.end
    return None


def revise_item(text: str, item: Any, evidence_start: int) -> Any:
    """`item` (a core.models.Speedup) with the pair `revise` gives it."""
    model = load_model()
    if model is None:
        return item
    span = number_span(text, evidence_start, item.evidence, item.value, item.unit)
    if span is None:
        return item
    metric, direction = revise(text, span, item.unit, item.value, (item.metric, item.direction), model)
    if (metric, direction) == (item.metric, item.direction):
        return item
    return item.model_copy(update={"metric": metric, "direction": direction})


def revise(text: str, span: tuple[int, int], unit: str, value: float, rule_pair: tuple[str, str],
           model: dict[str, Any], names: list[str] | None = None) -> tuple[str, str]:
    """The item's (metric, direction): the rules' pair unless the model is confident of another.
    (`names`: the item's features when the caller has them already.)"""
    names = features(text, span, unit, value, rule_pair) if names is None else names
    probs = pair_probabilities(model, names)
    best = max(probs, key=probs.__getitem__)
    if probs[best] < model["override_above"] or best == f"{rule_pair[0]}/{rule_pair[1]}":
        return rule_pair
    metric, direction = best.split("/")
    return metric, direction
