"""Phrase structure around coordinated numbers (issue 13): which quantity each number of a list
measures. "A and B of 2x and 3x, respectively" maps in order; "16x energy and 27x area efficiency
gains" shares the last head; "energy costs (by up to 22%)" measures the noun before the parenthesis;
"12% of the model size of X" is a share of a baseline's cost quantity.

These read the objects of speedups.py (a claim with `group`, `metric`, `benefit`, `direction_word`,
`blocked`, `respective`; a sentence with `text`, `masked`, `start`, `end`) without importing it.
"""

from __future__ import annotations

import re
from typing import Any

from agent.engines.local import speedup_rules as rules

_BARE_JOIN_RE = re.compile(r"[\s$]*and[\s$]*$", re.I)


def share_heads(masked: str, claims: list[Any]) -> None:
    """ "by up to 16x energy and 27x area efficiency gains": a conjunct that names only a quantity
    ("energy") takes the head its sibling ends with ("efficiency gains": a benefit that rose)."""
    for claim, sibling in zip(claims, claims[1:]):
        if claim.blocked or claim.metric is None or claim.respective is not None:
            continue
        between = masked[claim.group.post_end:sibling.group.start]
        own = masked[claim.group.end:claim.group.post_end]
        if not _BARE_JOIN_RE.fullmatch(between) or rules.direction_word(own, "") is not None:
            continue
        tail = masked[sibling.group.end:sibling.group.post_end]
        # the sibling's head noun is shared even when its own quantity is off the list
        # ("16x energy and 27x area efficiency gains": the energy claim is an efficiency gain)
        if rules.lexicon().benefit.search(tail) and not rules.read_after(own).benefit:
            claim.benefit = True
            claim.direction_word = rules.direction_word(tail, "") or claim.direction_word


# the masked text blanks a parenthesised aside to underscores
_LIST_JOIN_RE = re.compile(r"[\s$]*(?:_{2,}[\s$]*)?(?:,[\s$]*(?:and[\s$]+)?|and[\s$]+)", re.I)


def share_quality_heads(masked: str, claims: list[Any]) -> None:
    """ "with 78.2%, 75% (X level), and 71% (Y level) top-1 accuracy": a list whose last conjunct
    ends in a quality noun measures quality throughout (LABELLING §1.1.3); an aside in parentheses
    splits the numbers into several groups, so the veto runs back through the list. A conjunct
    that names its own quantity after it keeps it ("2x speedup, and 3% accuracy")."""
    for index in range(len(claims) - 1, 0, -1):
        claim, sibling = claims[index - 1], claims[index]
        if sibling.blocked != "quality" or claim.blocked or claim.respective is not None:
            continue
        if claim.group.members[-1].unit != sibling.group.members[0].unit:
            continue
        if not _LIST_JOIN_RE.fullmatch(masked, claim.group.end, sibling.group.start):
            continue
        if not rules.read_after(masked[claim.group.end:claim.group.post_end]).empty:
            continue
        claim.blocked = "quality"


_HEAD_WORD_RE = re.compile(r"[a-z][\w-]*", re.I)


def parallel_heads(masked: str, claims: list[Any]) -> None:
    """ "53% computational savings with 15% quality improvement on A, 60% savings with 16%
    improvement on B": a conjunct that repeats only the head noun ("savings") elides the quantity
    of the earlier claim with the same head, not the nearest claim's (which may be a quality)."""
    for index, claim in enumerate(claims[1:], start=1):
        if claim.respective is not None or len(claim.group.members) != 1:
            continue
        own_after = masked[claim.group.end:claim.group.post_end]
        words = _HEAD_WORD_RE.findall(own_after)
        if len(words) != 1 or masked[claim.group.pre_start:claim.group.start].strip(" $,"):
            continue    # only a bare "N% savings": no words of its own before the number
        if rules.direction_word(own_after, "") is None or not rules.read_after(own_after).empty:
            continue
        for earlier in reversed(claims[:index]):
            earlier_after = masked[earlier.group.end:earlier.group.post_end]
            if words[0].lower() not in (w.lower() for w in _HEAD_WORD_RE.findall(earlier_after)):
                continue
            reading = rules.read_after(earlier_after)
            if not reading.empty and earlier.respective is None:
                claim.metric, claim.benefit, claim.blocked = reading.metric, reading.benefit, reading.blocked
                claim.direction_word = rules.direction_word(own_after, "")
            break


_RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.I)
_LIST_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)
_LIST_LEAD_RE = re.compile(r"^[\s$\\{}]*(?:\\?times)?[\s$}]*(?:(?:in|of|for|on|at)\s+)?", re.I)
_LIST_TAIL_RE = re.compile(r"(?:\s*\b(?:by|of|to|up\s+to|at\s+least|over|nearly|about|around|roughly|an?)\b)*[\s,$]*$", re.I)
# What ends the quantity words after a list: a comparator, or a setting ("1.9x and 2.0x higher
# throughput on A and B, respectively": A and B are where, not what)
_COMPARATOR_RE = re.compile(r"\b(?:over|than|compared|versus|vs\.?|against|relative|on|for|across|at|with|under|"
                            r"using|when)\b", re.I)


def apply_respectively(claim: Any, sentence: Any) -> None:
    """ "speedup and energy savings of 32x and 84x, respectively", "saving by 37% and 68% in area
    and power efficiency, respectively": the n numbers take the n coordinated quantities in order,
    each with its own metric and direction; a quantity off the §1.3 list gives no item."""
    group = claim.group
    if len(group.members) < 2 or group.is_range or claim.respective is not None:
        return
    text, masked = sentence.text, sentence.masked
    mark = _RESPECTIVELY_RE.search(masked, group.end, min(sentence.end, group.end + 160))
    if mark is not None and any(c.isdigit() for c in text[group.end:mark.start()]):
        mark = None
    verbs = list(rules.lexicon().verbs.finditer(masked, max(sentence.start, group.start - 160), group.start))
    governing = verbs[-1].group() if verbs else ""
    if mark is None:
        # without "respectively" only an unmistakable shape maps in order: "2x and 3x improvement in
        # A and B", "A/B by 2x/1.3x"; every part must then name a listed quantity
        candidates, every = _unmarked_candidates(masked, group, sentence, governing), True
    else:
        after = masked[group.end:mark.start()]
        # "N, M and K improvements on A, B and C": past the change noun, "on" opens the quantity list
        head = _CHANGE_HEAD_RE.match(after)
        if head is not None:
            after, governing = after[head.end():], governing + " " + head.group()
        cut = _COMPARATOR_RE.search(after)
        # each quantity's direction comes from its own words, else from the verb that governs the list
        candidates, every = [(after[:cut.start()] if cut else after, governing)], False
        candidates += [(masked[v.end():group.start], v.group()) for v in reversed(verbs)]
        if verbs:  # "the space and the time complexity of X can decrease by 5% and 9%, respectively"
            candidates.append((_subject_of(masked, sentence.start, verbs[-1].start()), governing))
    for phrase, governing in candidates:
        parts = [p for p in _LIST_SPLIT_RE.split(_LIST_TAIL_RE.sub("", _LIST_LEAD_RE.sub("", phrase)).strip()) if p]
        # a part holding a masked number is another list's value, not a quantity's name
        if len(parts) != len(group.members) or any(len(p.split()) > 4 or "_" in p for p in parts):
            continue
        named_list = False
        if _HEAD_BEFORE_SETTINGS_RE.search(parts[0]):
            # "2.5x and 1.8x speedups in A and B": the list is the settings, the head is shared, unless
            # a change noun heads a list of quantities ("improvements on throughput, TTFT and energy")
            head = _CHANGE_HEAD_RE.match(parts[0])
            if head is None:
                continue
            parts[0], named_list = parts[0][head.end():], True
        readings = [rules.read_after(" " + p) for p in parts]
        if not any(r.metric for r in readings) or ((every or named_list) and not all(r.metric for r in readings)):
            continue
        claim.respective = [(r.metric, rules.resolve_direction(rules.direction_word(p, "") or rules.direction_word(
            "", governing), r.metric, r.benefit) if r.metric else "") for r, p in zip(readings, parts)]
        if claim.blocked in (None, "unnamed", "quality", "proxy"):
            claim.blocked = None
            claim.metric = claim.metric or next(r.metric for r in readings if r.metric)
        return


_CHANGE_HEAD_RE = re.compile(r"\s*(?:[\w-]+\s+)?(?:improvements?|gains?|reductions?|savings?|speedups?|increases?)"
                             r"\s+(?:in|on|of|for)\s+", re.I)
_HEAD_BEFORE_SETTINGS_RE = re.compile(r"\s(?:in|on|for|across|at)\s", re.I)
_UNMARKED_LIST_RE = re.compile(r"[\s$}]*(?:\\times)?[\s$}]*(?:(?:[\w-]+\s+){0,2}?(?:improvements?|gains?|reductions?|"
                               r"savings?|increases?|speedups?)\s+)?(?:in|of|for|on)\s+(?P<list>[\w\s/-]{3,80}?)"
                               r"(?=\s*(?:[,;.]|$)|\s+(?:compared|over|than|versus|vs|relative|against|on|for|"
                               r"while|with|at)\b)", re.I)
# ... a list of three or more quantities has commas of its own: "on A, B and C" (a comma is the
# list's end only when no "and" follows it in the same stretch)
_UNMARKED_LONG_LIST_RE = re.compile(_UNMARKED_LIST_RE.pattern.replace(
    r"(?P<list>[\w\s/-]{3,80}?)", r"(?P<list>[\w\s/-]{3,80}?(?:,\s*[\w\s/-]{2,40}?)*?)").replace(
    r"(?=\s*(?:[,;.]|$)", r"(?=\s*(?:[;.]|,(?![^,;.]*\band\b)|$)"), re.I)
# ... or the same shape with the list first: "an improvement in throughput and energy efficiency of 15x and 10x"
_LIST_BEFORE_RE = re.compile(r"(?P<head>\b(?:improvements?|gains?|reductions?|savings?|increases?|speedups?))\s+in\s+"
                             r"(?P<list>[\w\s/-]{3,80}?)\s+of[\s$]*$", re.I)
_SLASH_PAIR_RE = re.compile(r"(?P<list>[A-Za-z][\w-]*(?:\s*/\s*[A-Za-z][\w-]*)+)\s+by[\s$]*$")
_CONJUNCT_RE = re.compile(r"\s*(?:[\w/-]+\s*){1,3}")
_SUBJECT_STOP_RE = re.compile(r"[,;:()\[\]]|\b(?:which|that|while|whereas|where|because|since|thus|thereby)\b", re.I)
_OF_TAIL_RE = re.compile(r"\s+of\s+.*$", re.I)
_SUBJECT_AUX_RE = re.compile(r"\s+(?:can|could|may|might|will|would|is|are|was|were|be|been|both|all)\s*$", re.I)


def _unmarked_candidates(masked: str, group: Any, sentence: Any, governing: str) -> list[tuple[str, str]]:
    between = masked[group.members[0].end:group.members[-1].start]
    if "/" in between:  # "reduces the latency/energy by 2x/1.3x"
        found = _SLASH_PAIR_RE.search(masked, max(sentence.start, group.start - 80), group.start)
        return [(found.group("list").replace("/", " and "), governing)] if found else []
    found = (_UNMARKED_LONG_LIST_RE if len(group.members) >= 3 else _UNMARKED_LIST_RE).match(masked, group.end,
                                                                                             sentence.end)
    if found:
        return [(found.group("list"), governing + " " + masked[group.end:found.start("list")])]
    found = _LIST_BEFORE_RE.search(masked, max(sentence.start, group.start - 120), group.start)
    return [(found.group("list"), governing + " " + found.group("head"))] if found else []


def _subject_of(masked: str, floor: int, verb_start: int) -> str:
    stops = list(_SUBJECT_STOP_RE.finditer(masked, max(floor, verb_start - 160), verb_start))
    start = stops[-1].end() if stops else max(floor, verb_start - 160)
    if stops and "and" in masked[start:verb_start].split():
        # "Throughput, latency and memory improve by": list commas stay inside the subject while
        # each conjunct before them is a short phrase naming a quantity
        while stops and stops[-1].group() == ",":
            lo = stops[-2].end() if len(stops) > 1 else max(floor, verb_start - 160)
            if not _CONJUNCT_RE.fullmatch(masked, lo, stops[-1].start()) \
                    or not rules.read_after(" " + masked[lo:stops[-1].start()]).metric:
                break
            stops.pop()
            start = stops[-1].end() if stops else max(floor, verb_start - 160)
    subject = _SUBJECT_AUX_RE.sub("", masked[start:verb_start])
    # "the time complexity of the procedure": the head noun before "of" names the quantity
    return " and ".join(_OF_TAIL_RE.sub("", part) for part in _LIST_SPLIT_RE.split(subject))


def parenthesis_head(masked: str, pre_start: int, floor: int) -> str:
    """ "energy costs (by up to 22%)": the number in parentheses measures the noun right before them."""
    if pre_start <= floor or masked[pre_start - 1] != "(":
        return ""
    opening = pre_start - 1
    last = None
    for last in rules.lexicon().pre_stop.finditer(masked, max(floor, opening - 120), opening):
        pass
    return masked[last.end() if last else max(floor, opening - 120):opening]


_SHARE_OF_RE = re.compile(r"[\s$]*of\s+(?:the|its|their)\s+(?P<quantity>[\w\s-]{2,40}?)\s+"
                          r"(?:of|used\s+by|required\s+by|needed\s+by|consumed\s+by)\s+", re.I)


# "consuming only N% of the energy", "saves 52% of the compute and 36% of parameters", "down to 3% of
# the parameters", "reduce up to 87% of data volume, 54% of communication rounds": a share of a cost quantity that a consumption or saving verb governs (through
# earlier "N% of Q and" conjuncts).
_SHARE_VERB_RE = re.compile(
    r"\b(?:(?P<saving>sav|cut|eliminat|remov|reduc|down\s+to|as\s+little\s+as)|consum|us|requir|need|tak|spend)\w*\s+"
    r"(?:(?:only|just|merely|about|nearly|"
    r"roughly|around|up\s+to|less\s+than|under)\s+)*(?:_+\s+of\s+(?:the\s+|its\s+|their\s+)?[\w\s-]{1,40}?"
    r"(?:\s*,\s*and|\s*,|\s+and)\s+)*[\s$]*$", re.I)
_SHARE_TAIL_RE = re.compile(r"[\s$]*of\s+(?:the\s+|its\s+|their\s+)?(?P<quantity>[\w-]+(?:\s+[\w-]+){0,2}?)"
                            r"(?=\s*(?:[,.;)]|$)|\s+(?:and|while|compared|than|over|versus|vs|relative|on|in|for|"
                            r"with|without|at|to|by)\b)", re.I)


_NOT_A_COMPARISON_RE = re.compile(r"\b(?:rather|other|instead)\s+$", re.I)


def _compares(masked: str, sentence: tuple[int, int]) -> bool:
    """Whether the sentence names what it is compared to ("rather than X" names an alternative)."""
    for match in rules.lexicon().comparators.finditer(masked, sentence[0], sentence[1]):
        if not _NOT_A_COMPARISON_RE.search(masked, max(sentence[0], match.start() - 10), match.start()):
            return True
    return False


def share_of_quantity(masked: str, group: Any, sentence: tuple[int, int] = (0, 0)) -> tuple[str, ...] | None:
    """ "N% of the memory of X": a cost quantity stated as a share of a baseline's (not "90% of
    the peak", a level, nor "96% of the teacher's performance", a quality); also "saves N% of the
    compute", and "consuming only N% of the energy" when the sentence names what it is compared to
    (without a comparison, "uses only 5% of die area" is the size of a part, not a saving)."""
    if group.members[-1].unit != "%" or len(group.members) > 1:
        return None
    match = _SHARE_OF_RE.match(masked, group.end)
    if match is None:
        match = _SHARE_TAIL_RE.match(masked, group.end)
        verb = _SHARE_VERB_RE.search(masked, max(sentence[0], group.start - 120), group.start) if match else None
        if verb is None or not (verb.group("saving") or _compares(masked, sentence)):
            return None
    # "50% of the parameters and computations of the teacher": one share, one item per quantity
    metrics = []
    for part in _LIST_SPLIT_RE.split(match.group("quantity")):
        reading = rules.read_after(part)
        if reading.benefit:
            return None  # "90% of the peak throughput": a level of a benefit, not a saving
        if reading.specific and reading.metric not in metrics:
            metrics.append(reading.metric)
    return tuple(metrics) or None


_OPEN_PAREN_RE = re.compile(r"[\s$]*\([\s$]*", re.I)
_PAIRED_QUANTITIES_RE = re.compile(
    r"[\s$]*\)\s*(?P<first>(?:[\w-]+\s+){0,3}?[\w-]+)\s*\(\s*(?P<second>[\w\s/-]{1,40}?)\s*\)\s*(?P<head>[\w-]+)?", re.I)


def parenthetical_pairs(text: str, claims: list[Any]) -> None:
    """ "16x (70x) lower latency (energy)": the value in parentheses pairs with the quantity in
    parentheses, the value outside with the quantity outside; a head after both ("improvement")
    is shared and gives the direction. Read in the raw text: the masked one blanks "(energy)"."""
    for claim, inner in zip(claims, claims[1:]):
        if not _OPEN_PAREN_RE.fullmatch(text, claim.group.end, inner.group.start):
            continue
        found = _PAIRED_QUANTITIES_RE.match(text, inner.group.end)
        if found is None:
            continue
        head = found.group("head") or ""
        outer_q, inner_q = rules.read_after(found.group("first") + " " + head), rules.read_after(
            found.group("second") + " " + head)
        if not (outer_q.specific and inner_q.specific):  # "2x (4x) lower TTFT (TPOT)": both latency
            continue
        word = rules.direction_word(found.group("first") + " " + head, "")
        for target, reading in ((claim, outer_q), (inner, inner_q)):
            target.metric, target.benefit, target.blocked = reading.metric, reading.benefit, None
            target.direction_word = word
            target.evidence_end = max(target.evidence_end, found.end())


# "This number can be further pushed to 31%", "The gain grows to 2.4x with batching": the subject
# refers back to the previous sentence's claim, so the number is that claim's figure restated.
_ANAPHORIC_SUBJECT_RE = re.compile(
    r"\W*(?:this|that|the|these|such)\s+(?:numbers?|figures?|improvements?|gains?|speed[\s-]?ups?|advantages?|"
    r"reductions?|savings?|benefits?|margins?)\b(?![\s-]+(?:of|in|for)\b)[^,;:_]{0,80}$", re.I)


def restated_figure(masked: str, sentence_start: int, claim: Any, antecedent: Any | None) -> bool:
    """Give `claim` (blocked as an absolute level or unnamed) the quantity of `antecedent`, the last
    claim of the previous sentence, when its sentence opens with an anaphoric subject."""
    if antecedent is None or claim.blocked not in ("absolute", "unnamed") or antecedent.metric is None \
            or antecedent.group.members[-1].unit != claim.group.members[0].unit \
            or not _ANAPHORIC_SUBJECT_RE.match(masked, sentence_start, claim.group.start):
        return False
    claim.metric, claim.benefit, claim.blocked = antecedent.metric, antecedent.benefit, None
    claim.direction_word, claim.qualifier = antecedent.direction_word, None
    claim.evidence_start = sentence_start
    return True
