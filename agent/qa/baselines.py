"""Set questions about a baseline ("which papers compare against vLLM?", "... outperform TensorRT?",
"... are faster than PyTorch?"): the papers whose extracted claims name it as their `baseline`, plus
those whose abstract states a comparison with it (a comparison word, then the name in the same clause)
that the extractor did not turn into a claim. A paper that only builds on it ("implemented atop X")
or mentions it as background does not compare against it.
"""

from __future__ import annotations

import re

from agent.qa.text import SPEED_METRICS, SPEED_WORDS

_CUE = (r"compar\w*\s+(?:[\w-]+\s+){0,3}?(?:against|with|to)|outperform\w*|beat(?:s|ing)?|surpass\w*|"
        r"(?:faster|better|higher|lower|smaller|cheaper)\s+(?:[\w-]+\s+){0,2}?than|(?:speed-?ups?|improvements?|gains?)\s+(?:over|against)|"
        r"(?:over|against|versus|vs\.?)")
# "compare their speed or memory against X": what is compared (up to five words) sits before the name
# "compare against, or discuss, X": an alternative verb set off by commas (`any_use`)
_ASIDE_VERB = r"(?:\s*,\s*or\s+(?P<aside>[a-z]+)\s*,)?"
_ASKED = re.compile(r"\b(?:compar\w*\s+(?:themselves\s+|(?:their|the|its)\s+(?:[\w-]+\s+){1,5}?)?(?:against|with|to)" + _ASIDE_VERB + r"|outperform\w*|beat(?:s|ing)?|"
                    r"surpass\w*|use\s+(?P<use>[\w.+-]+)\s+as\s+(?:a\s+|the\s+|their\s+)?baseline|"
                    r"(?:faster|better)\s+than)\s+(?P<x>[^?,;]*)", re.I)
_END = re.compile(r"\s+(?:on|in|for|by|when|with|using|at|and\s+report|as\s+(?:a\s+|the\s+)?baseline)\b.*$", re.I)
_LEAD = re.compile(r"^(?:the\s+|a\s+|an\s+)", re.I)


def asked(question: str) -> str | None:
    """The baseline a set question names ("vLLM" in "which papers compare against vLLM?")."""
    m = _ASKED.search(question)
    if not m:
        return None
    name = m.group("use") or _END.sub("", m.group("x"))
    name = _LEAD.sub("", name.strip()).strip(" .")
    name = re.sub(r"\s*\([^()]*\)$", "", name)      # "MobileNet model (V2 or V3)": the gloss names versions
    name = re.sub(r"\s+(?:baselines?|systems?|models?)$", "", name, flags=re.I)
    if _quantity(name):     # "faster than 30 FPS": a bound on a figure (agent/qa/quantities.py), no baseline
        return None
    name = without_class_noun(_OWNER.sub("", name))
    return name if 2 <= len(name) and len(name.split()) <= 5 and _name_like(name) else None


# "NVIDIA's TensorRT": the owner's possessive is not part of the product's name
_OWNER = re.compile(r"^[\w.&-]+'s\s+(?=\S)")


def without_class_noun(name: str) -> str:
    """The name without the lower-case words after its last named word ("DeiT vision transformer",
    "TensorRT inference library"): they say what kind of thing it is, abstracts write the name alone."""
    words = name.split()
    named = [i for i, w in enumerate(words) if re.search(r"[A-Z0-9]", w) and re.search(r"[A-Za-z]", w)]
    return " ".join(words[:named[-1] + 1]) if named else name


# "use or compare against X", "build on, modify or compare against X": the comparison is one of several
# ways of using X, so any paper whose abstract names X belongs
_ALTERNATIVE_VERBS = re.compile(r"\b(?:\w+(?:\s+on)?,\s+)*\w+(?:\s+on)?\s+or\s+$", re.I)


def any_use(question: str) -> bool:
    """Does the question ask for X used in any way, the comparison only one alternative?"""
    m = _ASKED.search(question)
    return bool(m) and m.group("use") is None and (m.group("aside") is not None
                                                   or bool(_ALTERNATIVE_VERBS.search(question[:m.start()])))


def _quantity(name: str) -> bool:
    from agent.qa.quantities import find

    return find(f"under {name}") is not None and bool(re.match(r"\d", name))


def _name_like(name: str) -> bool:
    """A product or system name has a capital or a digit ("vLLM", "GPUs", "YOLOv4"); "existing
    systems" or "prior work" is no baseline to filter on."""
    return bool(re.search(r"[A-Z0-9]", name))


def span(question: str) -> tuple[int, int]:
    m = _ASKED.search(question)
    return m.span() if m else (0, 0)


def name_rx(name: str) -> re.Pattern:
    """The baseline's name as a phrase, a plural also singular ("GPUs" finds "TITAN Xp GPU")."""
    from agent.qa.router import phrase_rx

    names = [name] + without_vendor(name)
    forms = names + [n[:-1] for n in names if re.search(r"[A-Za-z]{2}s$", n)]
    # a family name without a version covers its versions ("MobileNet" finds "MobileNetV2", "MobileNet-V3")
    # and a version may carry a size ("MobileNetV2-1.3", "MobileNet-V3-Large")
    versioned = [rf"(?<![\w-]){re.escape(name)}-?[vV]\d+(?:\.\d+)?(?:-[\w.]+)?(?![\w-])"] if not re.search(r"\d$", name) else []
    # and a variant tag after a hyphen names a member of the family ("DeiT-T", "FooNet-Small", "FooRT-LLM")
    versioned += [rf"(?<![\w-]){re.escape(name)}-(?-i:[A-Z0-9])[\w.]*(?![\w-])"] if _name_like(name) else []
    others = [phrase_rx(a).pattern for a in other_names(name)]
    return re.compile("|".join([phrase_rx(f).pattern for f in forms] + versioned + spellings(name) + others), re.I)


def without_vendor(name: str) -> list[str]:
    """The product name without the vendor word before it ("Intel Xeon" -> "Xeon", "NVIDIA A100" ->
    "A100"): abstracts often name the product alone, and the product, not the vendor, is what is asked."""
    from agent.qa.vendors import is_vendor_name, vendor_of

    words = name.split()
    for n in (2, 1):
        rest = " ".join(words[n:])
        if len(words) > n and is_vendor_name(" ".join(words[:n])) and _product(rest) and vendor_of(name):
            bare = _CLASS_TAIL.sub("", rest)       # "Xeon server CPU": the kind after the product name
            return [rest] + ([bare] if bare != rest and _product(bare) else [])
    return []


def _product(rest: str) -> bool:
    """A product name, not only a kind ("NVIDIA GPUs" asks for the vendor's GPUs, not any GPU)."""
    return _name_like(rest) and not _CLASS_ONLY.fullmatch(rest)


_CLASS_TAIL = re.compile(r"(?:\s+[a-z]+)*\s+(?:[CGTN]PU|FPGA|ASIC)s?$")
_CLASS_ONLY = re.compile(r"(?:[a-z]+\s+)*(?:[CGTN]PU|FPGA|ASIC)s?")


def other_names(name: str) -> list[str]:
    """The catalog's other spellings of a software baseline ("TFLite" for "TensorFlow-Lite") and its
    members ("Ansor" for "TVM"), from agent/data/software.yaml."""
    key = _squash(name)
    for canonical, spec in _software().items():
        names = [canonical, *spec.get("aliases", [])]
        if key in {_squash(n) for n in names}:
            return [n for n in names + spec.get("members", []) if _squash(n) != key]
    return []


def _squash(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name.lower())


def _software() -> dict:
    from agent.engines.local.gazetteer import load_yaml

    global _SOFTWARE
    if _SOFTWARE is None:
        _SOFTWARE = load_yaml("software.yaml")["software"]
    return _SOFTWARE


_SOFTWARE: dict | None = None


def spellings(name: str) -> list[str]:
    """Patterns for the other spellings of a multi-part name: its parts joined by a hyphen, a space or
    nothing ("TensorFlow-Lite" / "TensorFlow Lite" / "TensorFlowLite"; case is ignored by the caller)."""
    parts = [p for p in re.split(r"[\s_-]+", name.strip()) if p]
    if len(parts) < 2:
        return []
    return [r"(?<![\w-])" + r"[\s_-]?".join(re.escape(p) for p in parts) + r"(?![\w-])"]


def members(ctx, name: str, papers: dict, any_mention: bool = False) -> dict[str, str]:
    """Paper id -> the sentence comparing it with `name`: a claim whose baseline names it, else an
    abstract sentence with a comparison word followed, in the same clause, by the name; with
    `any_mention` (agent/qa/baselines.py `any_use`), else the first sentence naming it."""
    from agent.qa.drafting import sentence_with
    from agent.qa.vendors import baseline_covers     # "Volta GPUs" covers a "V100 GPU" baseline
    from core.text import split_sentences
    from store.extractions import ClaimQuery, claims_rows

    rx = name_rx(name)
    out: dict[str, str] = {}
    for row in claims_rows(ctx.store, ClaimQuery(paper_ids=list(papers))):
        if row["paper_id"] not in out and row.get("baseline") and (rx.search(row["baseline"])
                                                                  or baseline_covers(name, row["baseline"])):
            out[row["paper_id"]] = sentence_with(papers[row["paper_id"]].abstract, row["evidence"])
    stated = re.compile(rf"\b(?:{_CUE})\s+[^.;:]{{0,80}}?(?:{rx.pattern})", re.I)
    for pid, paper in papers.items():
        if pid in out:
            continue
        sents = split_sentences(paper.abstract)
        sent = next((s for s in sents if stated.search(without_citations(s))), None)
        if sent is None and any_mention:
            sent = next((s for s in [paper.title or ""] + sents if rx.search(s)), None)
        if sent is not None:
            out[pid] = sent
    return out


_CITATION = re.compile(r"\s*\((?:[^()]*\bet\s+al\.?[^()]*|[^()]*\b(?:19|20)\d\d[a-z]?|(?:e\.\s?g\.|i\.\s?e\.)[^()]*)\)")


def without_citations(sentence: str) -> str:
    """The sentence without its author-year citations ("(Touvron et al., 2023)") and example asides
    ("(e.g., NVIDIA V100S)"): their dots are no clause end, and their length would part a comparison
    word from the system it names."""
    return _CITATION.sub("", sentence)


_THAN = re.compile(r"\b(?:than|over|against|compared\s+(?:to|with)|relative\s+to|vs\.?|versus)\s+(?:the\s+|a\s+|an\s+)?"
                   r"(?P<x>[^?,;]+)", re.I)


def compared_with(question: str) -> str | None:
    """The baseline a figure question names ("YOLOv4" in "how much faster is A than YOLOv4?")."""
    m = _THAN.search(question)
    if not m:
        return None
    name = _LEAD.sub("", _END.sub("", m.group("x")).strip()).strip(" .")
    return name if name and len(name.split()) <= 4 and _name_like(name) else None


def comparing_sentence(ctx, src, question: str, metric: str | None = None) -> str | None:
    """The sentence of `src` with the claim against the baseline the question names: a claim whose
    baseline field names it (the asked metric first: speed for "faster"), else a sentence with a
    comparison word followed by the name. None when the question names no baseline or none matches."""
    from agent.qa.drafting import sentence_with
    from agent.qa.tools import metric_family
    from core.text import split_sentences
    from store.extractions import ClaimQuery, claims_rows

    name = compared_with(question)
    if name is None:
        return None
    rx = name_rx(name)
    wanted = set(metric_family(metric)) or (set(SPEED_METRICS) if SPEED_WORDS.search(question) else set())
    rows = [row for row in claims_rows(ctx.store, ClaimQuery(paper_ids=[src.id]))
            if row.get("baseline") and rx.search(row["baseline"])]
    if rows:
        row = max(rows, key=lambda row: (row["metric"] in wanted, row["unit"] == "x", row["value"]))
        if not wanted or row["metric"] in wanted:
            return sentence_with(src.abstract, row["evidence"])
    stated = re.compile(rf"\b(?:{_CUE})\s+[^.;:]{{0,80}}?(?:{rx.pattern})", re.I)
    said = [s for s in split_sentences(src.abstract) if stated.search(without_citations(s))]
    if rows and not said:
        return sentence_with(src.abstract, rows[0]["evidence"])
    return said[0] if len(said) == 1 else None


def span_than(question: str) -> tuple[int, int]:
    """Where the question writes its "than / over X" clause."""
    m = _THAN.search(question)
    return m.span() if m else (0, 0)
