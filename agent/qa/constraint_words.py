"""Which word groups of a set question must hold in every listed paper, and which only frame it.

A list question in a user's own words carries words that constrain the set ("outlier", "drones",
"texture memory") beside words that frame it ("make it possible", "as they go", "whether speeding
them up") or describe it loosely. Reading them by rule kept stray verbs as constraints (a word no
paper uses declined the question) and dropped real qualifiers. Instead each concept group the
reader finds (agent/qa/set_concepts.py) gets a probability that it must hold, from a small logistic
model over word features: how many of the store's papers write it and how many say it in a title
(concepts are in titles, framing verbs are not), its shape (a verb form, an adverb, a name written
in capitals, a phrase, spelt-out alternatives) and its place in the question (an example after
"such as", a "whether ..." aside, inside parentheses).

The model is fitted by `python -m bench.constraint_words` on the dev files' set questions (a group is
a must-hold constraint when every gold paper writes it) and shipped as
agent/data/constraint_words.json; the bench prints leave-one-file-out figures.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "constraint_words.json"

FEATURES = ("log_share", "log_share_min", "title_share", "phrase_words", "alternatives", "spelled",
            "verb_form", "adverb", "capitals", "digit", "position", "example", "aside", "paren", "first")

_EXAMPLE = re.compile(r"\b(?:such\s+as|for\s+example|for\s+instance|e\.g\.|e\.g|like|including|say)\W+(?:\w+\W+){0,3}$", re.I)
_ASIDE = re.compile(r"\b(?:whether|either|be\s+it|as\s+(?:they|it)|so\s+that|in\s+order\s+to|to\s+keep|to\s+help)\b[^;?]*$",
                    re.I)


def _share(index, phrase: tuple[str, ...]) -> tuple[int, int]:
    """(papers writing the phrase, of those the papers whose title writes it)."""
    ids = index.papers(phrase)
    titled = sum(1 for pid in ids if index.count(phrase, pid, title_only=True))
    return len(ids), titled


def _at(question: str, surface: str) -> int:
    """Where the group's first word stands in the question (-1: not found as written)."""
    first = re.split(r"\s*/\s*|\s+", surface.strip())[0]
    m = re.search(rf"(?<![\w-]){re.escape(first)}", question, re.I) if first else None
    return m.start() if m else -1


def features(group, question: str, index, first: bool = False) -> dict[str, float]:
    n = max(1, len(index.docs))
    shares = [_share(index, p) for p in group.phrases] or [(0, 0)]
    used = max(s for s, _ in shares)
    words = [w for alt in group.surface.split(" / ") for w in alt.split()]
    at = _at(question, group.surface)
    before = question[:at] if at >= 0 else ""
    return {
        "log_share": math.log((used + 0.5) / n),
        "log_share_min": math.log((min(s for s, _ in shares) + 0.5) / n),
        "title_share": max((t / s if s else 0.0) for s, t in shares),
        "phrase_words": float(max(len(p) for p in group.phrases) if group.phrases else 0),
        "alternatives": float(len(group.phrases)),
        "spelled": float(group.spelled),
        "verb_form": float(any(re.search(r"(?:ing|ed)$", w.lower()) for w in words[:1])),
        "adverb": float(any(w.lower().endswith("ly") for w in words)),
        "capitals": float(any(re.search(r"[A-Z].*[A-Z]|^[A-Z][a-z]*[A-Z0-9]", w) for w in words)),
        "digit": float(any(re.search(r"\d", w) for w in words)),
        "position": at / max(1, len(question)) if at >= 0 else 1.0,
        "example": float(bool(_EXAMPLE.search(before))),
        "aside": float(bool(_ASIDE.search(before))),
        "paren": float(before.count("(") > before.count(")")),
        "first": float(first),
    }


@lru_cache(maxsize=1)
def model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    return json.loads(MODEL_PATH.read_text())


def probability(feats: dict[str, float], m: dict | None = None) -> float:
    m = m or model()
    if m is None:
        return 1.0
    # a feature is clipped to the range seen in fitting: a phrase no paper writes (its share is below
    # any fitted row's) is judged by its shape, not by an extrapolated share
    lo, hi = m.get("lo", [-math.inf] * len(m["features"])), m.get("hi", [math.inf] * len(m["features"]))
    z = m["bias"] + sum(w * (min(max(feats[k], a), b) - mu) / sd
                        for k, w, mu, sd, a, b in zip(m["features"], m["weights"], m["mean"], m["scale"], lo, hi))
    return 1 / (1 + math.exp(-z))


def score_groups(groups, question: str, index, subject=None) -> None:
    """Set each group's `must` probability (1.0 when no model is shipped)."""
    for i, g in enumerate(groups):
        g.must = probability(features(g, question, index, first=(g is subject or (subject is None and i == 0))))


def drop_head_noun(groups: list, question: str) -> None:
    """The question's head noun ("Which entries ...", "What efforts compress ...", "What research exists
    on ...", agent/qa/head_noun.py) frames the set: it says what kind of answer is wanted, so no listed
    paper must write it. It is cut from the front of its group (with the "exists" of that shape), and a
    group left empty is removed from `groups` in place."""
    from agent.qa.head_noun import set_shape
    from agent.qa.text import stem

    head = set_shape(question)[1]
    if head is None:
        return
    drop = {stem(head.word.lower())}
    if re.match(r"\s+exists?\b", question[head.end:], re.I):
        drop.add(stem("exists"))
    for g in list(groups):
        words = g.surface.split()
        if not words or words[0].lower() != head.word.lower():
            continue
        kept = [p for p in (_strip_front(p, drop) for p in g.phrases) if p]
        if not kept:
            groups.remove(g)
            continue
        g.phrases = kept
        g.surface = " ".join(w for i, w in enumerate(words) if not (i < 2 and stem(w.lower()) in drop))


def _strip_front(phrase: tuple, drop: set) -> tuple:
    while phrase and phrase[0] in drop:
        phrase = phrase[1:]
    return phrase


def framing(group) -> bool:
    """The model says the question wrote this group to frame or describe, not to constrain."""
    m = model()
    return m is not None and getattr(group, "must", 1.0) < m["cutoff"]


_SURE = 0.5     # below this share of the cutoff the model is sure: a framing group is dropped even where met


def surely_framing(group) -> bool:
    """The model is sure the group frames the question: its probability is under half the cutoff (a
    group near the cutoff, "decoding throughput gain" at 0.49, is only relaxed when it empties the set)."""
    m = model()
    return m is not None and getattr(group, "must", 1.0) < _SURE * m["cutoff"]
