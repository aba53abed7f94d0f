"""Why a number is no speedup claim (LABELLING §1.1): a configuration, an absolute level ("reduced
to 6.91%"), a bound, the baselines' own result, the mechanism used, a share of quality, or an
overhead the method adds. `speedups.py` asks this before it reads a claim's quantity."""

from __future__ import annotations

import re

from agent.engines.local import speedup_rules as rules
from agent.engines.local import speedup_shapes as shapes
from agent.engines.local import speedup_vetoes as vetoes
from agent.engines.local.speedup_segments import Group

_PERCENT_OF_RE = re.compile(r"[\s$]*(?:\([^()]*\)\s*)?of\b", re.I)
_SHARE_OF_QUALITY_RE = re.compile(
    r"[\s$]*(?:of\s+)?(?:the|its|their|our)\s+(?:[\w'’-]+\s+){0,3}?(?:performance|accuracy|quality|capabilit\w*|"
    r"scores?)\b", re.I)
_CHANGED_TO_RE = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lower\w*|drop\w*|cut\w*|shrink\w*|compress\w*|increas\w*|improv\w*|rais\w*|"
    r"boost\w*|grow\w*|push\w*|bring\w*|brought|down|from)\b[^,;]{0,80}?(?<!\bup)\s+to\s*$", re.I)
_SPACED_TIMES_RE = re.compile(r"\s+times$", re.I)
_RATIO_CONTEXT_RE = re.compile(r"\b(?:by|of|to|is|are|was|were|be|being|nearly|about|over|than)\s*$", re.I)
# "boosted throughput 3-5 times", "speeds up decoding 3 times": a change verb (and its object) right
# before "N times" makes it a ratio, where "each run is repeated 5 times" counts repetitions
_CHANGED_BY_TIMES_RE = re.compile(r"\b(?:boost|improv|increas|reduc|decreas|accelerat|lower|shorten|cut|sped|"
                                  r"speed(?:s|ing)?\s+up)\w*(?:\s+(?!by\b)[\w-]+){0,5}?\s*$", re.I)
# "less than 29% of the time": a bound on a share, not a shrink verb
_THAN_BOUND_RE = re.compile(r"\b(?:less|fewer|lower|more|greater|higher)\s+than[\s$]*$", re.I)
_OF_BASELINE_RE = re.compile(r"[\s$]*of\s+(?:that|those)\s+(?:of|used|required|needed|consumed|taken)\b", re.I)
# "accelerations of 65% with A, an additional 12% with B": a further gain, not an added cost
_FURTHER_GAIN_RE = re.compile(r"\b(?:additional|extra|further)[\s$]*$", re.I)


def configuration_or_overhead(text: str, masked: str, group: Group, phrase: tuple[str, str],
                               flags: tuple[bool, bool]) -> str | None:
    """§1.1: configuration numbers, absolute levels ("reduced to 6.91%") and added overheads.

    `flags`: a measurement-study sentence, whose slowdowns are results, not overheads; a gain
    claimed just before in the sentence, which "an additional N%" continues.
    """
    finding, gain_before = flags
    lex = rules.lexicon()
    before, after = phrase
    unit = group.members[-1].unit
    if lex.setup_after.match(masked, group.end, min(len(masked), group.end + 80)):
        return "setup"
    vetoed = vetoes.veto(masked, group.end, unit)
    if vetoed:
        return vetoed
    if unit == "x" and lex.setup_count.match(text, group.end):
        return "setup"
    if _SPACED_TIMES_RE.search(text, group.start, group.end) and not _RATIO_CONTEXT_RE.search(before[-12:]) \
            and not (_CHANGED_BY_TIMES_RE.search(before[-60:]) and rules.read_before(before).metric) \
            and rules.direction_word(after, "") is None and rules.read_after(after).empty:
        return "setup"  # "each run is repeated 5 times"
    if _ends_with_to(before) and _CHANGED_TO_RE.search(before[-120:]) and not _share_of_baseline(masked, group, before):
        return "absolute"
    if shapes.bound_or_count(group, before, after):
        return "setup"  # "within 99% SLO attainment", "the achievable maximum of 2x", "two-fold goals"
    if shapes.BASELINE_OWNED_RE.search(before[-120:]):
        return "baseline"  # "while the throughput of the baselines drops by 90%": their result, not ours
    if lex.mechanism_before.search(before):
        return "mechanism"  # "by leveraging the 12x latency advantage of shared memory"
    if lex.setup_before.search(before[-80:]) and rules.direction_word(after, "") is None \
            and rules.read_before(before).empty and not shapes.ratio_of_quantity(unit, after):
        return "setup"  # "pruning LLaMA-7B by 50%", "at 2:4 sparsity", "with 50%"
    if unit == "%" and _PERCENT_OF_RE.match(masked, group.end) and not _OF_BASELINE_RE.match(masked, group.end) \
            and not lex.shrink.search(_THAN_BOUND_RE.sub("", before)):
        return "setup"  # "90% of the peak": a level, not a change
    if unit == "%" and _SHARE_OF_QUALITY_RE.match(masked, group.end):
        return "quality"  # "96% (of) the accuracy of its teacher": retained quality, not a speed-up
    near = before[-50:] + " " + after
    further = gain_before and _FURTHER_GAIN_RE.search(before) and not lex.overhead.search(after)
    if (lex.overhead.search(near) or lex.overhead_after.match(after)) and not lex.shrink.search(near) and not further:
        return "overhead"
    if not finding and rules.may_contain(near, ("slow",)) and lex.slowdown.search(near):
        return "overhead"  # "incurs only a 1.2x slowdown"
    return None


def _ends_with_to(before: str) -> bool:
    """What _CHANGED_TO_RE needs at its end (whitespace, "to", whitespace): a string test first, as
    the regex would try its verb alternation at every position of every claim's words."""
    tail = before.rstrip()
    return tail[-2:].lower() == "to" and tail[-3:-2].isspace()


# "cuts latency to 30% of the baseline", "shrinks the model to 25% of its original size": a level
# given as a share of the baseline's own value is a relative change, not an absolute level.
_OF_DETERMINER_RE = re.compile(r"[\s$]*of\s+(?:the|that|those|its|their)\b", re.I)


def _share_of_baseline(masked: str, group: Group, before: str) -> bool:
    return group.members[-1].unit == "%" and _OF_DETERMINER_RE.match(masked, group.end) is not None \
        and rules.lexicon().shrink.search(before[-120:]) is not None
