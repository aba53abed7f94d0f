"""The learned half of the speedup extractor: which read claims become items.

The rules (speedups.py) read every ratio/percent number and either name its quantity and
direction or say why it is no claim (setup, quality, overhead, a context sentence, ...). A
logistic model over features of the number's own context (the words right before and after it,
the quantity the lexicon reads on each side, accuracy or speed talk nearby, unit, list shape, the
rules' verdict) scores each candidate; it is fitted on the audited dev fixtures by
evals/train_speedup_model.py and ships as agent/data/speedup_model.json. The rules' verdict is
only overturned when the model is confident the other way (`drop_below` / `add_above` in the
file): the rules are reliable where they fire on a phrase shape they know, the model generalises
the word evidence they do not. Without the file the rules decide alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agent.engines.local import speedup_rules as rules

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "speedup_model.json"
_WORD_RE = re.compile(r"[a-z][a-z-]*")
_WORDS_BEFORE, _WORDS_AFTER, _SPAN = 4, 4, 60


@dataclass(frozen=True, slots=True)
class Candidate:
    claim: Any  # speedup_items.Claim
    context: bool  # its sentence states the problem or prior work (§1.1.4)
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class ReadAbstract:
    text: str
    masked: str
    candidates: list[Candidate]


def rule_verdict(candidate: Candidate) -> bool:
    claim = candidate.claim
    return not candidate.context and claim.blocked is None and claim.metric is not None


def features(read: ReadAbstract, candidate: Candidate, verdict: bool) -> list[str]:
    """Sparse binary features of one candidate claim (names, so the model file is readable).

    `verdict` is the rules' item/no-item decision: at run time today's rules, in training the rules
    as they were when that fixture file was still unseen (so the model learns how far the rules
    can be trusted on new text, not on the text they were tuned on)."""
    claim, masked = candidate.claim, read.masked
    group = claim.group
    last = group.members[-1]
    out = [f"rule={'item' if verdict else 'no'}", f"unit={last.unit}", f"metric={claim.metric}"]
    if last.kind != "number":
        out.append(f"kind={last.kind}")
    if group.is_range:
        out.append("range")
    elif len(group.members) > 1:
        out.append("list")
    if last.unit == "%" and last.value > 100:
        out.append("pct>100")
    if last.unit == "x" and last.value < 1.5:
        out.append("x<1.5")
    before = masked[max(candidate.sentence_start, group.start - _SPAN):group.start].lower()
    after = masked[group.end:min(candidate.sentence_end, group.end + _SPAN)].lower()
    words_before = _WORD_RE.findall(before)[-_WORDS_BEFORE:]
    words_after = _WORD_RE.findall(after)[:_WORDS_AFTER]
    out += [f"b:{w}" for w in words_before] + [f"a:{w}" for w in words_after]
    if words_before:
        out.append(f"b1:{words_before[-1]}")
    if words_after:
        out.append(f"a1:{words_after[0]}")
    read_after, read_before = rules.read_after(after), rules.read_before(before)
    out += [f"ra={read_after.metric or read_after.blocked}", f"rb={read_before.metric or read_before.blocked}"]
    lex = rules.lexicon()
    sentence = masked[candidate.sentence_start:candidate.sentence_end]
    if lex.quality.search(sentence):
        out.append("s:quality")
    if lex.quality.search(before[-30:]) or lex.quality.search(after[:30]):
        out.append("near:quality")
    if lex.faster.search(sentence):
        out.append("s:faster")
    return out


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> dict[str, Any] | None:
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def item_probability(model: dict[str, Any], names: list[str]) -> float:
    weights = model["item"]["weights"]
    score = model["item"]["bias"] + sum(weights.get(n, 0.0) for n in names)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def decide(read: ReadAbstract, model: dict[str, Any] | None,
           verdicts: list[bool] | None = None) -> list[Any]:
    """The claims that become items: the rules' verdict unless the model is confident otherwise.
    (`verdicts` replaces the rules' verdicts: the fit script passes those of an older engine.)"""
    kept = []
    for i, candidate in enumerate(read.candidates):
        verdict = rule_verdict(candidate) if verdicts is None else verdicts[i]
        if model is not None and "item" in model and candidate.claim.metric is not None:
            p = item_probability(model, features(read, candidate, verdict))
            if verdict and p < model["drop_below"]:
                verdict = False
            elif not verdict and p > model["add_above"]:
                verdict = True
        if verdict and candidate.claim.metric is not None:
            claim = candidate.claim
            claim.blocked = None
            kept.append(claim)
    return kept
