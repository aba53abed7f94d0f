"""How a catalog product is named in the output (LABELLING §3: the name as written, plus the fixes the
convention lists): a product's own separators and case, the NVIDIA prefix and dropped brands, a
shortened NVIDIA name completed, another name of the product kept as written."""

from __future__ import annotations

import re
from functools import lru_cache

from agent.engines.local.gazetteer import load_yaml
from agent.engines.local.hardware_lexicon import HardwareGazetteer, ProductAlias


@lru_cache(maxsize=1)
def dropped_brands() -> frozenset[str]:
    return frozenset(load_yaml("hardware.yaml")["dropped_brands"])


def product_name(alias: ProductAlias, vendor: str | None, suffix: str,
                 gazetteer: HardwareGazetteer, surface: str = "") -> tuple[str, str]:
    product = alias.product
    if product.vendor_prefixed:
        return f"{product.vendor} {_prefixed_as_written(surface, alias, gazetteer)}", product.hw_class
    written = re.sub(r"\s+", " ", f"{_as_written(surface, alias.written)}{suffix}").strip()
    shown_vendor = gazetteer.vendor_display.get(vendor or "")
    if shown_vendor and not written.startswith(shown_vendor):
        written = f"{shown_vendor} {written}"
    return written, product.hw_class


_SEPARATORS = re.compile(r"[\s\-_]+")


def _as_written(surface: str, listed: str) -> str:
    """'GAP-8', 'EdgeTPU': a product is named with the separators the abstract wrote (LABELLING §3 keeps the
    name as written), when the letters are the listed alias's own, case included."""
    if surface.endswith("s") and not listed.endswith("s"):
        surface = surface[:-1]
    same_letters = _SEPARATORS.sub("", surface) == _SEPARATORS.sub("", listed)
    if not (same_letters and surface):
        return listed
    return _GLUED_VERSION.sub(" ", " ".join(surface.split()))  # "TPUv3" is spaced as a version: "TPU v3"


_HYPHEN_BEFORE_WORD = re.compile(r"-(?=[A-Za-z]+(?![\w-]))")


def _letters(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


def _prefixed_as_written(surface: str, alias: ProductAlias, gazetteer: HardwareGazetteer) -> str:
    """The name of a vendor-prefixed (NVIDIA) product, LABELLING §3. The catalog's name completes a
    shortened or reordered one (its words are all the catalog name's: "2080 Ti" -> "RTX 2080 Ti") and
    spaces a glued seam ("RTX3060"); a hyphen or space the abstract wrote stays ("DGX-H100"); another
    name of the product is kept as written, less a trailing hardware noun ("Grace Hopper Superchip" ->
    "Grace Hopper", not the model number "GH200")."""
    canonical = alias.product.canonical
    if surface.endswith("s") and not alias.written.endswith("s"):
        surface = surface[:-1]
    written, listed = _letters(surface), _letters(canonical)
    if written == listed and written:
        if len(_SEPARATORS.split(surface.strip())) < len(_SEPARATORS.split(canonical)):
            return canonical
        letters = iter(ch for ch in canonical if ch.isalnum())
        spelled = "".join(next(letters) if ch.isalnum() else ch for ch in " ".join(surface.split()))
        return _HYPHEN_BEFORE_WORD.sub(" ", spelled)  # as for suffixes: "2080-Ti" is "2080 Ti", "DGX-H100" stays
    words = surface.split()
    while len(words) > 1 and gazetteer.head_noun_after.fullmatch(" " + words[-1]):
        words.pop()
    tokens, listed_tokens = _TOKEN.findall(" ".join(words).casefold()), _TOKEN.findall(canonical.casefold())
    if not words or set(tokens) <= set(listed_tokens) and _completes(tokens, listed_tokens):
        return canonical
    return " ".join(words)


def _completes(tokens: list[str], listed: list[str]) -> bool:
    """Whether the catalog name completes a shortened one: a bare model number ("2080 Ti" -> "RTX 2080
    Ti"). A name with its own letters ("TX2", "Jetson Orin AGX") is kept in the words and order written."""
    return bool(tokens) and tokens[0].isdigit() and sorted(tokens) != sorted(listed)


_TOKEN = re.compile(r"[a-z]+|\d+")


_GLUED_VERSION = re.compile(r"(?<=[A-Z])(?:-|(?=v\d))(?=v\d+[a-z]?$)")


# "Graphcore IPU Bow", "Xeon Phi", "M2 Ultra": one capitalised word right after a product, closing its
# noun phrase (a comma, a conjunction, a preposition or the end follows), is the product's edition and
# part of the name as written (LABELLING §3). A hardware noun or an all-capitals word is no edition.
_EDITION = re.compile(r" ([A-Z][a-z]{1,9})(?=\s*(?:[,;:.)]|$)|\s+(?:and|or|vs\.?|versus|with|in|on|for|to|by|at|"
                      r"is|are|was|were|which|that|while|when|using|running)\b)")
_SENTENCE_WORDS = frozenset({"The", "This", "These", "That", "Those", "We", "Our", "It", "Its", "In", "On", "For",
                             "With", "And", "Or", "But", "To", "By", "At", "As", "An", "A", "Tensor", "Core"})


def trailing_edition(text: str, end: int, gazetteer: HardwareGazetteer) -> re.Match[str] | None:
    """The edition word written right after a product name ending at `end`, if any."""
    match = _EDITION.match(text, end)
    if match is None or match.group(1) in _SENTENCE_WORDS or match.group(1) in gazetteer.vendor_display \
            or match.group(1).endswith(("ing", "ed", "ly")):
        return None
    if gazetteer.head_noun_after.fullmatch(" " + match.group(1)) or gazetteer.class_terms.lookup(match.group(1)):
        return None
    return match
