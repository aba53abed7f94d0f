"""Training scope from the context of a claim (LABELLING §1.3 rule 4: training time or speed).

The claim's own words may name only a generic speed or time ("a speedup of 24.6x", "a reduction in
time-to-solution by 5x"); what is sped up is then said elsewhere:
- a fronted frame of the sentence: "In the <...> training benchmark, X achieves a speedup of ...";
- the clause's subject is a training process: "single-GPU training in X achieves ... 8x faster";
- a training verb governing a count of iterations ("converges with 2x fewer iterations");
- the abstract as a whole: a generic time ("time-to-solution", "time") in an abstract whose only
  workload phase is training (it never mentions inference, serving or decoding) is training time;
- an adverbial frame after the claim in its own clause ("... 2x speedups over X when fine-tuning 7B
  models", "3x lower latency for on-device training") or a purpose clause that runs the time to
  convergence ("2x less time to converge", "reaches the target accuracy 2.5x faster").
Round 10, second pass: training named only in the coordinated verb phrase of the same subject ("by
pre-training N-parameter models ... and achieve a 4x speedup"); a compared training process ("100x faster
than existing X training methods"); an acronym the abstract defines for a training phrase ("... training
(ABC)") reads as a training word; federated learning ("FL") is a training process ("the round time of FL").
speedup_shapes.training_process handles the claim's own phrase ("accelerates training by"), and
speedup_heads.compound_metric a training modifier of a time head ("training runtime"). Direction: a
training time named as a speed or performance that improves is `faster` (speed_phrased).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from agent.engines.local import speedup_rules as rules

# federated learning is a distributed training process: its rounds, convergence and time-to-accuracy are
# training time (issue 13)
_TRAINING = r"(?:training|fine-?tuning|pre-?training|federated\s+learning|FL)"
_OTHER_PHASE_RE = re.compile(r"\b(?:inference|serving|decoding|prefill\w*|deployment|queries|query)\b", re.I)
_REACH_QUALITY_RE = re.compile(r"\breach(?:es|ed|ing)?\s+(?:(?:the|a|its|their|same|target|final|baseline|"
                               r"comparable|similar)\s+)*(?:[\w-]+\s+)?(?:accuracy|loss|perplexity|quality)\b[^,;:]{0,40}$",
                               re.I)
_FASTER_AFTER_RE = re.compile(r"[\s$]*(?:faster|quicker|sooner)\b", re.I)
_ITERATIONS_AFTER_RE = re.compile(r"[\s$]*(?:fewer|less|more)?\s*(?:[\w-]+\s+)?(?:iterations|epochs|steps)\b", re.I)
_TRAINING_VERB_RE = re.compile(r"\bconverg\w*|\btrain(?:s|ed|ing)?\b|\bfine-?tun\w*", re.I)
_TRAINING_WORD_RE = re.compile(rf"(?<![\w-]){_TRAINING}(?![\w-])|\btrain(?:s|ed)?\b", re.I)

# "a quantization-aware training (QAT) method", "federated learning (FL)": an acronym the abstract defines
# for a training phrase is a training word in that abstract
_TRAINING_ACRONYM_RE = re.compile(r"\b(?i:training|federated\s+learning)\s*\(\s*([A-Z][A-Za-z]{0,5}[A-Z])s?\s*\)")


class _Frames(NamedTuple):
    """The frame patterns over the training vocabulary (an abstract's own training acronyms are spelled out
    before matching, `_spelled_out`, so one set serves every abstract)."""

    fronted: re.Pattern[str]
    subject: re.Pattern[str]
    trailing: re.Pattern[str]
    coordinated: re.Pattern[str]
    time_of: re.Pattern[str]


def _frames(training: str) -> _Frames:
    # "In the MLPerf DLRM model training benchmark, ...": a sentence-initial frame up to its comma
    fronted = re.compile(
        rf"\s*(?:in|on|for|during|when|while|across)\s+[^,;:]{{0,100}}?(?<![\w-]){training}(?![\w-])[^,;:]{{0,60}},",
        re.I)
    # "single-GPU training in X achieves ...", "training with Y is ...": the subject's head is training
    subject = re.compile(
        rf"(?:^|[,;:]|\bthat\b)\s*(?:(?:the|our|its|their)\s+)?(?:[\w-]+\s+){{0,2}}?(?<![\w-]){training}"
        rf"(?:\s+(?:in|of|on|with|using|under|for)\s+(?:[\w-]+\s+){{0,3}}?[\w-]+)?\s+"
        r"(?:can\s+)?(?:achiev|deliver|run|complet|converg|reach|finish|is\b|are\b|becom)\w*[^,;:]{0,100}$", re.I)
    # "achieves 1.5-2.1x speedups over X when fine-tuning 7B models", "3.5x lower latency for on-device
    # training": an adverbial frame after the claim, in its own clause, names the process timed;
    # "100x faster than existing QAT methods": the compared process is a training process;
    # or a purpose clause that says the time runs to convergence ("2x less time to converge")
    trailing = re.compile(
        rf"[^,;:()]{{0,80}}?(?:\b(?:when|while|during|for|than|over)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){{0,2}}?"
        rf"(?<![\w-]){training}(?![\w-])(?!\s+(?:and|or|throughput|flops|memory|data|accuracy)\b)"
        r"|\bto\s+(?:converge\b|reach\s+(?:[\w-]+\s+){0,3}?(?:accuracy|loss|perplexity)\b))", re.I)
    # "by pre-training N-parameter models on X and achieve a 4x speedup": training named only in the
    # coordinated verb phrase of the same subject (a manner phrase, then "and <verb>" up to the claim)
    coordinated = re.compile(
        rf"\b(?:by|through|via|when|while)\s+(?:[\w-]+\s+){{0,2}}?(?<![\w-]){training}(?![\w-])[^;:()]{{0,160}}?"
        r"\band\s+(?:thus\s+|thereby\s+|can\s+)?(?:achiev|obtain|yield|deliver|attain|gain|get|enjoy|"
        r"see|observ|show|demonstrat|realiz|accelerat|speed)\w*[^,;:]{0,60}$", re.I)
    # "cuts the round time of FL by 40%", "the wall-clock time of federated learning": the claim's own
    # time head is the time of a training process
    time_of = re.compile(rf"\b(?:time|rounds?|duration)\s+(?:of|in|for|per)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){{0,2}}?"
                         rf"(?<![\w-]){training}(?![\w-])", re.I)
    return _Frames(fronted, subject, trailing, coordinated, time_of)


_FRAMES = _frames(_TRAINING)


@lru_cache(maxsize=4)
def _abstract_acronyms(masked: str, text: str) -> tuple[str, ...] | None:
    """The acronyms this abstract defines for training phrases (read from the text: the masked text
    hides parentheses), or None when it has no training word at all. Computed once per abstract."""
    if not _mentions_training(masked):
        return None
    if "raining (" not in text and "earning (" not in text and "raining(" not in text:  # before the regex
        return ()
    return tuple(sorted(set(_TRAINING_ACRONYM_RE.findall(text)) - {"FL"}))


def _spelled_out(words: str, acronyms: tuple[str, ...]) -> str:
    """`words` with each defined training acronym written as "training", so that the frames compiled
    once read it (a pattern per abstract would cost a regex compilation per abstract)."""
    for acronym in acronyms:
        at = words.find(acronym)
        while at >= 0:
            end = at + len(acronym)
            if _word_edge(words, at - 1) and _word_edge(words, end):
                words = words[:at] + "training" + words[end:]
                end = at + len("training")
            at = words.find(acronym, end)
    return words


def _word_edge(words: str, at: int) -> bool:
    """Whether position `at` of `words` is outside any word (or beyond the string)."""
    return not (0 <= at < len(words)) or not (words[at].isalnum() or words[at] in "_-")

def training_scope(claim: Any, sentence: Any, phrase: tuple[str, str], pre_start: int) -> bool:
    """Whether the context makes a generic speed/time claim a training-time claim (and makes it one).
    `phrase` is the claim's own masked (before, after) words; `before` starts at `pre_start`."""
    if claim.blocked is not None or claim.metric not in ("speedup", "latency", "compute"):
        return False
    masked = sentence.masked
    acronyms = _abstract_acronyms(masked, sentence.text)
    if acronyms is None:
        return False
    before, after = phrase
    if claim.metric == "speedup" and _REACH_QUALITY_RE.search(before) and _FASTER_AFTER_RE.match(after):
        # "reaches the target accuracy 2.5x faster": the time to accuracy is a training time
        claim.metric, claim.benefit = "training time", False
        return True
    if claim.metric == "compute":
        # "converges with 2x fewer iterations": the iterations a training run needs are its time
        if not (_ITERATIONS_AFTER_RE.match(after) and _TRAINING_VERB_RE.search(masked, sentence.start, pre_start
                                                                                  + len(before))):
            return False
        claim.metric, claim.benefit = "training time", False
        return True
    if _OTHER_PHASE_RE.search(before) or _OTHER_PHASE_RE.search(after):
        return False
    rest = masked[claim.group.end:sentence.end]
    trailing = _FRAMES.trailing.match(_spelled_out(rest, acronyms) if acronyms else rest) \
        if _may_frame(rest, acronyms) else None
    if trailing is not None and not _OTHER_PHASE_RE.search(trailing.group()):
        claim.metric, claim.benefit = "training time", False
        return True
    if claim.metric == "latency":
        timed = _names_training(before + after) and (_FRAMES.time_of.search(before) or _FRAMES.time_of.search(after))
        if not timed and not (_generic_time(before, after) and _training_abstract(sentence.text)):
            return False
    else:
        opening = masked[sentence.start:pre_start]
        frame = _FRAMES.fronted.match(_spelled_out(opening, acronyms) if acronyms else opening)
        framed = frame is not None and not _OTHER_PHASE_RE.search(frame.group())
        clause = masked[sentence.start:pre_start + len(before)]
        if not framed and not _FRAMES.subject.search(clause) \
                and not (" and " in clause and _names_training(clause) and _FRAMES.coordinated.search(clause)):
            return False
    claim.metric, claim.benefit = "training time", False
    return True


def _may_frame(rest: str, acronyms: tuple[str, ...]) -> bool:
    """Whether the trailing frame can match in `rest` (a substring test before the regex)."""
    rest = rest[:200]
    if acronyms and any(acronym in rest for acronym in acronyms):
        return True
    # "converg"/"reach" rather than "to converge": the regex allows any spacing ("time to\nconverge")
    return "FL" in rest or rules.may_contain(rest, ("train", "tun", "converg", "reach", "federated"))


def _names_training(words: str) -> bool:
    """Whether `words` can hold a training word of the frames (a substring test before their regexes)."""
    return "FL" in words or rules.may_contain(words, ("train", "tuning", "federated"))


def _mentions_training(masked: str) -> bool:
    """Whether the abstract has any training word (a substring test before the frames)."""
    return rules.may_contain(masked, ("train", "tun", "converg", "reach", "federated")) \
        or ("FL" in masked and _spelled_out(masked, ("FL",)) != masked)


def _generic_time(before: str, after: str) -> bool:
    """The claim's latency came only from a generic time word ("time-to-solution"), not "latency"."""
    readings = [r for r in (rules.read_after(after), rules.read_before(before)) if r.metric]
    return bool(readings) and all(r.weak and r.metric == "latency" for r in readings)


@lru_cache(maxsize=8)
def _training_abstract(text: str) -> bool:
    """Training is the abstract's workload: named at least twice, and no inference-side phase."""
    return len(_TRAINING_WORD_RE.findall(text)) >= 2 and not _OTHER_PHASE_RE.search(text)


# "15-40% improvement in end-to-end training performance": performance meaning speed (§1.3 direction)
_SPEED_NOUN_RE = re.compile(r"\b(?:performance|speed|efficiency)\b", re.I)


def speed_phrased(claim: Any, before: str, after: str) -> None:
    """A training-time claim named as a speed or performance that improves is `faster`, not a reduction
    (an evaluative "improves" only reads as a reduction of a time the words name as a time)."""
    if claim.metric == "training time" and claim.direction_word == "increase" \
            and (_SPEED_NOUN_RE.search(after) or _SPEED_NOUN_RE.search(rules.own_clause(before))):
        claim.direction_word = "faster"
