"""How a gazetteer hit is printed (LABELLING.md §2 spelling): a stated version or variant kept as
written, a derived benchmark under its own name, a written full name instead of the acronym, a
translation test set with its language pair; otherwise the canonical name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.engines.local.gazetteer import AliasIndex, alias_key


@dataclass(frozen=True)
class DatasetAlias:
    canonical: str
    written: str  # the alias as listed, printed instead of an acronym canonical (full-name rule)
    context_only: bool


@dataclass(frozen=True)
class DatasetGazetteer:
    index: AliasIndex[DatasetAlias]
    strong_keys: dict[str, DatasetAlias]
    blocked: re.Pattern[str]
    generic: frozenset[str]
    task_words: frozenset[str]


# A stated version ("MultiWOZ 2.1", "MLPerf v1.1") unless the number is a result ("GLUE 1.5 points").
_VERSION = re.compile(r"[\s-]?(v\d+(?:\.\d+)*|\d\.\d{1,2})(?![\d.]*\d)"
                      r"(?!\s*(?:%|\\%|x\b|×|\$|times\b|points?\b|pp\b|higher|lower|better|worse))")
_DERIVED_SUFFIX = re.compile(r"-([A-Z0-9]{1,3})(?![A-Za-z0-9\-])")  # ImageNet-C, MNIST-1D
_PAREN_ACRONYM = re.compile(r"\s*\(\s*([^()\s]{2,15})\s*\)")
# "IMDB-Wiki", "ImageNet-Vid-Robust": a known name with capitalised words hyphenated on is a derived dataset
# with its own name (LABELLING §2, like LoKITTI); a describing compound ("-Based", "-Trained") is not.
_COMPOUND_SUFFIX = re.compile(r"(?:-[A-Z][a-z]+(?:[A-Z][a-z]*)*)+(?![A-Za-z0-9\-])")
_COMPOUND_PREFIX = re.compile(r"(?<![A-Za-z0-9\-])(?:[A-Z][A-Za-z]+-)+$")
_DESCRIBING_PART = re.compile(r"-(?:[A-Z][a-z]+(?:ed|ing)|Like|Style|Based|Scale|Level|Sized?|Only|Free|Wide|"
                              r"Specific|Aware|Friendly|Ready)(?![a-z])")


def hyphen_compound(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the hyphenated compound name around a gazetteer hit text[start:end] ("MIR-Flickr",
    "IMDB-Wiki"), or (start, end) when the hit stands alone."""
    after = _COMPOUND_SUFFIX.match(text, end) if end < len(text) and text[end] == "-" else None
    if after and not _DESCRIBING_PART.search(after.group()):
        end = after.end()
    before = _COMPOUND_PREFIX.search(text, max(0, start - 30), start) if start and text[start - 1] == "-" else None
    if before and not _INFLECTED_PART.fullmatch(before.group()[:-1]):
        start = before.start()
    return start, end


_INFLECTED_PART = re.compile(r"[A-Z][a-z]+(?:ed|ing)")


def is_expanded(text: str, end: int, alias: DatasetAlias, gazetteer: DatasetGazetteer) -> bool:
    """'General Language Understanding Evaluation (GLUE)': the full name is printed as written."""
    acronym = _PAREN_ACRONYM.match(text, end)
    known = gazetteer.strong_keys.get(alias_key(acronym.group(1), False)) if acronym else None
    return known is not None and known.canonical == alias.canonical


_FUNCTION_WORDS = frozenset({"in", "the", "of", "for", "and", "on", "a"})


def is_full_name(alias: DatasetAlias) -> bool:
    """'Colossal Clean Crawled Corpus' for C4: a written full name of an acronym dataset is printed as
    written even without the acronym beside it (LABELLING §2 prefers the full name); a spelling of
    the acronym itself ("DAIR V2X", "WMT 2014", "Microsoft COCO") is not a full name."""
    words = alias.written.split()
    canonical = alias.canonical
    if any(c.islower() for c in canonical) or alias_key(alias.written, False) == alias_key(canonical, False):
        return False
    stem = _STEM.match(canonical.casefold())
    stem_text = stem.group() if stem and len(stem.group()) > 1 else canonical.casefold()
    return (len(words) >= 2 and not any(stem_text and w.casefold().startswith(stem_text) for w in words)
            and all(w[:1].isupper() or w in _FUNCTION_WORDS for w in words))


def with_variant(text: str, start: int, end: int, canonical: str, alone: bool = True) -> tuple[str, int]:
    """The name to print for a gazetteer hit. LABELLING §2 keeps a stated version or variant as
    written ("ImageNet-1K", "SQuAD v1.1", "WMT 2014 English-to-German"); a derived benchmark keeps
    its own written name ("PTB-XL" is not "Penn Treebank-XL"); another spelling of the name is kept
    as written when it is the `alone` way the abstract names that dataset; otherwise the canonical."""
    surface = " ".join(text[start:end].split())
    derived = _DERIVED_SUFFIX.match(text, end)
    if derived:
        base = canonical if alias_key(surface, False) == alias_key(canonical, False) else surface
        return f"{base}-{derived.group(1)}", derived.end()
    joined = _joined_words(surface, canonical) if alone else None
    if joined:
        name = joined
    elif _is_written_variant(surface, canonical) or (alone and _is_other_spelling(surface, canonical)):
        name, end = surface, end
    elif not canonical[-1].isdigit() and (version := _VERSION.match(text, end)):
        name, end = f"{canonical} {version.group(1)}", version.end()
    else:
        name = canonical
    pair = _LANGUAGE_PAIR.match(text, end) if any(c.isdigit() for c in name) else None
    return (f"{name} {pair.group(1)}", pair.end()) if pair else (name, end)


# "WMT 2014 English-to-German", "WMT14 En-De": a translation test set is named with its language pair.
_LANGUAGES = (r"(?:English|German|French|Romanian|Chinese|Japanese|Czech|Russian|Finnish|Turkish|Estonian|Latvian|"
              r"Kazakh|Lithuanian|Gujarati|Spanish|Italian|Dutch|Portuguese|Arabic|Korean|Vietnamese|Hindi|"
              r"En|De|Fr|Ro|Zh|Ja|Cs|Ru|Fi|Tr|Et|Lv|Kk|Lt|Gu|Es|It|Nl|Pt|Ar|Ko|Vi|Hi)")
_LANGUAGE_PAIR = re.compile(rf"\s+({_LANGUAGES}\s*(?:-to-|-|\u2013|\u2192|/|\s+to\s+)\s*{_LANGUAGES})(?![A-Za-z])")
_STEM = re.compile(r"[a-z]+?(?=v?\d|$)")
_DESCRIPTIVE_END = re.compile(r"\b(?:data\s?set|benchmark|corpus|suite)s?$", re.I)
_MARKUP = re.compile(r"[$^\\{}]")
_APOSTROPHE_YEAR = re.compile(r"['’]\d{2}(?!\d)")


def _is_written_variant(surface: str, canonical: str) -> bool:
    """'ImageNet-1K' for ImageNet, 'SQuAD v1.1' for SQuAD 1.1, 'WMT 2014' for WMT14: the same family
    stem with a different stated version/variant (a digit). 'MSCOCO' or 'ILSVRC2012' are other names."""
    written, known = alias_key(surface, False), alias_key(canonical, False)
    if not any(c.isdigit() for c in written):
        return False
    if written == known:
        # "WMT'14": the year stated in its own spelling is kept; "CIFAR10" is only CIFAR-10 unhyphenated
        return _APOSTROPHE_YEAR.search(surface) is not None
    stem_w, stem_k = _STEM.match(written), _STEM.match(known)
    # "ImageNet ILSVRC-2012" extends the family name with an edition: kept as written
    return bool(stem_w and stem_k and stem_w.group().startswith(stem_k.group()))


def _is_other_spelling(surface: str, canonical: str) -> bool:
    """'CriteoTB' or 'criteo-tb' for Criteo Terabyte, 'VOC 2007' for PASCAL VOC 2007: a name written in
    another spelling than the canonical one is kept as written (§2: a stated variant stays). Printed
    canonical instead: a separator or case variant ('CIFAR10', 'long-range arena'), a brand-prefixed
    form that contains the canonical name ('MS COCO', 'Microsoft COCO'), a plural, a descriptive name
    ending in 'dataset' and an all-capitals acronym of a multi-word name ('PTB')."""
    if _MARKUP.search(surface):
        return False  # "$τ^2$-bench": LaTeX markup is no spelling of its own
    written, known = alias_key(surface, False), alias_key(canonical, False)
    if written.rstrip("s") == known.rstrip("s") or known in written or _DESCRIPTIVE_END.search(surface):
        return False  # a plural, a brand prefix, "the Foo Question Answering Dataset" (§2 drops "dataset")
    # an acronym of a multi-word name ("PTB", "VWW") is the name's short form, not a variant of it
    return not (" " in canonical and surface.isupper() and len(written) <= 6)


_WORD_JOINS = re.compile(r"[\s\-\u2010\u2011]+")


_DESCRIPTOR_WORD = re.compile(r"\s+(?:test|tests|task|benchmark|dataset|suite)$", re.I)


def _joined_words(surface: str, canonical: str) -> str | None:
    """The written name when it joins the canonical's words another way (below), less a descriptive word
    the alias list carries ("Needle-in-a-Haystack test" -> "Needle-in-a-Haystack")."""
    name = _DESCRIPTOR_WORD.sub("", surface)
    return name if _is_joined_words(name, canonical) else None


def _is_joined_words(surface: str, canonical: str) -> bool:
    """'Needle-in-a-Haystack' for Needle in a Haystack: a name that is a phrase (three or more words, a
    lowercase function word among them), written with the same words capitalised the same but joined by
    hyphens instead of spaces (or the reverse), is the name as the paper writes it (§2 keeps a written
    variant). A compound of names ('Tiny-ImageNet', 'PASCAL-VOC'), a separator at a letter/digit seam
    ('CIFAR10', 'HMDB-51') or another case ('long-range arena') is only a spelling of the canonical."""
    words = _WORD_JOINS.split(surface)
    return (surface != canonical and len(words) >= 3 and any(w.islower() for w in words[1:-1])
            and words == _WORD_JOINS.split(canonical))
