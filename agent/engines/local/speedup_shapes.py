"""Phrase shapes that decide a speedup claim's metric, direction or qualifier, or block it (LABELLING
§1.1, §1.3), read from the masked text around one group of numbers. `speedups.py` calls these; the
vocabulary they share with the other rules lives in agent/data/speedup_lexicon.yaml."""

from __future__ import annotations

import re
from typing import Any

from agent.engines.local import speedup_rules as rules

ON_AVERAGE_RE = re.compile(r"\s*(?:on|in)\s+(?:the\s+)?average\b", re.I)
# "performance" of a model, or on tasks, is what the model gets right, not how fast it runs.
_TASK_PERFORMANCE_RE = re.compile(
    r"\bmodel(?:'s|’s|s'|s’)?\s+performance\b|\bperformance\s+of\s+(?:the\s+|our\s+)?(?:[\w-]+\s+)?models?\b"
    r"|\b(?:downstream|benchmark|evaluation)?\s*tasks?\b", re.I)
# The quantity belongs to the comparison targets: "the throughput of baselines drops by", "prior
# systems' latency grows by".
BASELINE_OWNED_RE = re.compile(
    r"\b(?:of|for)\s+(?:the\s+|all\s+|other\s+|existing\s+|competing\s+|prior\s+)*(?:baselines?|competitors?|"
    r"prior\s+(?:works?|systems?|methods?)|existing\s+(?:systems?|methods?|approaches))\s+"
    r"(?:\w+\s+)?(?:drops?|dropped|falls?|fell|degrades?|degraded|grows?|grew|increases?|increased|decreases?|"
    r"decreased|rises?|rose)\b[^,;]{0,30}$", re.I)
_RESULT_PARTICIPLE_RE = re.compile(
    r"\s*(?:thus\s+|thereby\s+)?(?:achiev|yield|deliver|provid|bring|giv|obtain|attain|realiz|realis|reach)ing\b|"
    r"\s*(?:thus\s+|thereby\s+)?(?:resulting|leading|translating)\s+(?:in|to|into)\b", re.I)
_PRESERVED_QUALITY_RE = re.compile(
    r"\b(?:with(?:out)?|while|at)\s+(?:(?:a|an|no|only|little|minimal|negligible|marginal|minor|slight|small|"
    r"comparable|similar|the\s+same|almost|nearly|virtually|any)\s+)+(?:[\w-]+\s+){0,2}?"
    r"(?:loss|drop|degradation|reduction|decrease|impact|penalty|change|compromise|sacrifice|accuracy|quality)"
    r"[^,;.]{0,80}|\b(?:without|while|whilst)\s+(?:sacrific|los|compromis|hurt|degrad|maintain|preserv|retain|keep)"
    r"\w*[^,;.]{0,80}", re.I)
_BY_TAIL = (r"\s+by[\s$]*(?:(?:up\s+to|about|around|nearly|over|more\s+than|at\s+least|an?\s+(?:average\s+)?"
            r"(?:factor\s+)?of|a\s+factor\s+of)[\s$]*)*$")
_CHANGED_OBJECT_RE = re.compile(
    r"\b(?:improv|reduc|increas|decreas|lower|boost|rais|enhanc|shrink|scal|grow|decay|expand|extend)\w*\s+"
    r"(?:the\s+|its\s+|their\s+|our\s+)?(?P<object>[A-Za-z][\w\s-]{1,60}?)(?:\s+over\s+[^,;]{1,60}?)?" + _BY_TAIL, re.I)
# ... and the passive: "when the epoch budget is increased by a factor of 8"
_CHANGED_SUBJECT_RE = re.compile(
    r"(?:^|\b(?:the|its|their|our)\s+)(?P<object>[A-Za-z][\w\s-]{1,60}?)\s+(?:is|are|was|were|gets?|got|being)\s+"
    r"(?:\w+ly\s+)?(?:increas|decreas|reduc|rais|lower|scal|grow|expand|extend|doubl|shrunk|shrink)\w*" + _BY_TAIL,
    re.I)
_SIZE_COMPARATIVE_RE = re.compile(r"[\s$]*(?:larger|bigger|greater|more|higher|wider|deeper|longer|smaller|fewer|less|"
                                  r"lower|shorter|easier|harder|simpler|stronger|weaker|denser|sparser|richer)\b", re.I)
_SPEED_AFTER_RE = re.compile(r"[\s$]*(?:faster|quicker)\b", re.I)
_TIMED_METRICS = frozenset({"speedup", "latency", "tail latency", "training time", "search cost", "communication"})
# "... faster than X in (terms of) the decoding latency": the quantity named after the baseline, in this clause
_IN_QUANTITY_RE = re.compile(
    r"[^,;:()]*?\s(?:in|on)\s+(?:terms\s+of\s+)?(?P<quantity>(?:the\s+)?(?:[\w-]+\s+){0,2}[\w-]+)", re.I)
_TIMES_THE_RE = re.compile(r"[\s$]*(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?[\w-]+\s+(?:of|achieved\s+by)\b", re.I)
_SIZE_THAN_BEFORE_RE = re.compile(r"\b(?:larger|bigger|greater|more|wider|deeper|longer|smaller|fewer|shorter|"
                                  r"easier|harder)\s+than\b[^,;]{0,80}\bby[\s$]*(?:an?\s+)?$", re.I)


def match_speed_word(claim: Any, masked: str, after: str, span: tuple[int, int]) -> None:
    """Metric and comparative must agree: "1.5x smaller and 1.2x faster" does not make the 1.2x a
    model size, and "31% faster than X in time-to-first-token" names its quantity after the baseline."""
    if claim.blocked or not _SPEED_AFTER_RE.match(after):
        return
    if claim.metric is not None and claim.metric not in _TIMED_METRICS:
        claim.metric, claim.benefit = "speedup", False
    if claim.metric in (None, "speedup"):
        named = _IN_QUANTITY_RE.match(masked, span[0], min(span[1], span[0] + 120))
        reading = rules.read_after(named.group("quantity")) if named else rules.Reading()
        if reading.metric in _TIMED_METRICS and reading.specific:
            claim.metric, claim.benefit = reading.metric, reading.benefit


# "reduces memory by 2.5x while speeding up decoding by 2.2x": a speed verb starts a predicate of its
# own, and a quantity that cannot run faster (memory, energy, model size) is not what it sped up.
_SPEED_VERB_RE = re.compile(r"(?:speed(?:s|ing)?\s+up|sped\s+up|accelerat\w*)\b", re.I)


def speed_verb_of_other_quantity(verb_phrase: str, inherited_metric: str | None) -> bool:
    """Whether the claim's own verb is a speed verb while the quantity it would inherit from the
    previous claim is no time (nor throughput): then the claim is a speedup of its own."""
    return inherited_metric not in _TIMED_METRICS and inherited_metric != "throughput" \
        and _SPEED_VERB_RE.match(verb_phrase) is not None


# "by 1.5x to 14.5x on average latency", "5.6x improvement on the frame rate", "2x speedup in latency":
# the quantity is named after the number, behind "in/on (terms of)"; the words up to the next stop.
# ... also behind the comparator: "20% better than Foo in energy"
# ... or behind a measuring frame, after a comma too: "by 2.1x, as measured by end-to-end latency",
# "2x better than Foo with respect to energy".
_TRAILING_IN_RE = re.compile(r"[\s$]*(?:(?:than|over|compared\s+(?:to|with))\s+[^,;:()_]{1,60}?(?=[\s,]))?"
                             r"(?:\s*,)?\s*(?:(?:as\s+)?measured\s+(?:in|by|on)|with\s+respect\s+to|regarding|"
                             r"when\s+measuring|(?:in|on)(?:\s+terms\s+of)?)\s+(?:the\s+|its\s+|their\s+)?", re.I)
# A process or a setting after "on"/"in" says where the claim was measured, not what it measures
# ("2x speedup on large batch sizes", "3x speedup in training ResNet").
_NOT_TRAILING_QUANTITY = frozenset({"batch size", "training time", "search cost", "model size", "tokens"})


def trailing_quantity(masked: str, post_end: int, limit: int) -> tuple[rules.Reading, int] | None:
    """The §1.3 quantity named right after the claim's own phrase behind "in"/"on", and where its
    words end; None when nothing specific is named there."""
    opening = _TRAILING_IN_RE.match(masked, post_end, limit)
    if opening is None or opening.end() == post_end:
        return None
    stop = rules.lexicon().post_stop.search(masked, opening.end(), min(limit, opening.end() + 60))
    end = stop.start() if stop else min(limit, opening.end() + 60)
    phrase = masked[opening.end():end].split("_", 1)[0].rstrip(" $")  # "_": a masked number or aside
    cues = rules.cues_of(phrase)
    if not cues or phrase[max(c.end for c in cues):].strip():
        return None  # the quantity only modifies another head: "on energy efficient MCUs" is a platform
    reading = rules.read_after(phrase)
    if not reading.specific or reading.weak or reading.metric in _NOT_TRAILING_QUANTITY:
        return None
    return reading, end


# "In terms of energy, Zed outperforms Foo by 2x": a fronted frame names the quantity of every claim
# in its sentence that names none itself. The frame is a short noun phrase whose head is the quantity
# ("On GPUs with large memory," or "For memory-bound kernels," frame a setting, not a quantity).
_FRONTED_FRAME_RE = re.compile(
    r"[\s\"']*(?:in\s+terms\s+of|with\s+respect\s+to|regarding|as\s+for|for|on|in)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?P<frame>(?:(?!(?:with|of|for|in|on|at|from|by|to|under|over|than|and|or|we|our)\b)[\w-]+\s*){1,4}),", re.I)


def fronted_quantity(claim: Any, masked: str, span: tuple[int, int]) -> bool:
    """Give a claim that names no quantity of its own (a generic speedup, or an unnamed number) the
    quantity of its sentence's fronted frame; `span` runs from the sentence start to the number."""
    if claim.metric not in (None, "speedup") or claim.blocked not in (None, "unnamed"):
        return False
    frame = _FRONTED_FRAME_RE.match(masked, span[0], span[1])
    if frame is None:
        return False
    phrase = frame.group("frame").rstrip()
    cues = rules.cues_of(phrase)
    if not cues or phrase[max(c.end for c in cues):].strip():
        return False
    reading = rules.read_after(phrase)
    if not reading.specific or reading.weak:
        return False
    claim.metric, claim.benefit, claim.blocked = reading.metric, reading.benefit, None
    return True


_STATISTIC_WORDS = frozenset({"average", "mean", "median", "overall", "total", "aggregate", "per-user"})


def off_list_object(before: str) -> bool:
    """ "increases the epoch budget by 8x", "improves its ability to encode syntax by 8%": the number
    measures the object of a change verb, a common noun phrase that names nothing on the §1.3 list
    (a name - "improves vLLM by 2x" - or a pronoun still reads as a speed claim)."""
    match = _CHANGED_OBJECT_RE.search(before) or _CHANGED_SUBJECT_RE.search(before)
    if match is None:
        return False
    phrase = match.group("object")
    words = phrase.split()
    # a statistic of it ("the average QoE", "the median TTFT") makes a capitalised word a measured
    # quantity, not a system's name
    measured = len(words) > 1 and words[0].lower() in _STATISTIC_WORDS
    if not words or (not measured and any(c.isupper() or c.isdigit() for w in words for c in w)) \
            or words[0].lower() in ("it", "this", "them", "these", "that", "performance"):
        return False
    return rules.read_after(phrase).empty and not rules.lexicon().faster.search(phrase)


def average_earlier(sentence: Any, group: Any) -> bool:
    """ "Compared to X, on average, the models reduce latency by 54%": an "on average" earlier in the
    sentence qualifies the first number after it (no other number in between)."""
    found = None
    for found in ON_AVERAGE_RE.finditer(sentence.masked, sentence.start, group.start):
        pass
    # only before the sentence's first number: "32% ... on average ..., and 59% on X" keeps it with the 32%
    return found is not None and not any(c.isdigit() for c in sentence.text[sentence.start:group.start])


# "by 2.7x over Foo on average": the hedge may follow the comparator, in the same clause and before
# the next number (masked "_")
_AVERAGE_LATER_RE = re.compile(r"[^,;:._()]{0,80}?\b(?:on|in)\s+(?:the\s+)?average\b", re.I)


def average_later(masked: str, post_end: int) -> bool:
    return ON_AVERAGE_RE.match(masked, post_end) is not None or _AVERAGE_LATER_RE.match(masked, post_end) is not None


def ratio_of_quantity(unit: str | None, after: str) -> bool:
    """ "runs at 1.3x the throughput of X": a ratio to a baseline's named quantity, not a setting."""
    return unit == "x" and _TIMES_THE_RE.match(after) is not None and rules.read_after(after).metric is not None


def vague_percent(sentence: Any, before: str, after: str) -> bool:
    """A percent "performance" gain with no speed word, in a sentence that talks about quality."""
    lex = rules.lexicon()
    if lex.faster.search(after) or lex.faster.search(before[-80:]):
        return False
    if _TASK_PERFORMANCE_RE.search(sentence.masked, sentence.start, sentence.end):
        return True  # "improves the student model's performance by 4% on GLUE tasks": task quality
    # "..., with negligible loss in accuracy": quality that is only kept, not gained, says the
    # percent is an efficiency figure, so such a clause does not count as quality talk.
    talk = _PRESERVED_QUALITY_RE.sub(" ", sentence.masked[sentence.start:sentence.end])
    return lex.quality.search(talk) is not None


def size_comparative(before: str, after: str) -> bool:
    """ "5x larger than the largest public dataset", "larger than prior benchmarks by an order of
    magnitude": a size comparative with nothing named is no speed claim."""
    return _SIZE_COMPARATIVE_RE.match(after) is not None or _SIZE_THAN_BEFORE_RE.search(before) is not None


# A comparator participle after a clause: "reduces memory by 45%, outperforming Foo by 1.7x". Its
# generic "outperforms X by" (a speedup when nothing is named) compares the main clause's quantity.
# An appositive that sums up the clause before it: "shortens the search from 3 days to 4 hours, an 18x
# speedup" is a speedup of that clause's quantity ("speedup in X" is X, LABELLING §1.3).
_APPOSITIVE_RE = re.compile(r"\s*(?:an?|the)[\s$]*", re.I)
_COMPARATOR_PARTICIPLE_RE = re.compile(r"\s*(?:thus\s+|thereby\s+)?(?:outperform|surpass|beat|exceed)ing\b", re.I)


def main_clause_quantity(claim: Any, before: str, main: str, verb_phrase: str = "") -> bool:
    """ "accelerates decoding latency, achieving a 2x improvement": a result clause that names nothing
    reports on the quantity of the clause it follows (`main`: the sentence before the claim's phrase;
    `verb_phrase`: the words from the claim's own verb, which may reach back over "and" in a baseline
    list: "..., outperforming A and B by 2x and 3x")."""
    if claim.blocked is not None:
        return False
    if claim.metric == "speedup" and verb_phrase and _COMPARATOR_PARTICIPLE_RE.match(verb_phrase) \
            and len(verb_phrase) <= len(main + before):
        before, main = verb_phrase, (main + before)[:len(main + before) - len(verb_phrase)]
    after_comma = main.rstrip().endswith(",")
    appositive = claim.metric == "speedup" and after_comma and _APPOSITIVE_RE.fullmatch(before) is not None
    if not (claim.metric is None and _RESULT_PARTICIPLE_RE.match(before) or appositive
            or claim.metric == "speedup" and _COMPARATOR_PARTICIPLE_RE.match(before) and after_comma):
        return False
    reading = rules.read_before(main)
    if not reading.specific or (appositive and reading.metric not in _TIMED_METRICS | {"throughput"}):
        return False  # only a time or a rate can be sped up
    claim.metric, claim.benefit = reading.metric, reading.benefit
    if not appositive:  # ", a 5x speedup" keeps its own speed wording
        claim.direction_word = rules.direction_word("", main.rstrip(" ,;"))
    return True


# A speed claim about a training process: "accelerates the training of X by", "X trains models faster
# than Y: N speedup on A", "training speed/acceleration". The process sped up is training, so the
# quantity is training time (LABELLING §1.3 rule 4), however the number itself is phrased.
_TRAINING_SPEED_RE = re.compile(
    r"\btrain(?:s|ed)?\b[^,;:.]{0,40}?\b(?:faster|quicker)\b"
    r"|\b(?:accelerat\w*|speed(?:s|ing)?\s+up|sped\s+up|shorten\w*)\s+(?:the\s+|their\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:training|fine-?tuning|pre-?training)\b(?!\s+(?:and|or|throughput|flops|memory)\b)"
    r"|\b(?:training|fine-?tuning|pre-?training)\s+(?:speed(?:\s?ups?)?|acceleration|optimi[sz]ations?)\b", re.I)
_OTHER_PHASE_RE = re.compile(r"\b(?:inference|serving|decoding|prefill\w*|generation|deployment|runtime|kernels?)\b",
                             re.I)
# The change verb's object is the quantity: "accelerates the training of LLMs with N parameters by"
_TRAINING_OBJECT_RE = re.compile(
    r"\b(?:accelerat\w*|speed(?:s|ing)?\s+up|sped\s+up|shorten\w*)\s+(?:the\s+|their\s+|its\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:training|fine-?tuning|pre-?training)\b[^,;:.]{0,100}?" + _BY_TAIL, re.I)


# "a 1.3x speedup for LLM training", "3x speedup under synchronous training": the speed noun's own
# prepositional phrase names the process sped up (not "speedup of training throughput").
_SPEED_FOR_TRAINING_RE = re.compile(
    r"[\s$]*(?:speed[\s-]?ups?|acceleration)\s+(?:for|in|on|of|during|under|when)\s+(?:the\s+|an?\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:training|fine-?tuning|pre-?training)\b(?!\s+(?:and|or|throughput|flops|memory)\b)", re.I)

# "X trains sparse transformers 5x faster": the training verb governs a speed word after the number
_TRAINS_FASTER_RE = re.compile(r"\btrains?\b[^,;:.]{0,50}?\x00[\s$]*(?:faster|quicker)\b", re.I)


def training_process(claim: Any, before: str, main: str, after: str = "") -> bool:
    """Whether a speed claim is about training: metric `speedup` (or a quantity read only from a
    modifier of the trained object) becomes `training time`. `before` and `after` are the claim's
    own phrase around the number (`after` may run on to the sentence end), `main` the sentence before it."""
    if claim.blocked is not None:
        return False
    scoped = _SPEED_FOR_TRAINING_RE.match(after) if claim.metric == "speedup" else None
    if scoped and not _OTHER_PHASE_RE.search(scoped.group()):
        claim.metric = "training time"
        return True
    phrase = main + before
    lowered = phrase.lower()
    if "train" not in lowered and "tun" not in lowered:  # cheap test first: runs for every claim
        return False
    if _TRAINING_OBJECT_RE.search(phrase):
        claim.metric, claim.benefit = "training time", False
        return True
    if claim.metric != "speedup" or _OTHER_PHASE_RE.search(before):
        return False
    if not (_TRAINING_SPEED_RE.search(phrase) or _TRAINS_FASTER_RE.search(before + "\x00" + after)):
        return False
    claim.metric = "training time"
    return True


_SLASH_PAIR_RE = re.compile(r"(?<![\w/-])([A-Za-z][\w-]*)\s*/\s*([A-Za-z][\w-]*)(?![\w/-])")


def slash_metrics(claim: Any, phrase: str) -> None:
    """ "4x improvement in latency/throughput": one number, two quantities, each with its own
    polarity (the latency falls, the throughput rises)."""
    if "/" not in phrase or claim.blocked or claim.metric is None or claim.extra_metric is not None \
            or claim.respective is not None:
        return
    for match in _SLASH_PAIR_RE.finditer(phrase):
        first, second = rules.read_after(match.group(1)), rules.read_after(match.group(2))
        if not (first.specific and second.specific) or first.metric == second.metric:
            continue
        if claim.metric not in (first.metric, second.metric, "speedup"):
            continue
        word = claim.direction_word if claim.direction_word != "faster" else None
        claim.metric, claim.benefit = first.metric, first.benefit
        claim.extra_metric = (second.metric, rules.resolve_direction(word, second.metric, second.benefit))
        return


# A bound the result is measured against, not the result: "within 99% SLO attainment", "close to the
# achievable maximum of 2.1x", "the theoretical peak of 8x".
_BOUND_BEFORE_RE = re.compile(
    r"(?<!\bby\s)\b(?:within|under|below)[\s$]*$"
    r"|\b(?:achievable|attainable|theoretical(?:ly)?|ideal|oracle|upper[\s-]+bound)\b[^,;()_]{0,30}$", re.I)
_FIRST_WORD_RE = re.compile(r"[\s$-]*([a-z]+)\b", re.I)
_FUNCTION_WORDS = frozenset("of in on by than over to for with and or as at from compared the a an".split())


def bound_or_count(group: Any, before: str, after: str) -> bool:
    """A bound (`_BOUND_BEFORE_RE`), or a word number counting things: "two-fold goals", "threefold
    contributions" (a "-fold" word followed by a plain noun that names no quantity or direction)."""
    if _BOUND_BEFORE_RE.search(before[-60:]):
        return True
    if group.members[-1].kind != "word":
        return False
    first = _FIRST_WORD_RE.match(after)
    if first is None or first.group(1).lower() in _FUNCTION_WORDS:
        return False
    word = first.group(1)
    return rules.direction_word(word, "") is None and rules.read_after(word).empty \
        and not rules.lexicon().faster.search(word)


_ABSOLUTE_FIGURE_RE = re.compile(
    r"(?:\$\s?)?\d[\d.,]*\s?(?:[KMGTB]\s)?(?P<unit>\$|[A-Za-zµ]+(?:\s*/\s*[A-Za-z]+)?)")
_MODEL_AFTER_FIGURE_RE = re.compile(r"\s+(?:[\w-]+\s+)?(?:models?|networks?|nets?|CNNs?|DNNs?|checkpoints?)\b")
_RESTRICTIVE_RELATIVE_RE = re.compile(r"(?<![\w,;])\s*(?P<np>(?:[\w-]+\s+){0,2}[\w-]+)\s+(?:that|which)\s*$", re.I)
_SIZE_WORDS = frozenset({"smaller", "larger"})
_OPERATING_POINT_RE = re.compile(r"(?:@|\bat)\s*$", re.I)


def antecedent_quantity(lookback: tuple[str, str], *, comparative: str) -> rules.Reading:
    """The quantity a bare comparative refers back to: a named one, else (unless the comparative
    is a speed word) the unit of the nearest absolute figure ("2.3 TOPS/W, which is 1.8x higher");
    an empty reading when there is none."""
    masked, raw = lookback
    speed_word = comparative in ("faster", "quicker")
    relative = _RESTRICTIVE_RELATIVE_RE.search(masked)
    if relative is not None and not rules.lexicon().clause_verbs.search(relative.group("np").split()[-1]):
        # "reduces compile time by 10x while producing code that is 1.2x faster": a restrictive
        # relative clause compares the noun it modifies, not the quantity of the clause around it
        # ("results show that it is 10x faster": after a verb, "that" opens a clause, not a relative)
        own = rules.read_before(relative.group("np"))
        if own.specific or speed_word:
            return own if own.specific else rules.Reading(metric="speedup")
    named = rules.read_before(masked)
    # "... @ 4.3 fps": a figure behind "@"/"at" is the operating point, not the measured result
    figures = [f for f in _ABSOLUTE_FIGURE_RE.finditer(raw)
               if not _OPERATING_POINT_RE.search(raw, max(0, f.start() - 5), f.start())]
    if named.metric == "latency" and (speed_word or comparative in _SIZE_WORDS) \
            and any(rules.metric_of_unit(f.group("unit")).metric == "latency" for f in figures):
        # "23.1 ms latency, 2.4x smaller and 1.5x faster than X": a latency stated as a measured value
        # is not what a bare comparative compares. "Faster" is the whole system's speed (§1.3 rule 15),
        # and a size word cannot measure a time: it is the size of the model the sentence is about.
        return rules.Reading(metric="speedup" if speed_word else "model size")
    if named.specific or speed_word or not figures:
        return named if named.specific else rules.Reading()  # a generic speed word names nothing
    if _MODEL_AFTER_FIGURE_RE.match(raw, figures[-1].end()):
        return rules.Reading(metric="model size")  # "a 1.4 MB CNN ..., 6x smaller": the size of a model
    return rules.metric_of_unit(figures[-1].group("unit"))
