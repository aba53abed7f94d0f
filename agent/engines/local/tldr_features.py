"""Candidate TL;DRs of one abstract and the features the learned scorer weighs (pure Python, fast).

A candidate is one abstract sentence after compression, optionally at a tighter word budget, or
fused with the next sentence or with the headline-number clause of a results sentence. Its features
describe the source sentence (position, length, cue phrases, centrality in the abstract, numbers,
noise) and the candidate (kind, final length, how its own words recur in the abstract). The weights live in agent/data/tldr_model.json and
are fitted on SciTLDR train by agent/engines/local/tldr_train.py; every output word is still copied
from the abstract, so the model only chooses, it never writes.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agent.engines.local import tldr_compress as base

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "tldr_model.json"
SHORT_WORDS = 18        # the tighter compression budget offered as a second candidate

_CUES = {  # binary features, matched against the lowercased sentence
    "cue_propose": r"\bwe (?:propose|present|introduce|develop|design|devise|build|create|formulate)",
    "cue_paper": r"\b(?:this|our|the present) (?:paper|work|article|study|letter)\b",
    "cue_in_paper": r"\b(?:in this (?:paper|work|study|article)|here,? we)\b",
    "cue_we_study": r"\bwe (?:study|investigate|explore|analy[sz]e|examine|address|tackle|consider|"
                    r"describe|identify|provide|offer|establish|derive|define|focus)",
    "cue_we_show": r"\bwe (?:show|demonstrate|find|prove|observe|argue|report|verify|confirm)",
    "cue_novel": r"\b(?:novel|new|first)\b",
    "cue_named": r"\b(?:called|named|dubbed|termed|coined)\b",
    "cue_method": r"\b(?:method|approach|framework|algorithm|model|architecture|technique|system)s?\b",
    "cue_result": r"\b(?:outperform\w*|achiev\w*|improv\w*|state[- ]of[- ]the[- ]art|superior|"
                  r"competitive|better)\b",
    "cue_experiment": r"\b(?:experiment\w*|empirical\w*|evaluat\w*|benchmark\w*|dataset\w*)\b",
    "cue_theory": r"\b(?:theor\w*|prove|bound|guarantee\w*|converge\w*)\b",
    "cue_contrast": r"^(?:however|but|although|while|despite|unfortunately)\b",
    "cue_addition": r"^(?:finally|additionally|moreover|furthermore|in addition|also|further|lastly)\b",
    "cue_detail": r"^(?:specifically|in particular|concretely|for example|for instance|namely)\b",
    "cue_code": r"\b(?:code|github|available|open[- ]source|release)\b",
    "cue_we": r"\bwe\b",
    "cue_our": r"\bour\b",
    "cue_starts_we": r"^we\b",
    "cue_this_it": r"^(?:this|it|these|they|such)\b",
}
_CUE_RX = [(name, re.compile(rx)) for name, rx in _CUES.items()]
_WE_VERB = re.compile(r"(?:we|this (?:paper|work)) (?:\w+ly )?(?:propose|present|introduce|develop|"
                      r"show|study|provide|describe)")
_KINDS = ("single", "short", "long", "next", "headline")
_LENGTH_BINS = (10, 15, 20, 25, 30)


@dataclass(frozen=True)
class Candidate:
    text: str                  # compressed, not yet finished (no final period)
    index: int                 # source sentence
    kind: str                  # one of _KINDS


def sentence_features(sentences: list[str], bags: list[set[str]],
                      doc_freq: Counter[str] | None = None) -> list[dict[str, float]]:
    """Per-sentence signals, computed once per abstract."""
    n = len(sentences)
    doc_freq = doc_freq if doc_freq is not None else Counter(w for bag in bags for w in bag)
    strong = next((i for i, s in enumerate(sentences) if _CUE_RX[0][1].search(s.lower())), -1)
    central = [sum(min(doc_freq[w], 4) - 1 for w in bag) / (len(bag) + 4) for bag in bags]
    order = sorted(range(n), key=lambda i: (-central[i], i))
    rank = {i: r for r, i in enumerate(order)}
    out = []
    for i, s in enumerate(sentences):
        low = s.lower()
        n_words = len(s.split())
        others = set().union(*(bags[:i] + bags[i + 1:])) if n > 1 else set()
        f = {name: float(bool(rx.search(low))) for name, rx in _CUE_RX}
        f.update({
            "pos_first": float(i == 0), "pos_second": float(i == 1), "pos_third": float(i == 2),
            "pos_last": float(i == n - 1 and n > 1), "pos_rel": i / max(n - 1, 1),
            "first_strong_cue": float(i == strong), "after_strong_cue": float(0 <= strong < i),
            "log_sentences": math.log(n), "log_words": math.log(n_words + 1),
            "central": central[i], "central_top": float(rank[i] == 0),
            "central_rank": rank[i] / max(n - 1, 1),
            "overlap_rest": len(bags[i] & others) / (len(bags[i]) + 1),
            "overlap_first": len(bags[i] & bags[0]) / (len(bags[i]) + 1) if i else 0.0,
            "number": float(bool(re.search(r"\d", s))), "percent": float("%" in s),
            "paren": float(s.count("(")), "latex": float("$" in s or "\\" in s),
            "colon": float(":" in s), "question": float("?" in s),
            "background": float(len(base.BACKGROUND.findall(s[:80]))),
        })
        # Interactions a linear model cannot form: a contribution cue means more early on.
        f["propose_early"] = f["cue_propose"] * float(i <= 2)
        f["paper_cue_first"] = f["cue_paper"] * f["pos_first"]
        f["central_x_we"] = central[i] * f["cue_we"]
        out.append(f)
    return out


def candidates(sentences: list[str]) -> list[Candidate]:
    """Compressed sentences, a tighter version, and fusions with the next or a headline clause."""
    out: list[Candidate] = []
    seen: set[str] = set()

    def add(text: str, i: int, kind: str) -> None:
        key = text.lower()
        if text and key not in seen:
            seen.add(key)
            out.append(Candidate(text, i, kind))

    stripped = [base.strip_boilerplate(s) for s in sentences]
    clauses = [(base.number_clause(s), bool(base.RESULT.search(s))) for s in sentences]
    for i, s in enumerate(stripped):
        core = base.shorten(s)
        add(core, i, "single")
        add(base.shorten(s, SHORT_WORDS), i, "short")
        add(base.shorten(s, base.MAX_WORDS), i, "long")
        n_core = len(core.split())
        if i + 1 < len(sentences) and n_core < base.MIN_WORDS + 6:
            follow = base.shorten(stripped[i + 1], base.TARGET_WORDS - n_core)
            if n_core + len(follow.split()) <= base.MAX_WORDS and not base.HEADLINE.search(follow):
                add(f"{core}; {base.lower_first(follow)}", i, "next")
        if not base.HEADLINE.search(core):
            clause = headline_clause(clauses, i)
            if clause and n_core + len(clause.split()) <= base.MAX_WORDS:
                add(f"{core}, {clause}", i, "headline")
    return out


def headline_clause(clauses: list[tuple[str | None, bool]], skip: int) -> str | None:
    """The number clause of the first results sentence other than `skip` (abstracts state the
    headline first), else of any other sentence; clauses are computed once per abstract."""
    others = [(c, result) for i, (c, result) in enumerate(clauses) if i != skip and c]
    return next((c for c, result in others if result), others[0][0] if others else None)


def candidate_features(cand: Candidate, sent: dict[str, float]) -> dict[str, float]:
    f = dict(sent)
    n = len(cand.text.split())
    for kind in _KINDS[1:]:
        f[f"kind_{kind}"] = float(cand.kind == kind)
    for lo in _LENGTH_BINS:
        f[f"len_ge_{lo}"] = float(n >= lo)
    f["len_words"] = n / 10
    f["compression"] = n / max(math.exp(sent["log_words"]) - 1, 1)
    low = cand.text.lower()
    f["cand_we_verb"] = float(bool(_WE_VERB.match(low)))
    f["cand_paren"] = float("(" in low)
    f["cand_number"] = float(bool(re.search(r"\d", low)))
    return f


def content_features(text: str, own: set[str], doc_freq: Counter[str]) -> dict[str, float]:
    """How the candidate's own words (not its source sentence's) sit in the abstract: the sentence
    features cannot tell a tight compression that keeps the recurring terms from one that keeps the
    one-off details. `own` is the source sentence's word set, so "elsewhere" excludes it."""
    cw = base.content_words(text)
    bag = set(cw)
    n_words = len(text.split())
    return {
        "c_central": sum(min(doc_freq[w], 4) - 1 for w in bag) / (len(bag) + 4),
        "c_rest_share": sum(1 for w in cw if doc_freq[w] > (w in own)) / (len(cw) + 1),
        "c_content_ratio": len(cw) / (n_words + 1),
        "c_rare": sum(1 for w in bag if doc_freq[w] == 1) / (len(bag) + 1),
        "c_commas": text.count(",") / 2,
    }


def featurize(sentences: list[str]) -> tuple[list[Candidate], list[dict[str, float]]]:
    if not sentences:
        return [], []
    bags = [set(base.content_words(s)) for s in sentences]
    doc_freq = Counter(w for bag in bags for w in bag)
    per_sentence = sentence_features(sentences, bags, doc_freq)
    cands = candidates(sentences)
    return cands, [{**candidate_features(c, per_sentence[c.index]),
                    **content_features(c.text, bags[c.index], doc_freq)} for c in cands]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict:
    """The model JSON plus `coef`/`bias`: the standardisation folded into the weights."""
    model = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
    coef = {n: w / sd for n, w, sd in zip(model["features"], model["weights"], model["scale"])}
    bias = -sum(coef[n] * mu for n, mu in zip(model["features"], model["mean"]))
    return {**model, "coef": coef, "bias": bias}


def score(features: dict[str, float], model: dict) -> float:
    """Linear score of standardised features, sum of w * (x - mean) / scale."""
    if "coef" not in model:
        return sum(w * (features.get(n, 0.0) - mu) / sd
                   for n, w, mu, sd in zip(model["features"], model["weights"], model["mean"], model["scale"]))
    coef = model["coef"]
    return model["bias"] + sum(coef[n] * x for n, x in features.items() if x and n in coef)


def rank_candidates(sentences: list[str], model: dict | None = None) -> list[tuple[float, Candidate]]:
    """Candidates best first (ties keep the earlier candidate), with their scores."""
    model = model or load_model()
    cands, feats = featurize(sentences)
    scored = [(score(f, model), c) for f, c in zip(feats, cands)]
    order = sorted(range(len(scored)), key=lambda k: (-scored[k][0], k))
    return [scored[k] for k in order]
