"""Hardware mentions (LABELLING.md §3): named products (level `specific`) and lexicon terms (`class`).

A product match takes the vendor or dropped NVIDIA brand written before it ("Nvidia Tesla-V100")
and the hardware noun written after it ("Jetson TX2 GPU", "Samsung S8 phone"); that noun is part
of the product mention, so it gives no class item (the head-noun exception). A lexicon term in
direct apposition to a product ("a server GPU (Nvidia Tesla-V100)", "GPUs (A100, RTX 6000, 4090,
3090)") or attached to one ("GPU on Samsung Galaxy S20") gives no class item either.

Products the catalog does not know come from their phrase shape (hardware_shapes: vendor + model
number, model number + hardware noun, a model number in apposition to a generic term); whether a
lexicon term means hardware where it is written is decided in hardware_term_sense.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from agent.engines.local.gazetteer import Hit, SpanSet, ascii_lowered, spread_through_lists
from agent.engines.local.hardware_lexicon import COMPANY_WORDS, ClassTerm, HardwareGazetteer, ProductAlias, hardware_gazetteer
from agent.engines.local.hardware_acronyms import acronym_products
from agent.engines.local.hardware_coordination import distributed_heads, shared_head_terms, shared_modifier_terms
from agent.engines.local.hardware_machines import machine_products
from agent.engines.local.hardware_names import dropped_brands, product_name, trailing_edition
from agent.engines.local.hardware_shapes import Shape, after_generic_term, shape_products
from agent.engines.local.hardware_term_sense import COMPUTE_WORDS, is_hardware_term, sentence_end
from core.models import Hardware


@dataclass
class Item:
    start: int  # first character of the mention, vendor included
    end: int  # after a consumed head noun
    name: str
    hw_class: str
    level: str
    strong: bool = True
    product: str = ""  # the catalog product a specific mention names, when it comes from the catalog


# the literal "x" first lets the regex engine skip to it (a leading look-behind is tried at every position)
_MULTIPLIER_X = re.compile(r"x(?<=\dx)(?=[a-z]{1,3}\d)")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|/\s*|vs\.?\s+|versus\s+)")
_LIST_ITEM_END = re.compile(r"\s*(?:[,;:)/.]|and\b|or\b|vs\b|versus\b|$)")
# "GPUs (e.g., A100)", "four SoCs: X, Y", "consumer GPUs with 24GB memory (e.g., RTX 4090)"
_APPOSITION = re.compile(r"(?:\s+(?:with|of)\s+[\w\s.-]{1,24}?)?\s*\(\s*(?:(?:e\.g\.|i\.e\.|such as|like|including|"
                         r"namely)[,:]?\s*)?|\s*:\s*")
_ATTACHED = re.compile(r"\s+(?:on|of|in)\s+(?:(?:the|a|an|our|their)\s+)?|\s*/\s*")
def find_hardware(text: str) -> list[Hardware]:
    gazetteer = hardware_gazetteer()
    # "8xA100": the multiplier's x would hide the product from the word-boundary match.
    lowered = _MULTIPLIER_X.sub(" ", ascii_lowered(text))
    products = _products(text, lowered, gazetteer)
    items = sorted(products + _class_items(text, lowered, gazetteer, products), key=lambda item: item.start)
    result: dict[str, Hardware] = {}
    # "Intel's Loihi 2 ... on Loihi 2": a later bare mention is the product named with its vendor;
    # "GAP8 ... GAP-8": one product, named as first written
    with_vendor = {_identity(tail): item.name for item in items if item.level == "specific"
                   for tail in _vendor_tails(item.name)}
    fullest = _fullest_names(items)
    for item in items:
        name = fullest.get(item.product) or item.name
        name = with_vendor.get(_identity(name), name) if item.level == "specific" else name
        result.setdefault(_identity(name), Hardware(name=name, hw_class=item.hw_class, level=item.level))
    return list(result.values())


def _fullest_names(items: list[Item]) -> dict[str, str]:
    """Catalog product -> the name of its fullest mention: "an NVIDIA Jetson TX2 GPU ... the TX2 CPU" names
    one product, written out in full once (the first of the longest wins)."""
    out: dict[str, str] = {}
    for item in items:
        if item.product and len(item.name.split()) > len(out.get(item.product, "").split()):
            out[item.product] = item.name
    return out


def _identity(name: str) -> str:
    """One key for the spellings of one product ("GAP8", "GAP-8", "gap 8"); str methods, not a regex."""
    return name.casefold().replace(" ", "").replace("-", "")


def _vendor_tails(name: str) -> list[str]:
    """'GreenWaves Technologies GAP8' -> ['GAP8']: the name without its (one- or two-word) vendor."""
    words = name.split()
    return [" ".join(words[i:]) for i in (1, 2) if len(words) > i
            and (i == 1 or words[1] in COMPANY_WORDS)]


def _products(text: str, lowered: str, gazetteer: HardwareGazetteer) -> list[Item]:
    candidates: list[Item] = []
    for hit in _leftmost_longest(gazetteer.products.find(text, lowered) + gazetteer.families.find(text, lowered)):
        if candidates and hit.start < candidates[-1].end:
            continue  # inside the model number or head noun of the previous product
        item = _product_item(text, hit, gazetteer)
        if item is None:
            continue
        if candidates and _juxtaposed(text, candidates[-1], item):
            candidates[-1] = _joined(candidates[-1], item)  # "Jetson Tegra X2", "Ampere A100": one name
        else:
            candidates.append(item)
        siblings = _suffix_siblings(text, hit, item)
        if siblings and item.end == hit.end or siblings and _PAREN_LIST.match(text, item.end):
            candidates.pop()  # "three STM32 platforms (N6, H7, and U5)": the models replace the family
        candidates += siblings
    # A weak alias ("4090", "Ampere") counts in a list with an accepted product, if it ends there
    # ("GPUs (A100, RTX 6000, 4090, 3090)", not "V100, Xavier initialization").
    confirmed = {id(c) for c in candidates if c.strong}
    listable = [c for c in candidates if c.strong or _LIST_ITEM_END.match(text, c.end)]
    spread_through_lists(text, listable, confirmed, _LIST_GAP)
    return _with_shapes(text, lowered, [c for c in candidates if id(c) in confirmed])


def _with_shapes(text: str, lowered: str, known: list[Item]) -> list[Item]:
    """Add the products recognised by shape (hardware_shapes). A shape mention that overlaps a catalog
    product replaces it only when it starts with it and runs on past it ("Intel Gaudi 4" over "Gaudi"):
    then it keeps the catalog's class, which knows the product line better than the vendor does."""
    out = list(known)  # in text order, not overlapping: searched by start
    starts = [k.start for k in out]
    added: list[Item] = []
    for shape in _without_overlaps(shape_products(text, lowered, [(k.start, k.end) for k in known])
                                   + acronym_products(text) + machine_products(text)):
        first = max(0, bisect.bisect_left(starts, shape.start) - 1)
        overlapping = [i for i in range(first, bisect.bisect_left(starts, shape.end))
                       if out[i].start < shape.end and shape.start < out[i].end]
        if not overlapping:
            if not shape.weak or _has_company(shape, known):
                added.append(Item(shape.start, shape.end, shape.name, shape.hw_class, "specific"))
        elif len(overlapping) == 1 and shape.start <= out[overlapping[0]].start \
                and shape.name_end > out[overlapping[0]].end:
            old = out[overlapping[0]]
            out[overlapping[0]] = Item(shape.start, shape.end, shape.name, old.hw_class, "specific")
    return sorted(out + added, key=lambda item: item.start)


def _without_overlaps(shapes: list[Shape]) -> list[Shape]:
    kept: list[Shape] = []
    for shape in sorted(shapes, key=lambda s: (s.start, -s.end)):
        if not kept or shape.start >= kept[-1].end:
            kept.append(shape)
    return kept


def _has_company(shape: Shape, products: list[Item]) -> bool:
    """A list item without a model number is a product when its list also names a known product."""
    first = bisect.bisect_left([p.start for p in products], shape.list_start)
    return first < len(products) and products[first].start < shape.list_end


# "Raspberry Pi-4", "A100-80GB": a hyphen-joined variant is part of the name as written (LABELLING §3).
_HYPHEN_VARIANT = re.compile(r"-\d+(?:\.\d+)?[A-Za-z]{0,3}(?![\w-])")
_ONE_SPACE = re.compile(r" ")
# "Arria 10 SoC FPGA", "Zynq UltraScale+ MPSoC": the SoC edition of an FPGA family is its own product
_SOC_VARIANT = re.compile(r"\s+((?:MP|RF)?SoC)(?![\w-])")
_PAREN_LIST = re.compile(r"\s*\(\s*")
_BARE_MODEL = re.compile(r"[A-Za-z]{0,3}\d[\w]*")


_ON_BEFORE = re.compile(r"\b(?:on|at)\s+(?:the\s+)?$", re.IGNORECASE)


def _runs_on_machine(text: str, hit: Hit[ProductAlias]) -> bool:
    """'... on Frontier while training on 512 GPUs': a machine's bare name (a common word too) counts
    after 'on'/'at' in a sentence about processors or nodes."""
    if not _ON_BEFORE.search(text, max(0, hit.start - 12), hit.start):
        return False
    sentence = text[text.rfind(". ", 0, hit.start) + 1:sentence_end(text, hit.end)]
    return COMPUTE_WORDS.search(sentence) is not None


def _juxtaposed(text: str, first: Item, second: Item) -> bool:
    """Two product names written side by side with one space, nothing else: one product named by
    its family and its model ("Nvidia Jetson Tegra X2", "NVIDIA Ampere A100")."""
    return (first.level == second.level == "specific" and first.end == first.start + len(text[first.start:first.end])
            and _ONE_SPACE.fullmatch(text, first.end, second.start) is not None
            and not text[first.end - 1].isspace() and first.name != second.name)


def _joined(first: Item, second: Item) -> Item:
    tail = second.name
    for vendor in first.name.split()[:1]:
        tail = tail[len(vendor) + 1:] if tail.startswith(vendor + " ") else tail
    return Item(first.start, second.end, f"{first.name} {tail}", second.hw_class, "specific",
                first.strong or second.strong)


def _suffix_siblings(text: str, hit: Hit[ProductAlias], item: Item) -> list[Item]:
    """ "STM32 H7, N6 and U5": further model numbers listed after a family's first one."""
    product = hit.payload.product
    if product.suffix is None:
        return []
    out: list[Item] = []
    end = item.end
    opening = _PAREN_LIST.match(text, end)
    if opening is None and product.suffix.match(text, hit.end) is None:
        return []
    suffix_text = "" if opening else text[hit.end:item.end]
    base = item.name[:len(item.name) - len(suffix_text.strip())].rstrip() if suffix_text.strip() else item.name
    if opening:  # the family's own head noun is no model number: "STM32 platforms (N6, ...)"
        base = re.sub(r"\s+\S+$", "", item.name) if item.end > hit.end and not product.suffix.match(text, hit.end) \
            else base
    gap_re = _LIST_GAP
    while (gap := (opening if opening and not out else gap_re.match(text, end))) is not None:
        model = product.suffix.match(text, gap.end() - 1) if text[gap.end() - 1].isspace() else None
        model = model or (_BARE_MODEL.match(text, gap.end()) if product.suffix.match(" " + text[gap.end():gap.end() + 12]) else None)
        if model is None or model.end() <= gap.end() or _word_continues(text, model.end()):
            break
        out.append(Item(gap.end(), model.end(), f"{base} {model.group().strip()}", item.hw_class, "specific"))
        end = model.end()
    return out


def _word_continues(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isalnum() or text[end] == "-")


def _leftmost_longest(hits: list[Hit[ProductAlias]]) -> list[Hit[ProductAlias]]:
    chosen: list[Hit[ProductAlias]] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen


def _product_item(text: str, hit: Hit[ProductAlias], gazetteer: HardwareGazetteer) -> Item | None:
    alias, product = hit.payload, hit.payload.product
    end, suffix = hit.end, ""
    if product.suffix is not None:
        model = product.suffix.match(text, end)
        if model:
            # "iPhone-X" is written "iPhone X"; a hyphen before a model number stays ("Core i7-8700K",
            # "STM32-F746").
            suffix, end = re.sub(r"^-(?=[A-Za-z]+$)|\s+", " ", model.group()), model.end()
        elif end < len(text) and text[end].isalnum():
            return None  # "Mi" in "Microsoft", "Atom" in "Atomic"
    variant = _HYPHEN_VARIANT.match(text, end)
    end = variant.end() if variant else end
    soc = _SOC_VARIANT.match(text, end) if product.hw_class == "fpga" else None
    end = soc.end() if soc else end
    lead = gazetteer.vendor_before.search(text, max(0, hit.start - 48), hit.start)
    vendor, brand, mobile = (lead.group("vendor"), lead.group("brand"), lead.group("mobile")) if lead else (None,) * 3
    head = gazetteer.head_noun_after.match(text, end)
    if vendor and product.vendor and product.vendor not in gazetteer.vendor_display[vendor] \
            and product.vendor_prefixed and vendor in dropped_brands():
        vendor, brand = None, vendor  # "Tesla T4": the vendor's word is the NVIDIA brand here (LABELLING §3)
    if vendor and product.vendor and product.vendor not in gazetteer.vendor_display[vendor]:
        vendor = None  # "Huawei P40" is no NVIDIA P40: another vendor's name confirms nothing
        if alias.weak:
            return None
    confirmed = bool(vendor or brand or suffix or (head and head.group("confirming"))
                     or (alias.weak or product.microarchitecture) and after_generic_term(text, hit.start)
                     or alias.weak and product.hw_class == "datacenter" and _runs_on_machine(text, hit))
    if product.microarchitecture and not (vendor or brand or (head and head.group("confirming"))):
        confirmed = False  # "Turing", "Pascal", "Volta" need "NVIDIA" or a GPU noun
    name, hw_class = product_name(alias, vendor, suffix, gazetteer, hit.surface)
    company = lead.group("company") if lead else None
    if company and vendor and name.startswith(gazetteer.vendor_display[vendor] + " "):
        name = f"{gazetteer.vendor_display[vendor]}{company} {name.split(' ', 1)[1]}"
    name += (variant.group() if variant else "") + (f" {soc.group(1)}" if soc else "")
    mobile_gpu = product.microarchitecture and head is not None and "gpu" in head.group().lower() and (
        mobile is not None or "mobile" in head.group().lower())
    if mobile_gpu:  # "mobile Ampere GPUs" -> "NVIDIA Ampere mobile GPU"
        name, hw_class = f"{name} mobile GPU", "mobile"
    edition = trailing_edition(text, end, gazetteer) if head is None and (not alias.weak or vendor or brand) else None
    if edition:
        name, end = f"{name} {edition.group(1)}", edition.end(1)
    start = lead.start() if lead and lead.group() and (vendor or brand or mobile_gpu) else hit.start
    return Item(start, head.end() if head else end, name, hw_class, "specific", not alias.weak or confirmed,
                product.canonical + suffix)


def _class_items(text: str, lowered: str, gazetteer: HardwareGazetteer, products: list[Item]) -> list[Item]:
    taken = SpanSet((p.start, p.end) for p in products)
    hits = [h for h in gazetteer.class_terms.find(text, lowered)
            if not taken.overlaps(h.start, h.end) and is_hardware_term(text, h)]
    hits = _without_defined_acronyms(text, hits)
    hits = shared_modifier_terms(text, gazetteer, hits)
    hits = sorted(hits + shared_head_terms(text, gazetteer, hits) + distributed_heads(text, lowered, gazetteer, hits),
                  key=lambda h: h.start)
    anchors = {p.start for p in products}
    free: list[Hit[ClassTerm]] = []
    # Right to left, so that "GPU/DSP of mobile platforms (Samsung Galaxy S21)" chains to the product.
    for hit in reversed(hits):
        if _follower_start(text, hit.end) in anchors:
            anchors.add(hit.start)
        else:
            free.append(hit)
    items = []
    for h in reversed(free):
        items += _implied_processor(h, gazetteer)
        items.append(Item(h.start, h.end, h.payload.name, h.payload.hw_class, "class"))
    return items


_OPEN_PAREN = re.compile(r"\s*\(\s*")
_CLOSE_PAREN = re.compile(r"s?\s*\)")


def _without_defined_acronyms(text: str, hits: list[Hit[ClassTerm]]) -> list[Hit[ClassTerm]]:
    """'mobile Graphics Processing Unit (GPU)': the acronym in parentheses defines the term spelled out
    before it, so it is the same mention, not a second (unmodified) one."""
    kept: list[Hit[ClassTerm]] = []
    for hit in hits:
        prev = kept[-1] if kept else None
        if (prev is not None and hit.surface.isupper() and not prev.surface.isupper()
                and _OPEN_PAREN.fullmatch(text, prev.end, hit.start) and _CLOSE_PAREN.match(text, hit.end)):
            words = prev.surface.replace("-", " ").split()[-len(hit.surface.rstrip("s")):]
            if "".join(w[0] for w in words).upper() == hit.surface.rstrip("s"):
                continue
        kept.append(hit)
    return kept


def _implied_processor(hit: Hit[ClassTerm], gazetteer: HardwareGazetteer) -> list[Item]:
    """'a GPU cluster' also names GPUs: a machine-group term whose modifier is itself a processor
    term gives that processor's item too (the modifier is not the head of a specific mention)."""
    words = hit.payload.name.split()
    if len(words) != 2 or hit.payload.hw_class != "datacenter":
        return []
    term = gazetteer.class_terms.lookup(words[0])
    return [Item(hit.start, hit.end, term.name, term.hw_class, "class")] if term is not None else []


def _follower_start(text: str, end: int) -> int | None:
    """Where the thing a term is in apposition or attached to begins, if anything follows."""
    for connector in (_APPOSITION, _ATTACHED):
        match = connector.match(text, end)
        if match and match.end() > end:
            return match.end()
    return None
