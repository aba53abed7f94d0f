"""Text basics shared by every layer: the one sentence splitter for abstracts, the one stopword list
and stemmer (search terms, question terms), and the cleaning of untrusted text (control, invisible and
bidi-control characters) for storing and for display.

The TL;DR, topic tagger and QA answers cut abstracts into sentences here. Two places keep their own,
purpose-built boundaries on purpose: `store/chunking.py` (chunk boundaries; changing them re-embeds
the index) and `agent/engines/local/speedup_segments.py` (character spans for evidence offsets).
"""

from __future__ import annotations

import re

_ABBREV = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Figs.", "Eq.", "Sec.",
           "approx.", "resp.", "w.r.t.", "a.k.a.", "No.", "Dr.", "Inc.")
# A sentence ends at .!? + space + an opening character (including names like "vTensor"), or at
# a glued "9 FPS.Existing" that the seed pages contain.
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[$A-Z0-9]|[a-z]+[A-Z])|(?<=[A-Za-z]{2}[.!?])(?=[A-Z][a-z])")


def split_sentences(text: str) -> list[str]:
    """Split an abstract into sentences, protecting abbreviations like "e.g." and "et al."."""
    used = [(i, abbr) for i, abbr in enumerate(_ABBREV) if abbr in text]
    for i, abbr in used:
        text = text.replace(abbr, f"\x00{i}\x00")
    out = []
    for part in _SPLIT.split(text):
        if part and part.strip():
            for i, abbr in used:
                part = part.replace(f"\x00{i}\x00", abbr)
            out.append(part.strip())
    return out


# C0/C1 control characters (but not tab/newline) and lone UTF-16 surrogates: never meaningful in a
# paper record, and a lone surrogate cannot even be written to SQLite as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    return _CONTROL.sub(" ", text)


def clean_line(text: str) -> str:
    """One line of display text: controls removed, runs of whitespace collapsed."""
    return " ".join(strip_controls(text).split())


# Bidirectional overrides/isolates and zero-width characters: invisible, and able to make a title
# display as something else (or hide text in a terminal, a CSV cell or a BibTeX entry).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e]")


def visible_text(text: str | None) -> str:
    """Text safe to print or export: controls and invisible/bidi-control characters removed."""
    return " ".join(_INVISIBLE.sub("", strip_controls(text or "")).split())


def drop_invisible(text: str) -> str:
    """Zero-width, byte-order-mark and bidi-control characters removed; spacing and everything else
    kept (an abstract stays the text its evidence spans are quoted from)."""
    return _INVISIBLE.sub("", text)


# The words that introduce what a claim is compared with ("than X", "compared with X", "outperforms X"):
# a hardware name after one is a baseline, not the platform a paper runs on. One alternation for the
# store's hardware filter (store/hardware_mentions.py) and set answers (agent/qa/hardware_use.py).
COMPARATOR_CUES = (r"than|over|against|versus|vs\.?|compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|relative\s+to|"
                   r"outperform\w*|surpass\w*|compare[sd]?\s+(?:[\w-]+\s+){0,4}?(?:with|to|against)")


# Function words, plus the boilerplate every abstract uses ("we propose a novel approach") that says
# nothing about its topic. BM25 terms and the question router's content words both drop these; the
# router adds the words that frame a question ("tell me", "list") in agent/qa/text.py.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each either etc few for from further
had has have having he her here hers him his how i if in into is it its itself just may me might more
most much must my no nor not of off on once one ones only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through to too
under until up upon us very via was we were what when where whether which while who whom whose why
will with within without would you your yours
paper papers work works study studies approach approaches method methods technique techniques
framework frameworks system systems propose proposes proposed present presents presented introduce
introduces introduced describe describes show shows shown use uses used using based make makes made
new novel report reports reported achieve achieves demonstrate demonstrates first like well way ways
""".split())


def stem(word: str) -> str:
    """Light inflection folding so that plural and verb forms of one word compare equal:
    caches/cached/caching -> cach, batches -> batch, policies -> policy, trained -> train.
    Short words, words with digits, and -ss/-is/-us endings (loss, analysis, focus) are left alone."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and (w.endswith(("ss", "is")) or (w.endswith("us") and len(w) > 4)):
                return w  # loss, analysis, focus (but GPUs, TPUs are plurals)
            if suffix == "ed" and w.endswith("eed"):  # speed, need: not a past tense
                return w
            return _drop_final_e(w[: -len(suffix)])
    return _drop_final_e(w)


def _drop_final_e(w: str) -> str:
    # "cache"/"caches"/"cached" -> "cach"; "device"/"devices" -> "devic"
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


# -- naming a paper ------------------------------------------------------------------------------
def label(title: str | None, abstract: str, arxiv_id: str | None = None) -> str:
    """How to name a paper in an answer: its title, else the system the abstract names."""
    if title:
        return title
    name = named_system(abstract)
    if name:
        return name
    opening = " ".join(abstract.split()[:8]).rstrip(".,;:")
    return (f"arXiv:{arxiv_id} " if arxiv_id else "") + f"(\"{opening}…\")"


_NAMED = re.compile(
    r"\b(?:[Ww]e|[Tt]his paper|[Tt]his work)\s+(?:first\s+)?(?:propose|present|introduce|design|develop|build)s?,?\s+"
    r"(?:(?:a|an|the)\s+[\w\s-]{0,60}?(?:called|named|dubbed|termed)\s+)?"
    r"(?P<name>[A-Z][\w.+-]*)")
_NOT_NAMES = frozenset("A An The Our This These That It Its In On For To With Two Three New Novel".split())


def named_system(abstract: str) -> str | None:
    """'Async-fork' from '... we propose Async-fork to offload ...' (None when no name is given)."""
    for m in _NAMED.finditer(abstract):
        name = m.group("name").rstrip(".,;:")
        if name not in _NOT_NAMES and len(name) > 1:
            return name
    return None
