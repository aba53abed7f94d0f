"""Vendor-level hardware in a question: "Intel processors", "Apple hardware", "an Arm CPU".

A question that names a vendor with a generic hardware word (not a product) asks for any hardware of
that vendor: a paper meets it when a product it names belongs to the vendor in the hardware
gazetteer (agent/data/hardware.yaml: "Xeon" is Intel's, "M1 Pro" Apple's) or when its abstract
writes the vendor's name as the gazetteer spells it ("CPUs from ARM, Intel and AMD"). Products the
question gives as examples of that vendor ("Apple hardware (an iPhone or a Mac)") illustrate the
vendor; they do not narrow it. A vendor followed by a product or sub-brand ("NVIDIA GeForce RTX",
"NVIDIA Jetson Nano") is not vendor-level: the product constraint applies.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words after a vendor name that say "any hardware of this vendor" (hardware.yaml's class terms and
# generic nouns), with an optional plural.
_GENERIC = ("hardware", "processor", "chip", "device", "silicon", "platform", "cpu", "gpu", "npu", "soc",
            "machine", "system", "product", "core", "accelerator")


@lru_cache(maxsize=1)
def _vendor_aliases() -> dict[str, str]:
    """Written alias (case as listed) -> vendor."""
    from agent.engines.local.gazetteer import load_yaml

    data = load_yaml("hardware.yaml")
    return {re.sub(r"'s$", "", a): v for v, aliases in data["vendors"].items() for a in [v, *aliases]}


@lru_cache(maxsize=1)
def _product_vendors() -> dict[tuple[str, ...], str]:
    """Lower-case token tuple of each product name and alias -> its group's vendor."""
    from agent.engines.local.gazetteer import load_yaml, parse_alias

    out: dict[tuple[str, ...], str] = {}
    for group in load_yaml("hardware.yaml")["product_groups"]:
        vendor = group.get("vendor")
        if not vendor:
            continue
        for name, spec in group["products"].items():
            aliases = spec.get("aliases", []) if isinstance(spec, dict) else (spec or [])
            for raw in [name, *aliases]:
                out.setdefault(_tokens(parse_alias(raw)[0]), vendor)
    return out


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s-]+", name.lower()) if t)


@lru_cache(maxsize=1)
def _vendor_rx() -> re.Pattern:
    names = sorted(_vendor_aliases(), key=len, reverse=True)
    generic = "|".join(_GENERIC)
    return re.compile(r"(?<![\w-])(?P<v>" + "|".join(re.escape(n) for n in names) + r")(?:'s)?"
                      r"(?P<g>[\s-]+(?i:" + generic + r")s?)(?![\w-])")


def vendor_mentions(question: str) -> list[tuple[str, str]]:
    """(surface, vendor) of each vendor the question names with a generic hardware word."""
    out = []
    for m in _vendor_rx().finditer(question):
        vendor = _vendor_aliases()[m.group("v")]
        if vendor not in [v for _, v in out]:
            out.append((m.group(0), vendor))
    return out


def vendor_of(name: str) -> str | None:
    """The vendor of a product name as the claims table stores it ("Intel Xeon 5220", "Xeon", "M1 Pro")."""
    toks = _tokens(name)
    if not toks:
        return None
    lowered = {k.lower(): v for k, v in _vendor_aliases().items()}
    for n in (2, 1):     # a written vendor first ("AMD Xilinx Alveo U280", "Intel Xeon")
        if " ".join(toks[:n]) in lowered:
            return lowered[" ".join(toks[:n])]
    products = _product_vendors()
    for end in range(len(toks), 0, -1):
        if toks[:end] in products:
            return products[toks[:end]]
    return None


def vendor_written(vendor: str, text: str) -> bool:
    """Does the text write the vendor's name, in a spelling the gazetteer lists (case kept)?"""
    names = [a for a, v in _vendor_aliases().items() if v == vendor]
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w])", text) for n in names)


def meets_vendor(vendor: str, hardware_names: list[str], text: str) -> bool:
    return any(vendor_of(n) == vendor for n in hardware_names) or vendor_written(vendor, text)
