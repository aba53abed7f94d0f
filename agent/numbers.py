"""Numeric mentions in abstract text, with the exact surface form and span they were written in.

Shared by the rule-based extractor (which needs spans and units) and by grounding (which needs to
know that "5,000x", "$10^4\\times$" or "an order of magnitude" carry the values 5000, 10000, 10).
Only two units matter for efficiency claims: ratio ("x") and percent ("%"); every other number is
reported with unit None so callers can still see it (absolute figures, identifiers, enumerators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

Unit = Literal["x", "%"]

_WORD_VALUES = {
    "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
}

# A ratio sign must not be followed by another number: "512x512", "1248times1248" and
# "2$\times$2" are dimensions, not ratios.
_NOT_DIMENSION = r"(?!\s*\$?\s*\{?\d)"
# Every spelling of the sign seen in abstracts: LaTeX (\times, {\times}, \mathbf{\times}, \text{x},
# \texttimes), Unicode (× ⨉ ⨯ ✕ ✖, also followed by its own LaTeX source, "1300×\times", as scraped
# pages render it twice), a letter x, and the word "times".
_RATIO_SIGN = (r"(?:\\(?:math(?:bf|rm|it)|boldsymbol|bm|text(?:bf|rm)?)\s*\{\s*(?:\\times|[x×])\s*\}|\{?\\times\}?"
               r"|\\texttimes(?:\{\})?|\\text\{\s*[x×]\s*\}|[×⨉⨯✕✖](?:\s?\{?\\times\}?)?"
               r"|[xX](?![A-Za-z0-9])|-?\s?times(?![A-Za-z]))")
# Inline math opens with "$" or "\(" and closes with "$" or "\)": "2$\times$", "2\(\times\)", "5\(\%\)".
_MATH_OPEN, _MATH_CLOSE = r"(?:\$\s*|\\\(\s*)?", r"(?:\s*(?:\$|\\\)))?"
_UNIT = (
    r"(?P<ratio>\s?(?:\\[,;!]\s?|~)?(?:\}\s*)?" + _MATH_OPEN + _RATIO_SIGN + _MATH_CLOSE + _NOT_DIMENSION + r")"
    r"|(?P<fold>[\s-]?fold\b)"
    # "the 95%ile latency" is a percentile rank, not a percent
    r"|(?P<pct>\s?(?:\\[,;!]\s?|~)?(?:\}\s*)?" + _MATH_OPEN + r"\\?%(?!-?iles?\b)" + _MATH_CLOSE
    + r"|\s(?:percent|per\s+cent)\b)"
)
_NUMERAL = (
    r"(?P<power>10\s*(?:\$\s*)?\^\s*\{?\s*(?P<exp>\d{1,3})\s*\}?)"
    r"|(?P<thousands>\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?!\d)"
    # A comma followed by one or two digits is a decimal-comma typo ("1,4x"), but only trust it
    # when a unit follows; otherwise "in 2019,20 papers" would turn into 2019.2.
    r"|(?P<deccomma>\d+,\d{1,2})(?=\s?(?:\\times|[×⨉⨯✕✖]|[xX](?![A-Za-z0-9])|\\?%))"
    r"|(?P<plain>\d+(?:\.\d+)?)"
)
_WORD_RE = re.compile(
    r"(?P<mag>\b(?P<magcount>an|one|a\s+single|two|three|four|five)\s+orders?[\s-]+of[\s-]+magnitudes?\b)"
    r"|(?P<word>\b(?P<wordnum>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|hundred)(?:[\s-]?fold\b|\s+times\b(?!\s*\d)))"
    # "reduced by a factor of four": the word is the ratio (LABELLING §1.1 "by a factor of N"); not
    # "a factor of two hundred" (a compound number is not read) nor "factor of two-thirds"
    r"|\bfactor\s+of\s+(?:about\s+|approximately\s+|around\s+|roughly\s+|nearly\s+|almost\s+|over\s+"
    r"|up\s+to\s+|at\s+least\s+|more\s+than\s+)?(?P<factornum>two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand)\b(?![\s-]+(?:hundred|thousand|thirds?"
    r"|quarters?|halves|percent)\b|-)",
    re.IGNORECASE,
)
# Starts with a digit so the regex engine can skip ahead; what may precede a number is checked
# in Python (`_standalone`), which is much faster than a lookbehind tried at every position.
_DIGIT_RE = re.compile(r"[0-9]")
# "10+%" and "3+x" read as the number with its unit (a lower bound; the qualifier is the extractor's call).
_AT_LEAST_SIGN = r"\+?"
_NUMBER_RE = re.compile(r"(?:" + _NUMERAL + r")(?:" + _AT_LEAST_SIGN + r"(?:" + _UNIT + r"))?", re.IGNORECASE)
_MENTION_RE = re.compile(_WORD_RE.pattern + r"|(?:" + _NUMERAL + r")(?:" + _AT_LEAST_SIGN + r"(?:" + _UNIT + r"))?",
                         re.IGNORECASE)
_FACTOR_BEFORE_RE = re.compile(
    r"\bfactor\s+of\s+(?:about\s+|approximately\s+|around\s+|roughly\s+|nearly\s+|almost\s+|over\s+"
    r"|up\s+to\s+|at\s+least\s+|more\s+than\s+)?\$?\s*$",
    re.IGNORECASE,
)
_RANGE_SEP_RE = re.compile(
    r"\s*(?:-{1,2}|–|—|~|∼|(?:\$\s*)?\\sim\s*(?:\$\s*)?|to|\\text\{\s*-+\s*\})\s*\$?\s*", re.IGNORECASE
)
_RANGE_WORD_RE = re.compile(r"\brang(?:e|es|ed|ing)\s+(?:from\s+|between\s+)?$", re.IGNORECASE)
_FROM_RE = re.compile(r"\bfrom\s+(?:\$\s*)?$", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"\bbetween\s+(?:\$\s*)?$", re.IGNORECASE)
_AND_SEP_RE = re.compile(r"\s*(?:\$\s*)?and\s+(?:\$\s*)?", re.IGNORECASE)
_TO_RE = re.compile(r"\bto\s+(?:\$\s*)?$", re.IGNORECASE)
# A list of numbers that writes its unit once, after the last one: "by 2.35 and 2.26 times",
# "1.9, 2.4 and 3.1x". The bare members must be decimals or follow a claim word, so that
# "at batch size 1 and 1.2x" keeps its configuration number bare.
_LIST_SEP_RE = re.compile(r"[\s$]*(?:,[\s$]*(?:(?:and|or)\s+)?|\s(?:and|or)\s)[\s$]*", re.IGNORECASE)
_LIST_LEAD_RE = re.compile(
    r"\b(?:by|of|to|up\s+to|over|about|around|achiev\w*|deliver\w*|yield\w*|offer\w*|obtain\w*)[\s$]*$",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number as written: `text[start:end]` is the whole surface form, unit sign included."""

    value: float
    unit: Unit | None
    start: int
    end: int
    num_end: int  # end of the numeral itself, before any unit sign
    kind: str = "number"  # number | power | magnitude | word | factor

    def surface(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass(frozen=True, slots=True)
class RangeMention:
    """Two endpoints written as one range ("1.2-3.4x", "26%$\\sim $41%", "range from A to B").

    kind "from_to" marks a percent pair written as "from A% to B%": two levels, not a range of
    ratios, so it carries no ratio at all.
    """

    low: NumberMention
    high: NumberMention
    kind: str = "range"

    @property
    def start(self) -> int:
        return self.low.start

    @property
    def end(self) -> int:
        return self.high.end


def parse_number(surface: str) -> float | None:
    """The value of the first number written in `surface`: "5,000x" -> 5000, "1,4x" -> 1.4,
    "$10^{4}\\times$" -> 10000, "an order of magnitude" -> 10."""
    match = _MENTION_RE.search(surface)
    if match is None:
        return None
    return _value_of(match)


def _value_of(match: re.Match[str]) -> float:
    return _value_from(match.groupdict())


def _value_from(groups: dict[str, str | None]) -> float:
    if groups.get("mag"):
        count = _WORD_VALUES[groups["magcount"].lower().split()[-1]]  # type: ignore[union-attr]
        return float(10 ** count)
    if groups.get("word"):
        return float(_WORD_VALUES[groups["wordnum"].lower()])  # type: ignore[union-attr]
    if groups.get("factornum"):
        return float(_WORD_VALUES[groups["factornum"].lower()])
    if groups["power"]:
        return float(10 ** int(groups["exp"]))  # type: ignore[arg-type]
    if groups["thousands"]:
        return float(groups["thousands"].replace(",", ""))
    if groups["deccomma"]:
        return float(groups["deccomma"].replace(",", "."))
    return float(groups["plain"])  # type: ignore[arg-type]


def _mention_of(text: str, match: re.Match[str]) -> NumberMention:
    groups = match.groupdict()
    value = _value_from(groups)
    start, end = match.span()
    if groups.get("mag"):
        return NumberMention(value, "x", start, end, end, "magnitude")
    if groups.get("word"):
        return NumberMention(value, "x", start, end, end, "word")
    if groups.get("factornum"):  # the mention is the number word, as for "a factor of 4"
        return NumberMention(value, "x", match.start("factornum"), end, end, "factor")
    num_end = match.end("power") if groups["power"] else start + len(
        groups["thousands"] or groups["deccomma"] or groups["plain"] or "")
    if groups["ratio"] or groups["fold"]:
        return NumberMention(value, "x", start, end, num_end, "power" if groups["power"] else "number")
    if groups["pct"]:
        return NumberMention(value, "%", start, end, num_end, "power" if groups["power"] else "number")
    if _FACTOR_BEFORE_RE.search(text, max(0, start - 60), start):
        return NumberMention(value, "x", start, num_end, num_end, "factor")
    return NumberMention(value, None, start, num_end, num_end, "power" if groups["power"] else "number")


def find_numbers(text: str) -> list[NumberMention]:
    """Every numeric mention, in text order; numbers without a ratio/percent unit have unit None.

    A number glued to a word ("V100", "W4A8", "ResNet-101", "Stage-1", "A^3") is an identifier
    and is not reported.
    """
    found: list[NumberMention] = []
    covered = 0
    # Scanning for single digits and matching the full pattern only where a digit run starts is
    # several times faster than letting the big pattern scan (this runs on every abstract).
    for digit in _DIGIT_RE.finditer(text):
        start = digit.start()
        if start < covered or (start and text[start - 1].isdigit()):
            continue
        match = _NUMBER_RE.match(text, start)
        if match is None:
            continue
        covered = match.end()
        if _standalone(text, start):
            found.append(_mention_of(text, match))
    words = _word_mentions(text)
    if words:
        found = sorted(found + words, key=lambda n: n.start)
    return found


def _word_mentions(text: str) -> list[NumberMention]:
    """ "an order of magnitude", "threefold", "ten times": only looked for near their keywords."""
    lowered = text.lower()
    starts: dict[int, NumberMention] = {}
    for keyword, before, after in (("magnitude", 40, 12), ("fold", 12, 5), ("times", 10, 6), ("factor", 0, 40)):
        at = lowered.find(keyword)
        while at >= 0:
            for m in _WORD_RE.finditer(text, max(0, at - before), min(len(text), at + len(keyword) + after)):
                mention = starts.setdefault(m.start(), _mention_of(text, m))
                if mention.kind == "word":
                    low = _word_range_low(text, mention)
                    if low is not None:
                        starts.setdefault(low.start, low)
            at = lowered.find(keyword, at + 1)
    return list(starts.values())


# "three to five times", "two- to four-fold": a bare number word before a word ratio is the low end of a
# range (LABELLING: a range gives two items); the mention takes the hyphen so that only "to" separates.
# Read with string tests: a pattern compiled for this would cost more than it reads (claims speed).
_LOW_WORDS = frozenset(_WORD_VALUES) - {"an", "one", "single", "hundred", "thousand"}


def _word_range_low(text: str, high: NumberMention) -> NumberMention | None:
    """The bare low end of a number-word range whose high end is `high`; `None` when there is none."""
    window = max(0, high.start - 16)
    head = text[window:high.start].rstrip()
    if head.endswith("to") and (len(head) == 2 or not head[-3].isalnum()):
        body, hyphen = head[:-2].rstrip(), True
    elif head.endswith(("-", "–")):
        body, hyphen = head[:-1].rstrip(), False
    else:
        return None
    end = len(body)
    if hyphen and body.endswith("-"):
        body = body[:-1]
    word = body.rsplit(None, 1)[-1] if body else ""
    value = _WORD_VALUES.get(word.lower()) if word.lower() in _LOW_WORDS else None
    if value is None or value >= high.value or len(word) == len(body) and window > 0:
        return None
    start = window + len(body) - len(word)
    return NumberMention(float(value), None, start, window + end, window + end, "word")


def _standalone(text: str, start: int) -> bool:
    if start == 0:
        return True
    before = text[start - 1]
    if before.isalnum() or before in "_.^\\":
        return False
    return not (before == "-" and start >= 2 and text[start - 2].isalpha() and text[start - 2] not in "xX")


def share_list_units(text: str, numbers: list[NumberMention]) -> list[NumberMention]:
    """Bare members of a number list take the unit written once after the list's last member."""
    out = list(numbers)
    for i in range(len(out) - 2, -1, -1):
        bare, nxt = out[i], out[i + 1]
        if bare.unit is not None or bare.kind != "number" or nxt.unit is None or nxt.kind == "magnitude":
            continue
        if not _LIST_SEP_RE.fullmatch(text, bare.end, nxt.start) or _BETWEEN_RE.search(text, max(0, bare.start - 12), bare.start):
            continue
        if "." not in text[bare.start:bare.num_end] and not _LIST_LEAD_RE.search(text, max(0, bare.start - 20), bare.start):
            continue
        out[i] = replace(bare, unit=nxt.unit)
    return out


def find_ranges(text: str, numbers: list[NumberMention] | None = None) -> list[RangeMention]:
    """Adjacent pairs of mentions that form one range (the high end must carry the unit)."""
    numbers = find_numbers(text) if numbers is None else numbers
    ranges: list[RangeMention] = []
    i = 0
    while i < len(numbers) - 1:
        found = _range_at(text, numbers, i)
        if found is None:
            i += 1
            continue
        ranges.append(found)
        i = numbers.index(found.high, i + 1) + 1
    return ranges


def _range_at(text: str, numbers: list[NumberMention], i: int) -> RangeMention | None:
    low, high = numbers[i], numbers[i + 1]
    if high.unit is None or low.unit not in (None, high.unit) or low.kind == "magnitude":
        return None
    if low.unit is None and text[low.end:low.end + 1].isalpha():
        return None  # "128K-token", "8GB" are sizes, not range ends
    before = text[max(0, low.start - 40):low.start]
    between = text[low.end:high.start]
    ranged = _RANGE_WORD_RE.search(before) is not None
    if _RANGE_SEP_RE.fullmatch(between) or (_BETWEEN_RE.search(before) and _AND_SEP_RE.fullmatch(between)):
        is_to = between.strip(" $").lower() == "to"
        if is_to and _FROM_RE.search(before) and high.unit == "%" and not ranged:
            return RangeMention(_with_unit(low, high.unit), high, "from_to")
        if low.value > high.value:
            return None
        return RangeMention(_with_unit(low, high.unit), high)
    if ranged:
        return _spread_range(text, numbers, i)
    return None


def _spread_range(text: str, numbers: list[NumberMention], i: int) -> RangeMention | None:
    """ "range from 4.83% with layer-wise sampling to 44.92% with ...": the ends may be far apart."""
    low = numbers[i]
    for high in numbers[i + 1:i + 4]:
        if high.start - low.end > 160:
            return None
        if high.unit == low.unit and _TO_RE.search(text, low.end, high.start):
            return RangeMention(low, high)
    return None


def _with_unit(mention: NumberMention, unit: Unit | None) -> NumberMention:
    return mention if mention.unit == unit else replace(mention, unit=unit)


def quantity_mentions(text: str) -> list[NumberMention]:
    """Mentions with a ratio or percent unit; a bare range end takes the unit of its range."""
    numbers = share_list_units(text, find_numbers(text))
    lows = {r.low.start: r.low for r in find_ranges(text, numbers)}
    resolved = [lows.get(n.start, n) for n in numbers]
    return [n for n in resolved if n.unit is not None]


def same_value(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) or a == b
