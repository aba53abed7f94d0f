"""Reading the words around a number: which quantity they name, which way it moved, how hedged.

The vocabulary lives in agent/data/speedup_lexicon.yaml; this module only decides how to apply
it (LABELLING §1.1 and §1.3). Phrases are read from masked text in which other numbers and
their unit words are blanked out, so "28 fps" or "30 TPU-hours" never name a claim's quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from agent.engines.local import speedup_heads as heads
from agent.engines.local.first_chars import dispatch_by_first_char
from agent.engines.local.case_folding import folded
from agent.screening import folds_nothing_to_ascii

_LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "speedup_lexicon.yaml"
_SPEEDUP = "speedup"
# A cue and the next cue still name one compound quantity ("finetune throughput", "energy
# efficiency") unless a function word separates them.
_COMPOUND_BREAK_RE = re.compile(r"\b(?:of|by|in|for|on|to|the|a|an|and|with|from|at)\b|[,;:()]")
_OF_AFTER_RE = re.compile(r"\s+(?:_+\s+)?of\b")  # "the OPS (operations per second) of": an aside is masked to "_"
_PROCESS_HEADS = frozenset({"latency", "cost", "speedup"})
_HEDGE_RE = re.compile(r"\s*(?:\b(?:around|about|approximately|nearly|almost|roughly)|~|∼|\\sim)[\s$]*$", re.I)
_PROCESS_METRICS = frozenset({"training time", "search cost"})
BENEFIT_METRICS = frozenset({"throughput", "batch size"})   # more is better, whatever words name them
_REVIEW_WORDS = ("review", "survey")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _named_patterns(pairs: object) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _compile(pattern)) for name, pattern in pairs)  # type: ignore[attr-defined]


class Lexicon:
    """Compiled patterns of speedup_lexicon.yaml (loaded once, on first use)."""

    def __init__(self, raw: dict[str, object]):
        metrics: list[list[str]] = raw["metrics"]  # type: ignore[assignment]
        self.metric_names = tuple(name for name, _ in metrics)
        self.fallbacks = _named_patterns(raw["fallbacks"])
        self.qualifiers = _named_patterns(raw["qualifiers"])
        self.absolute_units = _named_patterns(raw["absolute_units"])
        self.own_name_verbs = tuple(raw["own_name_verbs"])  # type: ignore[arg-type]
        for key, value in raw.items():
            if isinstance(value, str):
                setattr(self, key, _compile(value))
        # One pass finds every cue: alternatives in §1.3 rule order, so where two cues start at
        # the same word the earlier rule wins ("tail latency" over "latency").
        self.cues = _compile("|".join([f"(?P<m{rank}>{p})" for rank, (_, p) in enumerate(metrics)]
                                      + [f"(?P<quality>{raw['quality']})", f"(?P<proxy>{raw['proxy']})"]))
        # ... tried at each token start: only the alternatives that can start with its first character
        self.match_cue = dispatch_by_first_char(self.cues)
        self.directions = _compile("|".join(f"(?P<{kind}>{raw[kind]})"
                                            for kind in ("faster", "reduction", "increase", "rise")))

    def __getattr__(self, name: str) -> re.Pattern[str]:  # typed access to the pattern keys
        raise AttributeError(f"speedup lexicon has no pattern {name!r}")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    with _LEXICON_PATH.open(encoding="utf-8") as handle:
        return Lexicon(yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


@dataclass(frozen=True, slots=True)
class Cue:
    kind: str  # metric | quality | proxy
    label: str  # metric name, or the kind again
    rank: int  # position of the metric rule in the §1.3 table (lower wins)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Reading:
    """What a phrase says about a claim. `metric` None and `blocked` None: it says nothing."""

    metric: str | None = None
    blocked: str | None = None  # quality | proxy: the number measures something that is no claim
    benefit: bool = False  # more-is-better quantity (throughput, efficiency, batch size)
    weak: bool = False  # read from a generic fallback word ("compressed", "size"), not a named quantity

    @property
    def specific(self) -> bool:
        return self.metric is not None and self.metric != _SPEEDUP

    @property
    def empty(self) -> bool:
        return self.metric is None and self.blocked is None


# "the compute-intensive prefill stage", "memory-bound decoding": a quantity word turned into an
# adjective describes a workload; it does not name the quantity a number measures.
_DESCRIPTOR_SUFFIX_RE = re.compile(r"-(?:intensive|bound|heavy|hungry|constrained|limited|starved|sensitive)\b", re.I)
_TOKEN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9¤+/]")
# "54% in HMC and 50% in HBM": a memory device's acronym as the whole object of a locative preposition
# is where the number was measured, not what it measures ("in HBM usage" still names memory).
_LOCATIVE_BEFORE_RE = re.compile(r"\b(?:in|on|at|for|using|with)\s+(?:the\s+)?$", re.I)
_PHRASE_END_RE = re.compile(r"[\s$]*(?:$|[,;:().]|(?:and|or|which|that|with|while|when|where|respectively|"
                            r"compared|than|over|versus|vs)\b)", re.I)


def _locative_device(phrase: str, start: int, end: int, metric: str) -> bool:
    word = phrase[start:end]
    return metric == "memory" and word.isalpha() and word.isupper() and _PHRASE_END_RE.match(phrase, end) \
        is not None and _LOCATIVE_BEFORE_RE.search(phrase, max(0, start - 12), start) is not None


# The readers below are pure functions of the phrase, and one claim's phrases are read several times
# (its own words, its clause, a neighbour's): cached, they are computed once (mechanical, same output).
# The cache is small on purpose: it serves one abstract and the commonest phrases ("", " faster"),
# so a benchmark that repeats its abstracts gains nothing from the repetition.
@lru_cache(maxsize=128)
def _cues(phrase: str) -> tuple[Cue, ...]:
    lex = lexicon()
    cues: list[Cue] = []
    covered = 0
    # Every cue starts a token, so trying the big alternation only at token starts is equivalent
    # to a full scan and several times faster.
    for token in _TOKEN_START_RE.finditer(phrase):
        if token.start() < covered:
            continue
        m = lex.match_cue(phrase, token.start())
        if m is None or _DESCRIPTOR_SUFFIX_RE.match(phrase, m.end()):
            continue
        covered = m.end()
        group = m.lastgroup or ""
        if group.startswith("m"):
            rank = int(group[1:])
            if _locative_device(phrase, m.start(), m.end(), lex.metric_names[rank]):
                continue
            cues.append(Cue("metric", lex.metric_names[rank], rank, m.start(), m.end()))
        else:
            cues.append(Cue(group, group, 99, m.start(), m.end()))
    return tuple(cues)


def cues_of(phrase: str) -> list[Cue]:
    """The quantity, quality and proxy words of `phrase`, in order (for phrase-shape checks)."""
    return list(_cues(phrase))


def _reading(phrase: str, anchor: Cue, cues: list[Cue]) -> Reading:
    if anchor.kind != "metric":
        return Reading(blocked=anchor.kind)
    compound = [c for c in cues if c.kind == "metric" and _same_compound(phrase, c, anchor)]
    best = heads.compound_metric(compound, max(compound, key=lambda c: c.end))
    lo = min(c.start for c in compound)
    hi = max(c.end for c in compound)
    benefit = lexicon().benefit.search(phrase, max(0, lo - 20), min(len(phrase), hi + 25)) is not None
    return Reading(metric=best.label, benefit=benefit)


def _same_compound(phrase: str, cue: Cue, anchor: Cue) -> bool:
    lo, hi = sorted((cue, anchor), key=lambda c: c.start)
    if lo.end >= hi.start:
        return True
    return hi.start - lo.end <= 25 and not _COMPOUND_BREAK_RE.search(phrase, lo.end, hi.start)


@lru_cache(maxsize=128)
def read_after(phrase: str) -> Reading:
    """The words right after a number: the first thing named decides ("2.5x energy efficiency")."""
    cues = _cues(phrase)
    if not cues:
        return _fallback(phrase)
    first = min(cues, key=lambda c: (c.start, c.rank))
    if first.kind != "metric":
        return Reading(blocked=first.kind)
    head = _compound_head(phrase, first, cues)
    if head.kind != "metric":
        return Reading(blocked=head.kind)  # "47% model FLOPs utilization": the head noun is a proxy
    metric_cues = [c for c in cues if c.kind == "metric"]
    if head.label == _SPEEDUP:
        # "5x speedups of convolution computation": what is sped up is a process, not a compute count
        metric_cues = [c for c in metric_cues if c.label != "compute"]
    best = min(metric_cues, key=lambda c: c.rank)
    if heads.head_of_one_compound(metric_cues, head, lambda c, h: _same_compound(phrase, c, h)):
        best = head  # "30% KV cache computation": compute, the head noun
    elif best.label in heads.TIME_HEADS and len(metric_cues) > 1:
        # "2.2x faster end-to-end training runtime": the runtime of training is training time
        best = heads.compound_metric([c for c in metric_cues if _same_compound(phrase, c, best)], best)
    benefit = lexicon().benefit.search(phrase) is not None
    return Reading(metric=best.label, benefit=benefit)


def _compound_head(phrase: str, first: Cue, cues: list[Cue]) -> Cue:
    """The last cue of the compound that starts with `first` (English compounds are head-final)."""
    head = first
    for cue in sorted(cues, key=lambda c: c.start):
        if cue.start > head.start and _same_compound(phrase, head, cue):
            head = cue
    return head


@lru_cache(maxsize=128)
def read_before(phrase: str) -> Reading:
    """The words before a number: the quantity nearest to it, preferring a head noun followed
    by "of" ("the average latency of a ResNet-101 ... reduced by")."""
    cues = _cues(phrase)
    if not cues:
        return _fallback(phrase)
    with_of = [c for c in cues if _OF_AFTER_RE.match(phrase, c.end)]
    # Nearest to the number; of two cues ending together the longer one ("scaling efficiency").
    anchor = max(with_of or cues, key=lambda c: (c.end, -c.start, -c.rank))
    reading = _reading(phrase, anchor, cues)
    if with_of and reading.metric in _PROCESS_HEADS:
        # "the end-to-end time cost of the train-prune pipeline": the process named after "of"
        # says whose time or cost it is.
        process = [c for c in cues if c.start > anchor.end and c.label in _PROCESS_METRICS]
        if process:
            return Reading(metric=process[0].label)
    return reading


def _fallback(phrase: str) -> Reading:
    for name, pattern in lexicon().fallbacks:
        if pattern.search(phrase):
            return Reading(metric=name, weak=True)
    return Reading()


_PER_RE = re.compile(r"\s*/\s*|\s+per\s+", re.I)


def metric_of_unit(unit_text: str) -> Reading:
    """The quantity an absolute figure measures, from its unit ("2.3 TOPS/W" -> energy). A rate's
    polarity follows where the quantity sits: per unit of it ("TOPS/W") more is better; as the
    numerator ("pJ/MAC", energy spent per operation) it is a cost, and less is better."""
    for name, pattern in lexicon().absolute_units:
        if pattern.search(unit_text):
            per = _PER_RE.split(unit_text, maxsplit=1)
            rate_of_it = len(per) == 2 and pattern.search(per[0]) is None  # "TOPS/W": per unit of energy
            return Reading(metric=name, benefit=name == "throughput" or rate_of_it)
    return Reading()


def direction_word(after: str, before: str) -> str | None:
    """faster | reduction | increase, from the direction word nearest to the number."""
    directions = lexicon().directions
    # A comparative right after the number modifies the claim's own noun ("7x lower energy"), so it
    # beats a speed word elsewhere in the clause ("inference acceleration ... yields 7x lower energy").
    adjacent = directions.match(after, len(after) - len(after.lstrip(" $\\{}")))
    if adjacent and _COMPARATIVE_RE.fullmatch(adjacent.group()):
        # "2x higher energy savings", "saves 3x more energy": more of a saving is a reduction
        if adjacent.lastgroup == "rise" and (_SAVING_NOUN_RE.match(after, adjacent.end())
                                             or _SAVING_VERB_RE.search(before)):
            return "reduction"
        return adjacent.lastgroup
    # Speed phrasing wins wherever it is in the claim's own clause: "speeds up checkpoint saving by
    # 3.1x" is faster, but in "9x speedup and 70x energy efficiency" the speedup is another claim's.
    if lexicon().faster.search(after) or lexicon().faster.search(own_clause(before)):
        return "faster"
    first = directions.search(after)
    if first:
        return first.lastgroup
    # "by more than 60x": a comparative that is the number's qualifier says nothing about direction
    before = _THAN_QUALIFIER_RE.sub("", before)
    # Only the claim's own clause: in "9.1x energy savings and 2.2x area efficiency" the savings
    # belong to the energy claim, and the 2.2x takes its direction from its quantity's polarity.
    own_start = len(before) - len(own_clause(before))
    last = None
    for match in directions.finditer(before):
        if match.start() >= own_start:
            last = match
    return last.lastgroup if last else None


def own_clause(before: str) -> str:
    """The words before a number back to the previous number (masked as "_"): in "9x speedup and
    70x energy efficiency" the speed word belongs to the 9x claim, not to the 70x one."""
    last = before.rfind("_")
    if last < 0:
        return before
    tail = before[last + 1:]
    joins = list(_JOIN_RE.finditer(tail))  # "..._ speedup and | " : the previous claim's words end here
    return tail[joins[-1].end():] if joins else tail


_SAVING_NOUN_RE = re.compile(r"[\s$]*(?:[\w]+[\s-]+){0,3}?(?:savings?|reductions?)\b", re.I)
_SAVING_VERB_RE = re.compile(r"\bsav(?:e|es|ed|ing)[\s$]*(?:(?:up\s+to|about|around|nearly|over|roughly)[\s$]*)?$", re.I)
_THAN_QUALIFIER_RE = re.compile(r"\b(?:more|greater|higher|larger)\s+than[\s$~]*$", re.I)
_COMPARATIVE_RE = re.compile(r"lower|less|fewer|smaller|cheaper|lighter|higher|more|larger|greater|better", re.I)
_JOIN_RE = re.compile(r"[,;]|\band\b|\bwhile\b|\bwith\b", re.I)


def resolve_direction(word: str | None, metric: str, benefit: bool) -> str:
    """§1.3 direction: "improves latency" is a reduction, "improves throughput" an increase."""
    if word in ("faster", "reduction"):
        return word  # "50-180% less efficient" (a measured slowdown) stays a reduction even as a speedup
    if metric == _SPEEDUP:
        return "faster"
    if word == "rise":
        return "increase"  # "higher energy consumption": more of a cost quantity is still an increase
    # throughput and batch size are more-is-better whatever words name them ("tokens/s", "QPS")
    return "increase" if benefit or metric in BENEFIT_METRICS else "reduction"


def leading_qualifier(before: str) -> str | None:
    """up_to / at_least / approx written right before the number; of "up to around", the first
    in LABELLING order (up_to > at_least > approx)."""
    tail = before[-60:].rstrip(" $\\{(}")
    unhedged = _HEDGE_RE.sub("", tail)
    hedged = unhedged != tail  # without a hedge the second search would repeat the first
    for name, pattern in lexicon().qualifiers:
        if pattern.search(tail) or (hedged and pattern.search(unhedged)):
            return name
    return None


_AVERAGE_WORDS = ("averag", "geo", "mean", "avg")  # every alternative of lexicon `average` holds one


def mentions_average(text: str) -> bool:
    return may_contain(text, _AVERAGE_WORDS) and lexicon().average.search(text) is not None


class ContextReader:
    """§1.1.4: is a sentence about the problem, the motivation or prior work, not this paper's
    result? Evaluated lazily: only sentences holding candidate numbers are ever asked about."""

    def __init__(self, text: str, masked: str, sentences: list[tuple[int, int]]):
        self.text, self.masked, self.sentences = text, masked, sentences
        self._contribution: int | None = None
        self._scanned = 0
        self._names: re.Pattern[str] | None = None
        self._review: bool | None = None
        self._finding: bool | None = None

    def _own_name(self) -> re.Pattern[str]:
        if self._names is None:
            names = self._introduced_names()
            alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) or "(?!)"
            self._names = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        return self._names

    def _introduced_names(self) -> set[str]:
        """ "we present HOBBIT", "called GCL", "MARS, a novel ...", "FooServe is a ..."."""
        lex = lexicon()
        lowered = self.text.lower()
        names: set[str] = set()
        for verb in lex.own_name_verbs:  # str.find is far faster than a regex scan here
            at = lowered.find(verb)
            while at >= 0:
                found = lex.own_name_after_verb.match(self.text, at + len(verb))
                # "we present X", not "a recent work introduced BackSlash"
                if found and (at == 0 or not lowered[at - 1].isalpha()) \
                        and lex.own_subject.search(self.text, max(0, at - 40), at):
                    names.add(found.group("name"))
                at = lowered.find(verb, at + 1)
        for start, _ in self.sentences:
            found = lex.own_name_subject.match(self.text, start)
            if found:
                names.add(found.group("name"))
        return names

    def _contribution_before(self, index: int) -> bool:
        """Whether the first sentence that introduces this paper's contribution comes later."""
        contribution, text = folded(lexicon().contribution, self.text)
        while self._contribution is None and self._scanned < len(self.sentences):
            start, end = self.sentences[self._scanned]
            if contribution.search(text, start, end):
                self._contribution = self._scanned
            self._scanned += 1
        return self._contribution is not None and index < self._contribution

    def is_context(self, index: int) -> bool:
        lex = lexicon()
        start, end = self.sentences[index]
        own_work, text = folded(lex.own_work, self.text)
        if own_work.search(text, start, end) or self._own_name().search(self.text, start, end):
            return False
        if self._review is None:
            # every alternative of review_paper names a review or survey: most abstracts skip the scan
            self._review = may_contain(self.text, _REVIEW_WORDS) and lex.review_paper.search(self.text) is not None
        return (self._review or self._contribution_before(index)
                or lex.prior_work_subject.search(_without_fronted_comparator(self.text, start, end)) is not None
                or (not self._reports_findings(index) and self._states_problem(start, end)))

    def _reports_findings(self, index: int) -> bool:
        """In a measurement study ("we characterize ...", "our results reveal ..."), an effect stated
        after the contribution ("offloading leads to higher energy (up to 51%)") is a finding."""
        self._contribution_before(len(self.sentences))  # locate the first contribution sentence
        if self._contribution is None or index <= self._contribution:
            return False
        if self._finding is None:  # asked once per sentence with numbers; the answer is the abstract's
            self._finding = lexicon().finding.search(self.text) is not None
        return self._finding

    def _states_problem(self, start: int, end: int) -> bool:
        """A problem's effect ("can lead to 3x higher latency"), unless what follows the effect verb
        is a gain ("..., resulting in 32x memory savings" reports the method's own result)."""
        lex = lexicon()
        for match in lex.problem_effect.finditer(self.masked, start, end):
            if not lex.gain_after_effect.match(self.masked, match.end(), min(end, match.end() + 80)):
                return True
        return False


def may_contain(text: str, words: tuple[str, ...]) -> bool:
    """False only if no case-insensitive match can contain one of the lowercase ASCII `words`: a few
    substring tests instead of a regex tried at every position of the abstract. Only four non-ASCII
    characters fold to an ASCII letter under IGNORECASE; with any of them present, say True."""
    if not folds_nothing_to_ascii(text):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def _without_fronted_comparator(text: str, start: int, end: int) -> str:
    sentence = text[start:end]
    match = re.match(r"\s*(?:compared|relative|in\s+comparison)\b[^,]{0,120},\s*", sentence, re.I)
    return sentence[match.end():] if match else sentence
