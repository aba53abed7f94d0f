"""The hardware gazetteer (agent/data/hardware.yaml) compiled once into matchers."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agent.engines.local.gazetteer import AliasIndex, alias_key, load_yaml, parse_alias, with_canonical


@dataclass(frozen=True)
class Product:
    canonical: str
    vendor: str | None
    hw_class: str
    vendor_prefixed: bool  # the NVIDIA rule: always "<vendor> <canonical>", whatever was written
    microarchitecture: bool
    suffix: re.Pattern[str] | None  # open-ended model numbers after a family name


@dataclass(frozen=True)
class ProductAlias:
    product: Product
    written: str
    weak: bool


@dataclass(frozen=True)
class ClassTerm:
    name: str
    hw_class: str
    term: str


@dataclass(frozen=True)
class HardwareGazetteer:
    products: AliasIndex[ProductAlias]
    families: AliasIndex[ProductAlias]  # may take a glued model number ("STM32F746")
    class_terms: AliasIndex[ClassTerm]
    vendor_before: re.Pattern[str]  # vendor, dropped brand and "mobile" right before a product
    vendor_display: dict[str, str]
    head_noun_after: re.Pattern[str]


# "GreenWaves Technologies GAP8": the company's full name as written stays with the product.
COMPANY_WORDS = ("Technologies", "Technology", "Semiconductor", "Semiconductors", "Microsystems", "Systems", "Labs",
                 "Electronics", "Inc.", "Inc", "Corp.", "Corp")
_COMPANY_WORDS = f"(?:{'|'.join(re.escape(w) for w in COMPANY_WORDS)})"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[\s\-]+") for w in sorted(set(words), key=len, reverse=True))


def _group_aliases(group: dict[str, Any]) -> list[tuple[str, ProductAlias, bool, bool]]:
    """(alias, payload, exact_case, is_family) for every alias of every product of a group."""
    out = []
    canonicals = [_words(name) for name in group["products"]]
    for canonical, spec in group["products"].items():
        spec = spec if isinstance(spec, dict) else {"aliases": spec or []}
        product = Product(
            canonical=canonical, vendor=group.get("vendor"), hw_class=group["class"],
            vendor_prefixed=group.get("names") == "canonical",
            microarchitecture=group.get("kind") == "microarchitecture",
            suffix=_whole_words(spec["suffix"]) if spec.get("suffix") else None)
        for raw in with_canonical(canonical, spec.get("aliases") or []):
            alias, exact, weak = parse_alias(raw)
            # A spacing variant of the canonical name prints as the canonical ("SpiNNaker 2").
            shown = canonical if alias_key(alias, False) == alias_key(canonical, False) else alias
            named = product
            if shown != canonical and not weak and _names_a_line(alias, canonical, canonicals):
                named = dataclasses.replace(product, canonical=alias)
            payload = ProductAlias(named, shown, weak or product.microarchitecture)
            out.append((alias, payload, exact, product.suffix is not None))
    return out


def _names_a_line(alias: str, canonical: str, canonicals: list[str]) -> bool:
    """ "Jetson Orin" is short for "Jetson AGX Orin" but also begins "Jetson Orin NX" and "Jetson
    Orin Nano": an alias that starts other products' names names their whole line, so it is kept
    at the level written (LABELLING §3), not widened to one product."""
    key, own = _words(alias), _words(canonical)
    return any(other != own and other[:len(key)] == key and len(other) > len(key) for other in canonicals)


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.split(r"[\s\-]+", name.casefold()))


@lru_cache(maxsize=1)
def line_members() -> dict[str, tuple[str, ...]]:
    """Names kept as a product line (see `_names_a_line`), lower case, with the canonical products they
    cover: the product the alias abbreviates and those whose names it begins ("jetson orin" ->
    Jetson AGX Orin, Jetson Orin NX, Jetson Orin Nano). A set question on the line lists them all."""
    out: dict[str, tuple[str, ...]] = {}
    for group in load_yaml("hardware.yaml")["product_groups"]:
        canonicals = [_words(name) for name in group["products"]]
        for canonical, spec in group["products"].items():
            spec = spec if isinstance(spec, dict) else {"aliases": spec or []}
            for raw in spec.get("aliases") or []:
                alias, _, weak = parse_alias(raw)
                if weak or alias_key(alias, False) == alias_key(canonical, False) \
                        or not _names_a_line(alias, canonical, canonicals):
                    continue
                key = _words(alias)
                members = [canonical] + [n for n in group["products"] if _words(n)[:len(key)] == key]
                out[" ".join(key)] = tuple(dict.fromkeys(members))
    return out


def _same_product(a: ProductAlias, b: ProductAlias) -> bool:
    return a.product == b.product


def _modified_spellings(entry: dict[str, Any], entries: list[dict[str, Any]]) -> list[str]:
    """A term named '<modifier> <other term's name>' ("mobile GPU") is also written with the modifier
    before every spelling of that other term ("mobile graphics processing unit")."""
    terms = list(entry["terms"])
    modifier, _, base = entry["name"].partition(" ")
    for other in entries:
        if base and other["name"] == base:
            terms += [f"{modifier} {t}" for t in other["terms"] if f"{modifier} {t}" not in terms]
    return terms


# "mobile processor platforms", "embedded computing devices": a compute word between the modifier and
# the head of a place term still names that place (the same two-level item, LABELLING §3).
_COMPUTE_INFIXES = ("processor", "processing", "computing", "compute", "hardware")
_PLACE_HEADS = ("device", "platform")


def _infixed_spellings(terms: list[str]) -> list[str]:
    out = list(terms)
    for term in terms:
        words = term.split()
        if len(words) == 2 and words[1] in _PLACE_HEADS and words[0] not in _COMPUTE_INFIXES:
            out += [f"{words[0]} {infix} {words[1]}" for infix in _COMPUTE_INFIXES
                    if f"{words[0]} {infix} {words[1]}" not in out]
    return out


@lru_cache(maxsize=1)
def hardware_gazetteer() -> HardwareGazetteer:
    data = load_yaml("hardware.yaml")
    aliases = [a for group in data["product_groups"] for a in _group_aliases(group)]
    terms = [(term, ClassTerm(entry["name"], entry["class"], term), parse_alias(term)[1])
             for entry in data["class_terms"]
             for term in _infixed_spellings(_modified_spellings(entry, data["class_terms"]))]
    spellings = {spelling: display for display, written in data["vendors"].items() for spelling in written}
    brands = _alternation(data["dropped_brands"])
    vendor_before = re.compile(
        rf"(?:(?<![A-Za-z0-9])(?P<vendor>{_alternation(list(spellings))})(?P<company>\s+{_COMPANY_WORDS})?"
        rf"(?:['’]s)?[\s\-]+)?"
        rf"(?:(?<![A-Za-z0-9])(?P<brand>{brands})[\s\-]+)?(?P<mobile>(?<![A-Za-z0-9])mobile[\s\-]+)?$")
    nouns = data["head_nouns"]
    # Every lexicon term is a head noun too ("Loihi 2 neuromorphic chip", "DGX-A100 clusters"):
    # LABELLING §3 gives a term no class item when it heads a specific mention.
    other = nouns["other"] + [t for entry in data["class_terms"] for t in entry["terms"]
                              if t not in nouns["confirming"]]
    head_noun_after = re.compile(
        rf"[\s\-]*(?:(?:{_alternation(data['head_modifiers'])})[\s\-]+){{0,2}}"
        rf"(?:(?P<confirming>{_alternation(nouns['confirming'])})|(?P<other>{_alternation(other)}))"
        r"s?(?![A-Za-z0-9])", re.IGNORECASE)
    return HardwareGazetteer(
        products=AliasIndex([(a, p, e) for a, p, e, family in aliases if not family], plural_s=True,
                            same_entry=_same_product),
        families=AliasIndex([(a, p, e) for a, p, e, family in aliases if family], plural_s=True,
                            trailing_boundary=False, same_entry=_same_product),
        class_terms=AliasIndex(terms, plural_s=True, same_entry=lambda a, b: a.name == b.name),
        vendor_before=vendor_before, vendor_display=spellings, head_noun_after=head_noun_after)


def _whole_words(pattern: str) -> re.Pattern[str]:
    """A model-number suffix ends where a word ends (a plural "s" allowed): "Pixel 7 and" is the Pixel 7,
    not "Pixel 7 a" read from the first letter of "and"."""
    return re.compile(rf"(?:{pattern})(?=s?(?![A-Za-z0-9]))")
