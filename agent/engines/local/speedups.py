"""Rule-based extraction of quantitative efficiency claims (LABELLING §1) from one abstract.

Pipeline: numbers with ratio/percent units -> sentences (problem/prior-work sentences dropped)
-> groups of coordinated numbers -> for each group, its own words before and after it decide
quantity (metric), direction and qualifier, or block it (quality, proxy, setup, overhead); a
group that names nothing inherits from the claim it continues ("and 99.84% on a 64GB
instance", "(up to 92.0%)", ", which is 5,000x faster") -> comparators give baselines ->
restated claims merged -> every item grounded with agent.claim_grounding before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.engines.local import speedup_blocks as blocks
from agent.engines.local import speedup_coordination as coordination
from agent.engines.local import speedup_lists as lists
from agent.engines.local import speedup_model
from agent.engines.local import speedup_needs as needs
from agent.engines.local import speedup_pairing as pairing
from agent.engines.local import speedup_rules as rules
from agent.engines.local import speedup_scope as scope
from agent.engines.local import speedup_shapes as shapes
from agent.engines.local.case_folding import folded, search_folded
from agent.engines.local.speedup_baselines import SentenceComparators, find_comparators
from agent.engines.local.speedup_items import LOOKBACK, Claim, finalise
from agent.engines.local.speedup_segments import (
    Group, claim_units, coordinate, in_spans, masked_text, phrase_after, phrase_before, sentence_spans,
    url_spans,
)
from core.models import Speedup
from agent.numbers import find_numbers, find_ranges, share_list_units

_DETERMINERS_ONLY_RE = re.compile(r"[\s$+]*(?:(?:a|an|the)\s*)?", re.I)
_AVERAGED_SENTENCE_RE = re.compile(r"\W*(?:on|in)\s+(?:the\s+)?average\b[^,]{0,60},", re.I)
# "10x faster speed and lower energy", "2x speedup and energy reduction": the second quantity is
# named with its change word before it (an adjective) or after it (a change noun)
_SECOND_METRIC_RE = re.compile(
    r"\s*and\s+(?:(?:a|an)\s+)?(?:(?:higher|lower|less|fewer|smaller|larger|better|reduced|improved|more)\s+"
    r"[a-z][\w-]*(?:\s+[a-z][\w-]*)?|[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}\s+(?:reductions?|savings?|improvements?|gains?))"
    r"(?=\s*(?:[,.;)]|$|\s(?:than|compared|over|with|on|for|in)\b))", re.I)
_BOTH_PHASES_RE = re.compile(r"\btraining\s+and\s+inference\b|\binference\s+and\s+training\b", re.I)
_OUTPERFORMED_RE = re.compile(
    r"\b(?:outperform|surpass|beat|exceed)(?:s|es|ed|ing)?\s+(?P<baseline>[^;]{1,160}?),?\s+by[\s$]*"
    r"(?:(?:up\s+to|about|around|nearly|over|more\s+than|at\s+least|an?\s+average\s+of|a\s+factor\s+of)[\s$]*)*$",
    re.I)
_IN_TERMS_RE = re.compile(r"\s(?:in|on)\s+(?:terms\s+of\s+)?(?!(?:the\s+)?(?:average|most|all|many)\b)", re.I)
# (a unit noun such as "bytes" measures the quantity of the claim it continues: not off the list)
_OFF_LIST_NOUN_AFTER = re.compile(r"[\s$]*(?:more|fewer|less|higher|lower|larger|smaller)\s+"
                                  r"(?!(?:bytes|bits|kilobytes|megabytes|gigabytes)\b)[a-z][a-z-]{2,}(?:\s+[a-z][a-z-]{2,})?\s*$", re.I)
_OFF_LIST_OBJECT_BEFORE = re.compile(
    r"\b(?:reduc|decreas|cut|lower|shrink)\w*\s+(?:the\s+)?(?:total\s+)?number\s+of\s+(?:[\w-]+\s+){1,3}by[\s$]*"
    r"(?:(?:up\s+to|about|around|nearly|over|more\s+than|at\s+least)[\s$]*)*$", re.I)
_MODEL_STORAGE_RE = re.compile(r"\bstorage\b[^,;]{0,40}?\b(?:of|by|for)\s+(?:the\s+|a\s+|deep\s+|neural\s+)*"
                               r"(?:networks?|models?|weights|DNNs?|CNNs?|LLMs?|[A-Z][A-Za-z]*Net\b)", re.I)
# Two numbers joined by "and"/a comma, the second with its own hedge ("~", ">", "about"), a
# coordination the number grouping does not merge because each keeps its qualifier.
_HEDGED_JOIN_RE = re.compile(r"[\s$]*(?:,\s*and|,|and)[\s$]*(?:~|>|<|≈|about|around|nearly|over|approximately)"
                             r"[\s$]*", re.I)
_CLAUSE_BREAK_RE = re.compile(r"[,;:()]")
_BARE_COMPARATIVE_RE = re.compile(
    r"[\s$]*(?:(?P<speed>faster|quicker)|cheaper|smaller|less|lower|fewer|higher|larger|greater|better"
    r"|more(?:\s+efficient)?)[\s$]*", re.I)
# Model, dataset and system names: "GPT-2", "ImageNet", "vLLM", "A100", "BERT".
_MAX_CHARS = 20_000


def extract_speedups(abstract: str) -> list[Speedup]:
    """Grounded efficiency claims of one abstract, in text order (see LABELLING §1)."""
    if not abstract or not abstract.strip():
        return []
    text = abstract[:_MAX_CHARS]
    model = speedup_model.load_model()
    read = read_claims(text, with_context=model is not None)
    if read is None:
        return []
    return finalise(abstract, speedup_model.decide(read, model))


def read_claims(text: str, with_context: bool = True) -> speedup_model.ReadAbstract | None:
    """Every candidate claim of `text` with whether its sentence is context (problem or prior work);
    blocked claims are kept, with the reason, for the learned decision (speedup_model). Context
    sentences are read only `with_context` (the rules alone never take their claims)."""
    # Real abstracts are a few thousand characters; reading only a prefix of anything far longer
    # keeps hostile input (megabytes of numbers) well under a second.
    text = text[:_MAX_CHARS]
    numbers = share_list_units(text, find_numbers(text))
    urls = url_spans(text)
    units = [u for u in claim_units(numbers, find_ranges(text, numbers)) if not in_spans(u.start, urls)]
    if not units:
        return None
    masked = masked_text(text, numbers, {u.start for u in units})
    sentences = sentence_spans(text)
    context = rules.ContextReader(text, masked, sentences)
    claims: list[speedup_model.Candidate] = []
    cursor, antecedent = 0, None
    for index, (start, end) in enumerate(sentences):
        first = cursor
        while cursor < len(units) and units[cursor].start < end:
            cursor += 1
        own = [u for u in units[first:cursor] if u.start >= start]
        last, antecedent = antecedent, None
        if own:
            is_context = context.is_context(index)
            if is_context and not with_context:
                continue
            read = _sentence_claims(text, masked, start, end, own)
            coordination.restated_figure(masked, start, read[0], last)
            claims += [speedup_model.Candidate(c, is_context, start, end) for c in read]
            antecedent = next((c for c in reversed(read) if c.blocked is None and c.metric), None)
    return speedup_model.ReadAbstract(text, masked, claims)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence and the facts about it that every claim inside needs."""

    text: str  # the whole (possibly truncated) abstract
    masked: str
    start: int
    end: int
    finding: bool  # a measurement-study sentence ("we find that ...")
    averaged: bool  # opens with "On average," which qualifies every claim in it


def _sentence_claims(text: str, masked: str, start: int, end: int, units: list[Group]) -> list[Claim]:
    sentence = _Sentence(text, masked, start, end, search_folded(rules.lexicon().finding, text, start, end),
                         _AVERAGED_SENTENCE_RE.match(text, start, end) is not None)
    groups = pairing.split_paired_lists(text, coordinate(text, units))
    comparators = SentenceComparators(text, find_comparators(text, masked, start, end))
    claims: list[Claim] = []
    for i, group in enumerate(groups):
        floor = groups[i - 1].end if i else start
        limit = groups[i + 1].start if i + 1 < len(groups) else end
        claim = _read_group(sentence, group, (floor, limit), claims[-1] if claims else None)
        claim.comparator = comparators.pick(group.start, group.end, limit, claim.evidence_start)
        if claim.comparator and claim.comparator.start < claim.evidence_start:
            claim.evidence_start = start if claim.comparator.start < group.pre_start else claim.comparator.start
        if claim.comparator and claim.comparator.start > group.end:
            claim.evidence_end = max(claim.evidence_end, claim.comparator.np_end)
        claims.append(claim)
    pairing.share_qualifier(text, claims)
    coordination.share_heads(masked, claims)
    coordination.share_quality_heads(masked, claims)
    coordination.parallel_heads(masked, claims)
    coordination.parenthetical_pairs(text, claims)
    pairing.respective_across_units(sentence, claims)
    lists.respective_across_groups(sentence, claims)
    return claims


def _read_group(sentence: _Sentence, group: Group, bounds: tuple[int, int], previous: Claim | None) -> Claim:
    """Metric, direction and qualifier of one group, or why it is no claim (`blocked`)."""
    text, masked = sentence.text, sentence.masked
    pre_start, _ = phrase_before(masked, group, bounds[0])
    _, post_end = phrase_after(masked, group, bounds[1])
    group.pre_start, group.post_end = pre_start, post_end
    before, after = masked[pre_start:group.start], masked[group.end:post_end]
    claim = Claim(group, evidence_start=pre_start, evidence_end=post_end)
    share = coordination.share_of_quantity(masked, group, (sentence.start, sentence.end))
    if share is not None:  # "12% of the model size of the dense model": a ratio to a baseline
        claim.metric, claim.direction_word = share[0], "reduction"
        claim.extra_metric = (share[1], "reduction") if len(share) > 1 else None
        claim.qualifier = _qualifier(masked, group, before, after, previous)
        claim.evidence_end = max(post_end, min(sentence.end, group.end + 60))
        return claim
    gain_before = previous is not None and previous.blocked is None and previous.metric is not None
    claim.blocked = blocks.configuration_or_overhead(text, masked, group, (before, after), (sentence.finding, gain_before))
    if claim.blocked:
        return claim
    verbs, lowered = folded(rules.lexicon().verbs, masked)
    verbless = not verbs.search(lowered[pre_start:group.start])
    back = max(sentence.start, pre_start - LOOKBACK)
    previous, verb_phrase = _continuation(masked, group, previous, back)
    lookback = (masked[back:pre_start], text[back:pre_start]) if verbless else None
    head = coordination.parenthesis_head(masked, pre_start, max(sentence.start, bounds[0] - LOOKBACK))
    if _decide_metric(claim, (before, after, verb_phrase, head), lookback, previous, (masked, sentence.end)):
        claim.evidence_start = sentence.start  # the evidence must reach the words the claim took
    shapes.match_speed_word(claim, masked, after, (group.end, sentence.end))
    if shapes.main_clause_quantity(claim, before, masked[back:pre_start], verb_phrase):
        claim.evidence_start = sentence.start
    if shapes.fronted_quantity(claim, masked, (sentence.start, group.start)):
        claim.evidence_start = sentence.start
    if claim.metric is None and claim.blocked is None:
        # A bare ratio is a speed ratio far more often than anything else; a bare percent, or a
        # "threefold"/"10-fold" that often counts things ("contributions are threefold"), is not.
        # A size comparative with nothing named ("5x larger than the largest public dataset") is no
        # speed claim either: only a speed word or no comparative at all reads as a speedup.
        speed_ratio = _bare_ratio(text, group) and not shapes.size_comparative(before, after)
        claim.metric, claim.blocked = ("speedup", None) if speed_ratio else (None, "unnamed")
        claim.evidence_start = sentence.start  # nothing named nearby: show the whole sentence
    if shapes.training_process(claim, before, masked[sentence.start:pre_start], masked[group.end:sentence.end]) \
            or scope.training_scope(claim, sentence, (before, after), pre_start):
        claim.evidence_start = sentence.start
    if claim.metric == "speedup" and group.members[-1].unit == "%" \
            and shapes.vague_percent(sentence, before, after):
        claim.blocked = "quality"  # "improves performance by 5%" next to accuracy talk is accuracy
    if claim.blocked in ("unnamed", "quality", "proxy"):
        # "37% and 68% in area and power efficiency, respectively": the first quantity named
        # blocks only its own number
        coordination.apply_respectively(claim, sentence)
    if claim.blocked:
        return claim
    if claim.direction_word is None:
        claim.direction_word = rules.direction_word(after, before)
    if claim.direction_word is None and lookback is not None:
        # a continued claim takes the previous direction only for the same quantity: "9x speedup and
        # 70x energy efficiency" is not "faster" energy (direction follows the metric's polarity)
        same = previous is not None and previous.metric == claim.metric
        claim.direction_word = previous.direction_word if same else rules.direction_word("", lookback[0])
    scope.speed_phrased(claim, before, after)
    needs.needs_more(claim, before, sentence.finding)
    if claim.blocked:
        return claim
    claim.qualifier = _qualifier(masked, group, before, after, previous)
    if claim.qualifier is None and not group.is_range \
            and (sentence.averaged or shapes.average_earlier(sentence, group)):
        claim.qualifier = "average"
    claim.extra_metric = (_second_metric(masked, post_end) or _both_phases(claim, before, verb_phrase)
                          or claim.extra_metric)
    shapes.slash_metrics(claim, before + " " + after)
    if verbless and previous is not None:
        claim.evidence_start = sentence.start
    coordination.apply_respectively(claim, sentence)
    return claim


def _continuation(masked: str, group: Group, previous: Claim | None, floor: int) -> tuple[Claim | None, str]:
    """Whether the claim continues `previous` (no finite verb in between: "81.76% on an 8GB
    instance and 99.84% on a 64GB instance", "..., yielding up to 94%"), and the words from the
    last verb before it ("..., and reducing the error on PDE solving and MRI tasks by 40%")."""
    start = previous.group.post_end if previous is not None else floor
    clause_verbs, lowered = folded(rules.lexicon().clause_verbs, masked)
    verbs = list(clause_verbs.finditer(lowered, start, group.start))
    if previous is not None and any(not v.group().lower().endswith("ing") for v in verbs):
        previous = None
    return previous, (masked[verbs[-1].start():group.start] if verbs else "")


def _bare_ratio(text: str, group: Group) -> bool:
    last = group.members[-1]
    return last.unit == "x" and last.kind != "word" and "fold" not in text[last.start:last.end].lower()


def _decide_metric(claim: Claim, own: tuple[str, str], lookback: tuple[str, str] | None,
                   previous: Claim | None, sentence: tuple[str, int]) -> bool:
    """Specific quantity words beat generic speed words; the claim's own words beat inherited ones.

    `own` is the masked (before, after) phrase and the verb phrase that leads to the number;
    `lookback` the masked and raw sentence text before it, given only when the claim has no verb
    of its own; `sentence` the masked text and the end of the claim's sentence. Returns whether
    the decision used words before the claim's own phrase.
    """
    before, after, verb_phrase, head = own
    read_after, read_before = rules.read_after(after), rules.read_before(_without_outperformed(before))
    if read_after.blocked:
        claim.blocked = read_after.blocked
        return False
    bare = _BARE_COMPARATIVE_RE.fullmatch(after)
    if bare and not read_before.specific and _take_coordinated(claim, previous, sentence[0]):
        return False
    if lookback is not None and bare and not read_before.specific:
        # ", which is 5,000x faster/cheaper": a bare comparative is about the antecedent's quantity
        # (unless the claim's own words name one: "... converge up to 6x faster").
        antecedent = shapes.antecedent_quantity(lookback, comparative=bare.group().strip(" $").lower())
        if antecedent.metric is not None:
            _adopt(claim, antecedent)
            return antecedent.metric != "speedup"  # a generic speedup took no words from before
    for reading, other in ((read_after, read_before), (read_before, read_after)):
        # a generic fallback word ("the compressed network has 3x ... speedup") yields to a quantity
        # the other side names
        if reading.specific and not (reading.weak and other.metric and not other.weak):
            _adopt(claim, reading)
            if claim.metric == "storage" and _MODEL_STORAGE_RE.search(before + after):
                claim.metric = "model size"  # "the storage of neural networks": a model's size
            return False
    if not read_before.blocked and _take_trailing(claim, sentence):
        return False
    if read_before.blocked and read_after.metric is None:
        claim.blocked = read_before.blocked
        return False
    if read_after.metric or read_before.metric:
        _adopt(claim, read_after if read_after.metric else read_before)
        return False
    in_parentheses = rules.read_before(head) if head else rules.Reading()
    if not in_parentheses.empty:
        claim.blocked = in_parentheses.blocked
        _adopt(claim, in_parentheses)
        return True
    if lookback is not None and _OUTPERFORMED_RE.search(verb_phrase):
        verb_phrase = lookback[0] + before  # "The X of A outperforms B and C by": the subject names X
    governing = rules.read_before(_without_outperformed(verb_phrase)) if verb_phrase else rules.Reading()
    if not governing.empty:
        claim.blocked = governing.blocked
        _adopt(claim, governing)
        return True
    if read_after.empty and read_before.empty and (_OFF_LIST_NOUN_AFTER.match(after)
                                                   or _OFF_LIST_OBJECT_BEFORE.search(before)
                                                   or shapes.off_list_object(before)) \
            and (previous is not None or lookback is None or rules.read_before(lookback[0]).empty):
        # "6x more burstiness", "reduces the number of partial sums by 1000x": the number modifies
        # a noun off the §1.3 list, so it inherits nothing from a sibling claim and is no claim
        # (the sentence's own verb may still name the quantity: "converges with 3x fewer iterations")
        claim.blocked = "unnamed"
        return False
    inherited = _inherited(claim, lookback[0] if lookback else None, previous, verb_phrase)
    if inherited is None:
        return False
    claim.metric, claim.blocked, claim.benefit = inherited.metric, inherited.blocked, inherited.benefit
    claim.direction_word, claim.extra_metric = inherited.direction_word, inherited.extra_metric
    return True


def _take_coordinated(claim: Claim, previous: Claim | None, masked: str) -> bool:
    """ "(>34% and ~17% lower than A and B)": a number coordinated with the previous one (split only
    by its own hedge) shares that claim's quantity, not an older antecedent's."""
    if previous is None or previous.blocked is not None or previous.metric is None \
            or _HEDGED_JOIN_RE.fullmatch(masked, previous.group.end, claim.group.start) is None:
        return False
    _adopt(claim, rules.Reading(metric=previous.metric, benefit=previous.benefit))
    return True


def _take_trailing(claim: Claim, sentence: tuple[str, int]) -> bool:
    """ "by 2x on p99 latency", "20% better than X in energy": the quantity named after the number."""
    trailing = shapes.trailing_quantity(sentence[0], claim.group.post_end, sentence[1])
    if trailing is None:
        return False
    _adopt(claim, trailing[0])
    claim.evidence_end = max(claim.evidence_end, trailing[1])
    return True


def _without_outperformed(before: str) -> str:
    """ "outperforms existing training systems by": the words between the verb and "by" name the
    baseline, not the claim's quantity (unless they say "in latency" / "in terms of energy")."""
    match = _OUTPERFORMED_RE.search(before)
    if match is None:
        return before
    start, end = match.span("baseline")
    inner = _IN_TERMS_RE.search(before, start, end)
    end = inner.start() if inner else end
    return before[:start] + " " * (end - start) + before[end:]


def _inherited(claim: Claim, lookback: str | None, previous: Claim | None, verb_phrase: str) -> Claim | None:
    if previous is not None:
        if shapes.speed_verb_of_other_quantity(verb_phrase, previous.metric):
            return Claim(claim.group, metric="speedup", direction_word="faster")
        return previous
    if lookback is None:
        return None
    found = rules.read_before(lookback)
    if found.empty:
        return None
    return Claim(claim.group, metric=found.metric, blocked=found.blocked, benefit=found.benefit,
                  direction_word=rules.direction_word("", lookback))


def _adopt(claim: Claim, reading: rules.Reading) -> None:
    claim.metric, claim.benefit = reading.metric, reading.benefit


def _qualifier(masked: str, group: Group, before: str, after: str, previous: Claim | None) -> str | None:
    if group.is_range:
        return None
    leading = rules.leading_qualifier(before)
    opening = masked.rfind("(", max(0, group.start - 4), group.start)
    if leading is None and opening >= 0 and not masked[opening + 1:group.start].strip(" $"):
        # "nearly ($3\times$) faster": the hedge sits before the parenthesis
        leading = rules.leading_qualifier(masked[max(0, opening - 60):opening])
    if leading:
        return leading
    if (previous is not None and previous.qualifier in ("up_to", "at_least", "approx")
            and _DETERMINERS_ONLY_RE.fullmatch(before)
            and not _CLAUSE_BREAK_RE.search(masked, previous.group.end, group.start)):
        return previous.qualifier  # "up to a 2x speedup ... and a 2.5x improvement"
    if rules.mentions_average(before + " " + after) or shapes.average_later(masked, group.post_end):
        return "average"
    return None


def _second_metric(masked: str, post_end: int) -> tuple[str, str] | None:
    """ "more than 10x faster speed and lower energy": one number, two quantities."""
    match = _SECOND_METRIC_RE.match(masked, post_end)
    if match is None:
        return None
    reading = rules.read_after(match.group())
    if not reading.metric or reading.metric == "speedup":
        return None
    word = rules.direction_word(match.group(), "")
    return reading.metric, rules.resolve_direction(word, reading.metric, reading.benefit)


def _both_phases(claim: Claim, before: str, verb_phrase: str) -> tuple[str, str] | None:
    """ "speeds up training and inference by 3x": one number, the training time and the (inference)
    speed; the inference phase is no quantity of its own (LABELLING §1.3), so it reads as speedup."""
    if claim.metric != "training time" or not _BOTH_PHASES_RE.search(before + " " + verb_phrase):
        return None
    direction = rules.resolve_direction(claim.direction_word, claim.metric, claim.benefit)
    return ("speedup", "faster") if direction == "faster" else None
