"""Hardware products the catalog does not know, recognised by the shape of the phrase (LABELLING §3).

A new board, chip or phone is rarely written as a bare word: it carries a model number ("RK3566",
"Apollo4", "Gaudi 4") and a vendor before it ("Rockchip RK3566") or a hardware noun after it
("an RK3566 board", "the Apollo4 MCU", "a Pixel 9 phone"), or stands in parentheses after a generic
hardware term ("a microcontroller (STM32L476)"). Three shapes are accepted:

- vendor + model:   a known vendor word, then up to four name words of which one holds a digit;
- model + head:     a model token (a letter, then letters and a digit) before a hardware head noun;
- term (model):     a model token in parentheses right after a generic hardware term.

A model token is never a number with a unit ("28nm", "8-bit", "16GB"), a number format ("INT8",
"FP16") or a model/method/software name (the dataset gazetteer's block list: "Llama 3", "GPT-4").
Research accelerators named as methods are left to the class term (§3), so "accelerator" is no head
noun here. The class comes from the head noun, else from the vendor's usual class in the catalog.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from agent.engines.local.gazetteer import literal_starts, load_yaml
from agent.engines.local.hardware_context import CUE_WORDS, cued_class, sentence

@dataclass(frozen=True)
class Shape:
    start: int
    end: int  # after a consumed head noun
    name_end: int  # after the model name itself
    name: str
    hw_class: str
    weak: bool = False  # a list item without a model number: needs a known product in its list
    list_start: int = 0
    list_end: int = 0


# Head noun -> class; None: the vendor's usual class decides (a "processor" or "SoC" from a
# phone-chip vendor is a mobile part, from an MCU vendor an edge part).
_HEAD_CLASS = {
    "gpu": "gpu", "graphics card": "gpu", "fpga": "fpga", "fpga board": "fpga", "fpga card": "fpga",
    "board": None, "development board": None, "dev board": None, "devkit": None, "dev kit": None,
    "developer kit": None, "development kit": None, "evaluation board": None, "module": None, "som": None,
    "mcu": "edge", "microcontroller": "edge", "soc": None, "processor": None, "cpu": "cpu", "chip": None,
    "npu": "accelerator", "smartphone": "mobile", "phone": "mobile", "handset": "mobile", "tablet": "mobile",
    "supercomputer": "datacenter", "vpu": "accelerator", "dsp": "accelerator", "tpu": "tpu",
}
_BOARD_HEADS = {"board", "development board", "dev board", "devkit", "dev kit", "developer kit",
                "development kit", "evaluation board", "module", "som"}
_HEADS = "|".join(re.escape(h).replace(r"\ ", r"[\s-]+") for h in sorted(_HEAD_CLASS, key=len, reverse=True))
_HEAD_AFTER = re.compile(rf"[\s-]+(?P<head>{_HEADS})s?(?![A-Za-z0-9])", re.IGNORECASE)
# Found by plain substring search (much cheaper than a regex alternation over every position of the text),
# then checked: the last word of every head noun, and the words that may come before it.
_HEAD_WORDS = sorted({h.split()[-1] for h in _HEAD_CLASS})
_HEAD_WORD = re.compile(rf"(?P<head>{'|'.join(sorted(_HEAD_WORDS, key=len, reverse=True))})s?(?![A-Za-z0-9])",
                        re.IGNORECASE)
# what to search for: no word inside another ("phone" finds "smartphone"), no "chip" (see _head_led)
_HEAD_LITERALS = [w for w in _HEAD_WORDS if w != "chip" and not any(o != w and o in w for o in _HEAD_WORDS)]
_HEAD_PREFIXES = sorted({h.rsplit(" ", 1)[0] for h in _HEAD_CLASS if " " in h}, key=len, reverse=True)

# A name word: capitalised or alphanumeric, hyphen- or dot-joined parts allowed ("i.MX", "ESP32-S3").
_WORD = r"(?:[A-Z][A-Za-z0-9]*(?:[.\-+][A-Za-z0-9]+)*\+?|[a-z]{1,2}[.\-]?[A-Z][A-Za-z0-9]*|\d+[A-Za-z]*\+?)"
_HAS_DIGIT = re.compile(r"\d")
_MODEL_TOKEN = re.compile(r"(?<![\w.\-])(?:[A-Z][a-z]{2,} \d{1,4}[A-Za-z]{0,2}|(?=[A-Za-z][\w.+\-]*\d)[A-Za-z][A-Za-z0-9]*"
                          r"(?:[.\-+][A-Za-z0-9]+)*\+?)(?![\w-])")
# Words that name a variant of a model and belong to its name after the number ("Snapdragon 8 Elite").
_VARIANT = re.compile(r"(?:[ \-](?:Pro|Max|Ultra|Plus|Elite|Mini|mini|Nano|Lite|Super|XL|SE|NX|AGX|Edge|Blue|"
                      r"Gen ?\d+|Turbo|HX|[A-Z]\d{0,2}))+(?![\w-])")
_PREFIX_ALTERNATION = "|".join(p.replace(" ", r"[\s-]+") for p in _HEAD_PREFIXES)
_MODEL_BEFORE = re.compile(rf"(?P<model>{_MODEL_TOKEN.pattern})(?P<variant>{_VARIANT.pattern})?[\s-]+"
                           rf"(?:(?P<prefix>(?i:{_PREFIX_ALTERNATION}))[\s-]+)?$")
# A named machine needs no model number before "supercomputer" ("the Alps supercomputer").
_MACHINE_NAME = re.compile(r"(?<![\w-])(?<![.!?] )([A-Z][A-Za-z]+(?:[ \-][A-Z0-9][A-Za-z0-9]*)?)[ \-]supercomputer",
                           )
# Quantities and number formats written like model numbers.
_NOT_MODEL = re.compile(r"(?i:\d[\d.]*\s?[-]?(?:nm|bits?|b|gb|mb|kb|tb|ghz|mhz|khz|w|mw|v|mm|cores?|x|d|k|"
                        r"threads?|nodes?|gpus?|st|nd|rd|th|ways?|layers?)|(?:u?int|fp|bf|mx|nf|tf|e\d?m)\d+)")
# "MCUs (A, B)", "MCUs: A, B", "MCUs, such as A, B"
_APPOSITION = re.compile(r"\s*\(\s*(?:(?:e\.g\.|i\.e\.|such as|like|namely)[,:]?\s*)?|\s*:\s*|,?\s+such\s+as\s+")
# In apposition a model number may start with its digits: "CPU (6226R)", "GPU (4090)"; not a year.
_APPOSED_NUMBER = re.compile(r"(?<![\w.\-])(?!(?:19|20)\d\d(?![\w-]))\d{3,5}[A-Za-z]{0,3}(?![\w-])")
_NAME_WORDS = re.compile(rf"{_WORD}(?: {_WORD}){{1,3}}")
_GENERIC_TERM_BEFORE = re.compile(
    r"(?:gpus?|fpgas?|boards?|mcus?|microcontrollers?|smartphones?|phones?|socs?|processors?|cpus?|"
    r"devices?|platforms?|npus?|chips?)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _vendors() -> tuple[re.Pattern[str], dict[str, str], dict[str, str]]:
    """The vendor matcher, spelling -> display name, display name -> the vendor's usual class."""
    data = load_yaml("hardware.yaml")
    spellings = {s: display for display, written in data["vendors"].items() for s in written}
    usual: dict[str, Counter[str]] = {}
    for group in data["product_groups"]:
        for canonical, spec in group["products"].items():
            aliases = spec.get("aliases", []) if isinstance(spec, dict) else spec or []
            # a product of a vendor-less group counts for the vendor written in its aliases ("Rockchip RK3588")
            vendors = {group["vendor"]} if group.get("vendor") else {
                spellings[w] for a in [canonical, *aliases] for w in str(a).lstrip("~=").split()[:1] if w in spellings}
            for vendor in vendors:
                usual.setdefault(vendor, Counter())[group["class"]] += 1
    words = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    matcher = re.compile(rf"(?<![\w-])(?P<vendor>{words})(?:['’]s)?[ \-]+(?=[A-Za-z0-9])")
    return matcher, spellings, {**data.get("vendor_classes", {}), **{v: c.most_common(1)[0][0] for v, c in usual.items()}}


# Vendors are found among the capitalised words (a set lookup each), cheaper than any search for them.
_CAPITALISED = re.compile(r"[A-Z][A-Za-z]*")


@lru_cache(maxsize=1)
def _vendor_first_words() -> frozenset[str]:
    return frozenset(_CAPITALISED.match(spelling).group() for spelling in _vendors()[1]
                     if _CAPITALISED.match(spelling))


@lru_cache(maxsize=1)
def _vendor_first_word_runs() -> re.Pattern[str]:
    """A whole capitalised run that is a vendor's first word (the regex engine skips to capitals)."""
    words = "|".join(re.escape(w) for w in sorted(_vendor_first_words(), key=len, reverse=True))
    return re.compile(rf"(?:{words})(?![A-Za-z])")


def _capitalised_runs_in(text: str, pattern: re.Pattern[str]):
    """The matches of `pattern` that are whole runs of _CAPITALISED.finditer(text) (the same words the
    loop over every capitalised run would test): a capital starts a run unless a capital comes before
    it in the same unbroken stretch of ASCII letters ("McDonald" is one run)."""
    for match in pattern.finditer(text):
        i = match.start() - 1
        while i >= 0 and text[i].isascii() and text[i].isalpha() and not text[i].isupper():
            i -= 1
        if i < 0 or not (text[i].isascii() and text[i].isalpha()):
            yield match


@lru_cache(maxsize=1)
def _vendor_before() -> re.Pattern[str]:
    words = "|".join(re.escape(s) for s in sorted(_vendors()[1], key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?P<vendor>{words})(?:['’]s)?[ \-]+$")


# Vendors that also name language models and cloud services: their name + version is hardware only
# with a hardware noun after it ("Google Tensor G4 chip"), not alone ("Google Gemma 2").
_MODEL_MAKERS = {"Google", "Meta", "Microsoft", "Alibaba", "Baidu", "Amazon", "AWS", "Tesla"}


def blocked_name(name: str) -> bool:
    from agent.engines.local.dataset_rules import dataset_gazetteer  # the model/software block list
    blocked, vendors = dataset_gazetteer().blocked, _vendors()[1]
    words = name.split()
    if words and words[0] in vendors:  # a company is on the block list; its product is not
        words = words[1:]
    return any(blocked.fullmatch(w) for w in _words_and_prefixes(" ".join(words)))


def _words_and_prefixes(name: str) -> list[str]:
    words = name.split()
    return [" ".join(words[:i]) for i in range(1, len(words) + 1)] + words


# Capitalised words that number parts of a paper or a scheme, not products ("Table 3", "Stage 2").
_NUMBERED_WORDS = re.compile(r"(?:Table|Tables|Figure|Fig|Section|Sec|Eq|Equation|Algorithm|Appendix|Step|Stage|Level|"
                             r"Layer|Version|Phase|Chapter|Type|Class|Tier|Round|Case|Option|Setting|Model)\b")


def _is_model(token: str) -> bool:
    return (bool(_HAS_DIGIT.search(token)) and not _NOT_MODEL.fullmatch(token)
            and not _NUMBERED_WORDS.match(token))


def class_for(head: str | None, vendor: str | None, context: str = "") -> str:
    """The head noun decides when it names a class; else the words of the sentence; else the vendor's
    usual class in the catalog; else what a board, processor or chip usually is."""
    usual = _vendors()[2].get(vendor or "")
    key = re.sub(r"[\s-]+", " ", head.casefold()) if head else None
    if key is not None and _HEAD_CLASS.get(key):
        return _HEAD_CLASS[key]
    if key in _BOARD_HEADS:
        return "fpga" if usual == "fpga" or cued_class(context) == "fpga" else "edge"
    cued = cued_class(context, usual)
    if cued:
        return cued
    if usual:
        return usual
    if key == "processor":
        return "cpu"
    return "edge" if key in ("soc", "chip") else "accelerator"


def _name(vendor: str | None, model: str) -> str:
    model = " ".join(model.split())
    if vendor == "NVIDIA":
        model = re.sub(r"^(?:Tesla|GeForce|Geforce)\s+", "", model)
    return f"{vendor} {model}" if vendor else model


class _Known:
    """Spans of products the catalog found: a shape inside one of them adds nothing, so it is skipped
    before the costlier checks."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][0] <= start and end <= self.spans[i][1]


def shape_products(text: str, lowered: str | None = None, known: list[tuple[int, int]] = ()) -> list[Shape]:
    """Product mentions found by shape, in text order, not overlapping. `lowered`: the text in lower
    case, same length (the caller's, if it has one); `known`: spans of catalog products."""
    lowered = text.lower() if lowered is None else lowered
    covered = _Known(list(known))
    found: list[Shape] = []
    found += _vendor_led(text, lowered, covered)
    found += _head_led(text, lowered, covered)
    found += _in_apposition(text)
    if "upercomputer" in text:
        found += [Shape(m.start(1), m.end(), m.end(1), m.group(1), "datacenter")
                  for m in _MACHINE_NAME.finditer(text) if not blocked_name(m.group(1))]
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Shape] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


_WORD_RE = re.compile(_WORD)
_WORD_GAP = re.compile(r"[ \-](?=[A-Za-z0-9])")


# Words that make a vendor's name + number a software release, not a device.
_SOFTWARE_WORD = re.compile(r"SDK|API|Toolkit|Library|Compiler|Runtime|Framework|Studio|Suite|Direct|Engine|Driver")
_VERSION_OR_YEAR = re.compile(r"\.\d|(?<![\d])(?:19|20)\d\d(?!\d)")
_ON_BEFORE = re.compile(r"\b(?:on|onto|across|over)\s+(?:(?:the|a|an|one|two|four|eight|\d+)\s+)?(?:[x×]\s*)?$",
                        re.IGNORECASE)


def _numbered_product(text: str, start: int, model_end: int) -> bool:
    """A vendor name whose model is a bare number ("Intel Gaudi 4") is a device when something says so:
    the text runs on it ("on Intel Gaudi 4") or its sentence speaks of hardware; a dotted version or a
    year after it marks a software release."""
    if _VERSION_OR_YEAR.match(text, model_end) or _VERSION_OR_YEAR.search(text[start:model_end]):
        return False
    if _ON_BEFORE.search(text, max(0, start - 24), start):
        return True
    context = sentence(text, start, model_end)
    return any(CUE_WORDS[cls].search(context) for cls in ("edge", "mobile", "fpga", "accelerator", "gpu", "cpu"))


def _vendor_led(text: str, lowered: str, covered: _Known) -> list[Shape]:
    matcher, spellings, _ = _vendors()
    out = []
    end_of_last = 0
    for word in _capitalised_runs_in(text, _vendor_first_word_runs()):
        i = word.start()
        lead = matcher.match(text, i) if i >= end_of_last else None
        if lead is None:
            continue
        end_of_last = lead.end()
        # The name runs to its last word with a digit: "Rockchip RK3566", "Intel Gaudi 4".
        pos, model_end, numbers_only = lead.end(), None, True
        for _ in range(5):
            word = _WORD_RE.match(text, pos)
            if word is None or _GENERIC_TERM_BEFORE.fullmatch(word.group()) or _SOFTWARE_WORD.fullmatch(word.group()):
                break
            if _is_model(word.group()):
                model_end, numbers_only = word.end(), numbers_only and word.group().isdigit()
            gap = _WORD_GAP.match(text, word.end())
            if gap is None:
                break
            pos = gap.end()
        if model_end is None:
            continue
        variant = _VARIANT.match(text, model_end)
        model_end = variant.end() if variant else model_end
        model = text[lead.end():model_end]
        if covered.covers(lead.start(), model_end) or not re.search(r"[A-Za-z]", model) or text.startswith(":", model_end):
            continue  # "NVIDIA 2:4 sparsity": a number alone is no model name
        vendor = spellings[lead.group("vendor")]
        head = _HEAD_AFTER.match(text, model_end)
        if blocked_name(model) or (vendor in _MODEL_MAKERS and head is None):
            continue
        if numbers_only and head is None and not _numbered_product(text, lead.start(), model_end):
            continue  # "AMD ROCm 6.0", "Intel MKL 2019", "NVIDIA NeMo 2": a release of a software product
        end = head.end() if head else model_end
        out.append(Shape(lead.start(), end, model_end, _name(vendor, model),
                         class_for(head and head.group("head"), vendor, sentence(text, lead.start(), end))))
    return out


def _head_led(text: str, lowered: str, covered: _Known) -> list[Shape]:
    """Found from the head noun backwards: heads are few, word-shaped tokens many."""
    out = []
    seen = set()
    for i in literal_starts(lowered, _HEAD_LITERALS):
        while i > 0 and text[i - 1].isalpha():  # "phone" found in "smartphone"
            i -= 1
        if i in seen or i == 0 or text[i - 1] not in " -" or (head := _HEAD_WORD.match(text, i)) is None:
            continue
        seen.add(i)
        # a model token holds a digit: without one in the window there is nothing to search for
        before = _MODEL_BEFORE.search(text, max(0, i - 64), i) if _HAS_DIGIT.search(text, max(0, i - 64), i) else None
        if before is None or covered.covers(before.start(), head.end()):
            continue
        word = head.group("head").casefold()
        key = f"{before.group('prefix').casefold()} {word}" if before.group("prefix") else word
        if word == "chip" or not _is_model(before.group("model")) or blocked_name(before.group("model")):
            continue  # a research chip named as a method is recorded only by its class term
        start = _name_start(text, before.start())
        model = text[start:before.end("variant") if before.group("variant") else before.end("model")]
        vendor_match = _vendor_before().search(text, max(0, start - 30), start)
        vendor = _vendors()[1][vendor_match.group("vendor")] if vendor_match else None
        start = vendor_match.start() if vendor_match else start
        if blocked_name(model):
            continue
        name_end = before.end("variant") if before.group("variant") else before.end("model")
        out.append(Shape(start, head.end(), name_end, _name(vendor, model),
                         class_for(key, vendor, sentence(text, start, head.end()))))
    return out


_FAMILY_WORD_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+[A-Z]?[a-z]*|[A-Z]{2,5})\s+$")


def _name_start(text: str, start: int) -> int:
    """'the Apollo4 Blue', 'Kria K26': one capitalised family word before the model token belongs to it,
    unless it starts the sentence or is a generic word written with a capital."""
    before = _FAMILY_WORD_BEFORE.search(text, max(0, start - 20), start)
    if before is None or re.search(r"(?:^|[.!?]\s+)$", text[:before.start()]):
        return start
    word = before.group(1)
    if _GENERIC_TERM_BEFORE.fullmatch(word) or word.lower() in _HEAD_CLASS or blocked_name(word):
        return start
    return before.start()


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)")
_ITEM_END = re.compile(r"\s*(?:[,;)/]|and\b|or\b)")


_OPENING = re.compile(r"[(:]")
_SUCH_AS = re.compile(r",?\s+such\s+as\s")
_TERM_BEFORE = re.compile(r"(?<![\w-])(?P<head>" + _HEADS + r")s?\s*$", re.IGNORECASE)


_HEAD_WORD_SET = frozenset(_HEAD_WORDS)


def _ends_with_head_word(text: str, pos: int) -> bool:
    words = text[max(0, pos - 20):pos].split()
    last = words[-1].lower().rstrip(":") if words else ""
    return last in _HEAD_WORD_SET or last[:-1] in _HEAD_WORD_SET


def _in_apposition(text: str) -> list[Shape]:
    """'two MCUs (QX3302 and ZR-9)', 'four SoCs: A, B, C': products listed after a generic hardware
    term. An item without a model number ("Asus Tinker Edge R") is weak: see Shape.weak."""
    out = []
    openings = list(_OPENING.finditer(text))
    if "such as" in text:  # "MCUs, such as A, B": searched only where written (a literal is cheap)
        openings = sorted(openings + list(_SUCH_AS.finditer(text)), key=lambda m: m.start())
    for opening_mark in openings:
        if not _ends_with_head_word(text, opening_mark.start()):
            continue  # a cheap test first: most parentheses follow no hardware term
        term = _TERM_BEFORE.search(text, max(0, opening_mark.start() - 40), opening_mark.start())
        if term is None:
            continue
        opening = _APPOSITION.match(text, term.end())
        pos = opening.end() if opening else term.end()
        hw_class = class_for(term.group("head"), None, sentence(text, term.start(), term.end()))
        items: list[Shape] = []
        while (token := _list_item(text, pos)) is not None:
            if blocked_name(token.group()) or not _ITEM_END.match(text, token.end()):
                break
            weak = not _is_model(token.group())
            items.append(Shape(token.start(), token.end(), token.end(), token.group(), hw_class, weak))
            gap = _LIST_GAP.match(text, token.end())
            if gap is None or gap.end() == token.end():
                break
            pos = gap.end()
        end = items[-1].end if items else pos
        out += [Shape(s.start, s.end, s.name_end, s.name, s.hw_class, s.weak, term.start(), end) for s in items]
    return out


_TERM_THEN_OPENING = re.compile(r"(?<![\w-])(?:" + _HEADS + r")s?\s*(?:\(\s*(?:(?:e\.g\.|i\.e\.|such as|like|"
                                r"namely)[,:]?\s*)?|:\s*)$", re.IGNORECASE)


def after_generic_term(text: str, pos: int) -> bool:
    """'the DSP (Hexagon)', 'GPUs: Ampere': a name right after a generic hardware term and its opening."""
    return _TERM_THEN_OPENING.search(text, max(0, pos - 40), pos) is not None


def _list_item(text: str, pos: int) -> re.Match[str] | None:
    model = _MODEL_TOKEN.match(text, pos) or _APPOSED_NUMBER.match(text, pos)
    if model is not None and _is_model(model.group()):
        phrase = _NAME_WORDS.match(text, pos)  # "Raspberry Pi 4": the whole name, not its first word
        return phrase if phrase and phrase.end() > model.end() and _is_model(phrase.group()) else model
    return _NAME_WORDS.match(text, pos)
