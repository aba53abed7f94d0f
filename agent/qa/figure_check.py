"""Does the abstract *report* the metric a question asks a figure for, or only mention it?

A numeric question ("What mAP does X reach on KITTI?", "What decode latency does Y achieve?") names a
metric (agent/qa/constraints.py). That check passes when a word for the metric appears anywhere in
the text, so an abstract that speaks of a "feature map" or of a "latency predictor" meets "mAP" or
"latency" while stating no figure of it, and the answer quotes an unrelated sentence. Here the metric
counts as reported only when one sentence of the abstract has both a figure (a number with a unit,
a percentage, an "x") and a word for the metric: the sentence an answer would quote.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.text import split_sentences

# A figure in a sentence: 2.8x, 2.8$\times$, 40%, 147.5 hours, 57GB, 26 ms, 33 FPS.
QUANTITY = re.compile(r"\d[\d,.]*\s*(?:\$?\\times\$?|×|x\b|X\b|times\b|-fold|fold\b|\\?%|percent\b|"
                       r"hours?\b|minutes?\b|seconds?\b|[KMGT]B\b|[mµun]s\b|FPS\b|[mk]?W\b|[mµ]?J\b|[GT]OPS\b|"
                       r"FLOPs?\b|dB\b)")
# A figure that ends or opens a range ("1.3-2.1x", "1.3 to 2.1x", "1.3x–2.1x", "between 1.3 and 2.1x"):
# neither end is the figure (a change "from 42GB to 11GB" is no range: its end is the new value).
_RANGE_BEFORE = re.compile(r"(?:(?<!from\s)(?<![\w.,])\d[\d,.]*\s*(?:\$?\\times\$?|×|x|X|%)?\s*(?:-|–|—|~|to)\s*"
                           r"|\bbetween\s+\d[\d,.]*\s*(?:\$?\\times\$?|×|x|X|%)?\s*and\s+)$")
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|~|to)\s*\d")
SHORT = 4   # metric words this short ("map", "fid", "auc") must end where the word ends ("mapping" is not mAP)
# A score written bare ("41.3 mAP", "BLEU of 27.4", "by 2 points") besides the figures with units of QUANTITY;
# a sentence's last figure is followed by its full stop ("no more than 0.05.").
SCORE = re.compile(r"(?<![\w.])\d+\.\d+(?![\w]|\.\d)|\b\d+(?:\.\d+)?\s+points?\b", re.I)


@lru_cache(maxsize=64)
def in_range(sentence: str, start: int, end: int) -> bool:
    """The figure at sentence[start:end] is one end of a range (not a change "from A to B")."""
    before = sentence[max(0, start - 40):start]
    if _RANGE_AFTER.match(sentence[end:]):
        return not re.search(r"\bfrom\s+$", before)
    return bool(_RANGE_BEFORE.search(before))


@lru_cache(maxsize=64)
def _metric_rx(metric: str) -> re.Pattern:
    """A word for `metric` at a word start; longer words may take a suffix ("energy-efficient", "latencies")."""
    from agent.qa.constraints import METRICS

    words = METRICS.get(metric, (metric,))
    parts = [re.escape(w) + (r"(?![a-z0-9])" if len(w) <= SHORT else "") for w in words]
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + ")", re.I)


# A figure whose unit says which metric it is, whether or not the sentence names the metric
# ("X runs in 18 ms on a phone" reports a latency).
_UNITS = {
    "latency": (r"(?:ms|µs|us|ns|milliseconds?|microseconds?|seconds?)\b", re.I),
    "energy": (r"(?:[mµkM]?J|joules?|[mk]?Wh)\b", 0),
    "power": (r"(?:[mµkM]?W|watts?)\b", 0),
    "memory": (r"(?:[KMGT]i?B|bytes?)\b", 0),
    "FPS": (r"(?:fps|frames?\s+per\s+second)\b", re.I),
}
UNIT_OF = {k: re.compile(r"\d\s*" + u, f) for k, (u, f) in _UNITS.items()}
# the same, as a whole figure ("28 fps", "23.1 ms"): what `figure_of` states
UNIT_FIGURE = {k: re.compile(r"(?<![\w.,])\d[\d,.]*\s*" + u, f) for k, (u, f) in _UNITS.items()}


def figure_sentence(metric: str, abstract: str) -> str | None:
    """The first sentence of `abstract` that states a figure of `metric` (`states_figure`), else None."""
    return next((s for s in split_sentences(abstract or "") if states_figure(metric, s)), None)


# Where one figure's clause ends: "reduces DRAM access by 10.0x with no accuracy loss" states a DRAM
# figure and no accuracy figure; "74.1% top-1 accuracy on ImageNet with 295M FLOPs" one of each. Not
# "and", which joins the items of a list ("recall on KITTI and nuScenes by 40.9% and 26.9%").
_CLAUSE_CUT = re.compile(r"[;:]|,(?=\s)|\b(?:while|whereas|but|with|without|compared|versus|vs\.?|whilst)\b", re.I)
# Metrics that are scores of quality: a factor ("3x") or a time, size, energy or rate unit is never
# their figure ("2x faster with 1% accuracy loss": the 2x is no accuracy).
SCORE_METRICS = frozenset({"accuracy", "F1", "mAP", "mIoU", "recall", "AUC", "NDCG", "BLEU", "ROUGE", "perplexity",
                           "FID", "PSNR", "SSIM", "LPIPS", "word error rate"})
_NOT_A_SCORE = re.compile(r"(?:\\times|×|x|X|times|fold|[KMGT]B|[mµun]s|hours?|minutes?|seconds?|FPS|[mk]?W|"
                          r"[mµ]?J|[GT]OPS|FLOPs?)\$?\s*$")


def states_figure(metric: str, sentence: str) -> bool:
    """`sentence` states a figure of `metric`: one clause has a word for the metric and a figure that
    can measure it (a score metric takes no factor or physical unit), or the sentence has a figure in
    the metric's own unit ("runs in 18 ms" is a latency)."""
    unit = UNIT_OF.get(metric)
    if unit and unit.search(sentence):
        return True
    rx = _metric_rx(metric)
    if not rx.search(sentence):
        return False
    cuts = [0] + [m.start() for m in _CLAUSE_CUT.finditer(sentence)] + [len(sentence)]
    for start, end in zip(cuts, cuts[1:]):
        clause = sentence[start:end]
        if rx.search(clause) and any(_measures(metric, f) for f in _figures(clause)):
            return True
    return False


# Where one figure of a list ends for `figure_of`: also "and" ("response time (33.1% faster) and power
# consumption (45.1% lower)").
_ITEM_CUT = re.compile(_CLAUSE_CUT.pattern + r"|\band\b", re.I)


def figure_of(metric: str, sentence: str, question: str = "") -> str | None:
    """The figure `sentence` states of `metric`, as written: the admissible figure of the first clause
    naming the metric ("28 fps streaming speed with 41.6 PSNR" -> "41.6"), or a figure in the metric's
    own unit. A list that goes on without naming a metric ("by 81.76% on an 8GB instance and 99.84% on
    a 64GB instance") offers each figure; the words right after a figure that the question uses pick
    one ("on a 64GB instance"), else none is stated. Figures the question writes itself ("from 42GB")
    and the ends of a range are never the answer."""
    given = {_number(m.group(0)) for m in QUANTITY.finditer(question)}
    found = _clause_figures(metric, sentence, given)
    if not found and (unit := UNIT_FIGURE.get(metric)):
        found = [m for m in unit.finditer(sentence) if _number(m.group(0)) not in given]
    if len(found) > 1:     # the words right after each figure, as written ("16-node", "64GB"), and stemmed
        q_words = _words(question)
        scored = [(len(q_words & _words(" ".join(sentence[m.end():m.end() + 40].split()[:6]))), m) for m in found]
        top = max(k for k, _ in scored)
        found = [m for k, m in scored if k == top] if top else found
    if len(found) != 1 or in_range(sentence, found[0].start(), found[0].end()):
        return None
    return found[0].group(0).strip()


def _clause_figures(metric: str, sentence: str, given: set[float]) -> list[re.Match]:
    """The admissible figures of the first clause naming `metric`, and of the clauses that continue
    its list without naming a metric of their own ("… and 99.84% on a 64GB instance")."""
    cuts = [0] + [m.start() for m in _ITEM_CUT.finditer(sentence)] + [len(sentence)]
    clauses = list(zip(cuts, cuts[1:]))
    for i, (start, end) in enumerate(clauses):
        if not _metric_rx(metric).search(sentence, start, end):
            continue
        found = _admissible(metric, sentence, start, end, given)
        if not found:
            continue
        for nxt_start, nxt_end in clauses[i + 1:]:
            more = _admissible(metric, sentence, nxt_start, nxt_end, given)
            if not more or _names_a_metric(sentence[nxt_start:nxt_end]):
                break
            found += more
        return found
    return []


def _words(text: str) -> set[str]:
    """Stemmed terms plus the words as written, numbers kept ("16-node", "64gb")."""
    from agent.qa.text import STOP, term_set

    return term_set(text) | {w for w in re.findall(r"[a-z0-9][\w.-]*[a-z0-9]", text.lower()) if w not in STOP}


def _admissible(metric: str, sentence: str, start: int, end: int, given: set[float]) -> list[re.Match]:
    spans = {}
    unit = UNIT_FIGURE.get(metric)
    units = unit.finditer(sentence, start, end) if unit else ()
    for m in (*units, *QUANTITY.finditer(sentence, start, end), *SCORE.finditer(sentence, start, end)):
        if _measures(metric, m.group(0)) and _number(m.group(0)) not in given and _whole_number(sentence, m):
            spans.setdefault(m.start(), m)
    return [spans[k] for k in sorted(spans)]


def _whole_number(sentence: str, m: re.Match) -> bool:
    """A figure that starts where its number starts (a search from a clause start can cut "28" to "8")."""
    return m.start() == 0 or not (sentence[m.start() - 1].isdigit() or sentence[m.start() - 1] in ".,")


def _names_a_metric(clause: str) -> bool:
    from agent.qa.constraints import METRICS

    return any(_metric_rx(k).search(clause) for k in METRICS)


def _number(figure: str) -> float:
    m = re.match(r"\d[\d,]*(?:\.\d+)?", figure.strip())
    return float(m.group(0).replace(",", "")) if m else -1.0


def _figures(clause: str) -> list[str]:
    return [m.group(0) for m in QUANTITY.finditer(clause)] + [m.group(0) for m in SCORE.finditer(clause)]


def _measures(metric: str, figure: str) -> bool:
    return metric not in SCORE_METRICS or not _NOT_A_SCORE.search(figure)


def unreported(wanted: list, abstract: str, question: str | None = None) -> list:
    """The metric constraints of `wanted` no sentence of `abstract` states a figure of (with the
    question's own modifiers of the metric in `surface` when `question` is given)."""
    from dataclasses import replace

    out = [c for c in wanted if c.kind == "metric" and figure_sentence(c.value, abstract) is None]
    return [replace(c, surface=with_modifiers(question, c.surface)) if question else c for c in out]


def with_unreported(missing: list, wanted: list, abstract: str, question: str) -> list:
    """`missing` plus the metrics of `wanted` the abstract names but states no figure of, and the rate
    the question asks a figure in ("tokens per second") when no sentence states one in that unit."""
    said = {(m.kind, m.value) for m in missing}
    out = missing + [c for c in unreported(wanted, abstract, question) if (c.kind, c.value) not in said]
    return out + [c for c in unreported_rates(question, abstract) if not any(c.surface in m.surface for m in out)]


# -- rates: a figure asked in "<things> per <time>" -------------------------------------------------
# A question asking for a rate names its unit ("how many tokens per second", "what images/s"); a
# figure in another unit ("2x speedup", "40% lower latency") does not answer it. The time units, and
# the short forms abstracts write for common rates ("1,200 QPS" is queries per second).
_TIME = {"second": "second", "seconds": "second", "sec": "second", "s": "second", "minute": "minute",
         "minutes": "minute", "min": "minute", "hour": "hour", "hours": "hour", "hr": "hour", "h": "hour",
         "day": "day", "days": "day"}
_TIME_WORDS = "|".join(sorted(_TIME, key=len, reverse=True))
_SPELT = "|".join(sorted((t for t in _TIME if len(t) > 1), key=len, reverse=True))
# "tokens per second", "frames a second", "tokens/s": short time units only after a slash
_RATE_Q = re.compile(rf"\b([a-z]{{3,}}s)(?:\s+(?:per|each|a|an)\s+({_SPELT})|\s*/\s*({_TIME_WORDS}))\b", re.I)
_RATE_TEXT = re.compile(rf"\b([a-z]{{3,}})(?:\s+(?:per|each|a|an)\s+({_SPELT})|\s*/\s*({_TIME_WORDS}))\b", re.I)   # "token/s" too
_ABBREVIATION = {("frame", "second"): ("fps",), ("query", "second"): ("qps",), ("request", "second"): ("rps",),
                 ("token", "second"): ("tps", "tok/s"), ("image", "second"): ("img/s",),
                 ("sample", "second"): ("samples/s",)}
_ASKS_RATE = re.compile(r"\bhow\s+(?:many|much|fast)\b|^\s*(?:what|which)\b|\bat\s+what\b|\brate\b", re.I)


def asked_rates(question: str) -> list[tuple[str, str, str]]:
    """(surface, thing, time) of each rate the question asks a figure in: ("tokens per second", "token", "second")."""
    from agent.qa.text import stem

    if not _ASKS_RATE.search(question):
        return []
    return [(m.group(0), stem(m.group(1).lower()), _TIME[_time(m)]) for m in _RATE_Q.finditer(question)]


def _time(m: re.Match) -> str:
    return (m.group(2) or m.group(3)).lower()


def states_rate(thing: str, time: str, abstract: str) -> bool:
    """A sentence of `abstract` states a number in the rate `thing` per `time` (or its short form)."""
    from agent.qa.text import stem

    short = next((v for (k, t), v in _ABBREVIATION.items() if stem(k) == thing and t == time), ())
    words = [t for t, unit in _TIME.items() if unit == time]
    for sent in split_sentences(abstract or ""):
        if not re.search(r"\d", sent):
            continue
        for m in _RATE_TEXT.finditer(sent):
            if stem(m.group(1).lower()) == thing and _time(m) in words:
                return True
        if any(re.search(rf"(?<![\w/]){re.escape(a)}(?![\w/])", sent, re.I) for a in short):
            return True
    return False


def rate_figure(sentence: str, question: str) -> str | None:
    """The figure of `sentence` in the rate the question asks ("345 frames per second", "12k QPS"), as written."""
    from agent.qa.text import stem

    for _, thing, time in asked_rates(question):
        short = next((v for (k, t), v in _ABBREVIATION.items() if stem(k) == thing and t == time), ())
        for m in _RATED_NUMBER.finditer(sentence):
            rate = _RATE_TEXT.match(m.group("unit"))
            if rate and stem(rate.group(1).lower()) == thing and _time(rate) in _TIME_OF[time] or \
                    m.group("unit").lower() in short:
                return m.group(0).strip()
    return None


_RATED_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\s?[kKM]?\s?(?P<unit>[A-Za-z]+(?:\s+(?:per|each|a|an)\s+[a-z]+|"
                           r"\s*/\s*[a-z]+)?)")
_TIME_OF = {unit: [t for t, u in _TIME.items() if u == unit] for unit in set(_TIME.values())}


def unreported_rates(question: str, abstract: str) -> list:
    """[Constraint("metric", "tokens per second")] for each rate the question asks that no sentence states."""
    from agent.qa.constraints import Constraint

    return [Constraint("metric", surface, f"rate:{thing}/{time}") for surface, thing, time in asked_rates(question)
            if not states_rate(thing, time, abstract)]


MODIFIERS = 2   # words before the metric that say which figure of it is asked ("99th-percentile decode")


def with_modifiers(question: str, surface: str) -> str:
    """`surface` with up to MODIFIERS content words the question writes right before it."""
    from agent.qa.text import STOP

    at = question.find(surface)
    if at < 0:
        return surface
    words = re.findall(r"[\w][\w.-]*", question[:at])
    mods: list[str] = []
    for w in reversed(words[-MODIFIERS:]):
        if w.lower() in STOP or w.lower() in ("what", "which", "how", "much", "many"):
            break
        mods.insert(0, w)
    return " ".join(mods + [surface])



def _measured_by(sentence: str, m: re.Match) -> str:
    """The words after a figure up to its clause's end (at most ~6 words): what the figure measures."""
    after = re.split(r"[,;]|\band\b|\bwhile\b|\bwith\b", sentence[m.end():m.end() + 60], maxsplit=1)[0]
    return " ".join(after.split()[:6])


def resource_figure(sentence: str, m: re.Match, question: str) -> bool:
    """The question asks how fast (agent/qa/text.py ASKS_SPEED or a speed metric) and the figure at `m`
    measures a compute/FLOPs/memory/energy reduction, no speed: stating it would answer the wrong metric."""
    from agent.qa.text import ASKS_SPEED, RESOURCE_FIGURE, SPEED_FIGURE, SPEED_WORDS

    if not (ASKS_SPEED.search(question) or SPEED_WORDS.search(question)):
        return False
    said = _measured_by(sentence, m) + " " + m.group(0)
    return bool(RESOURCE_FIGURE.search(said)) and not SPEED_FIGURE.search(said)


def other_metric_figures(sentence: str, question: str) -> list[str]:
    """The figures of `sentence`, each with the words saying what it measures ("10× computation
    reduction"), when every one is a resource figure and the question asks for speed; [] otherwise."""
    found = list(QUANTITY.finditer(sentence))
    if not found or not all(resource_figure(sentence, m, question) for m in found):
        return []
    return [f"{m.group(0)} {_measured_by(sentence, m)}".replace("$", "").strip() for m in found]
