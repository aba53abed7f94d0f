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
    # "a Xilinx (AMD) FPGA device": a parenthesised other name may stand between vendor and noun
    return re.compile(r"(?<![\w-])(?P<v>" + "|".join(re.escape(n) for n in names) + r")(?:'s)?"
                      r"(?:\s*\((?:" + "|".join(re.escape(n) for n in names) + r")\))?"
                      r"(?P<g>[\s-]+(?:(?i:fpga|gpu|cpu|asic|arm|mobile|edge|server|desktop|embedded)[\s-]+)?(?i:" + generic + r")s?)(?![\w-])")


def vendor_mentions(question: str) -> list[tuple[str, str]]:
    """(surface, vendor) of each vendor the question names with a generic hardware word."""
    out = []
    for m in _vendor_rx().finditer(question):
        vendor = _vendor_aliases()[m.group("v")]
        if vendor not in [v for _, v in out]:
            out.append((m.group(0) + _example_gloss(question[m.end():]), vendor))
    return out


def vendor_of(name: str) -> str | None:
    """The vendor of a product name as the claims table stores it ("Intel Xeon 5220", "Xeon", "M1 Pro")."""
    toks = _tokens(name)
    if not toks:
        return None
    lowered = _lowered_aliases()
    for n in (2, 1):     # a written vendor first ("AMD Xilinx Alveo U280", "Intel Xeon")
        if " ".join(toks[:n]) in lowered:
            return lowered[" ".join(toks[:n])]
    products = _product_vendors()
    for end in range(len(toks), 0, -1):
        if toks[:end] in products:
            return products[toks[:end]]
    return None


@lru_cache(maxsize=1)
def _lowered_aliases() -> dict[str, str]:
    return {k.lower(): v for k, v in _vendor_aliases().items()}


def is_vendor_name(name: str) -> bool:
    """Is `name` itself a vendor's name or alias ("Intel", "nvidia"), not a product?"""
    return name.lower() in _lowered_aliases()


def vendor_written(vendor: str, text: str) -> bool:
    """Does the text write the vendor's name, in a spelling the gazetteer lists (case kept)?"""
    names = [a for a, v in _vendor_aliases().items() if v == vendor]
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w])", text) for n in names)


def meets_vendor(vendor: str, hardware_names: list[str], text: str) -> bool:
    return any(vendor_of(n) == vendor for n in hardware_names) or vendor_written(vendor, text)


# -- families: architectures, product lines and kinds of hardware ------------------------------------
# Nouns that confirm a weak family spelling ("Turing GPUs", "Volta architecture", "Ampere-based").
_FAMILY_HEAD = (r"(?:[\s-]+(?:generation|architecture|microarchitecture|class|series|family|based|era|line|"
                r"gpus?|graphics\s+cards?|cards?|chips?|hardware|devices?|boards?|processors?|cpus?|socs?|platforms?|modules?|kits?))")


@lru_cache(maxsize=1)
def _families() -> dict[str, dict]:
    """Family name -> {"rx": question/abstract matcher, "members": token tuples, "patterns": regexes,
    "vendor": its vendor or None} from hardware.yaml's `families`."""
    from agent.engines.local.gazetteer import load_yaml

    vendor_names = "|".join(re.escape(a) for a in _vendor_aliases())
    out = {}
    for name, spec in (load_yaml("hardware.yaml").get("families") or {}).items():
        forms = []
        for raw in spec.get("written", []):
            body = r"[\s-]*".join(re.escape(w) for w in raw.lstrip("~").split())
            if raw.startswith("~"):     # a common word too: only with the vendor before or a hardware noun after
                forms.append(rf"(?:(?:{vendor_names})[\s-]+{body}(?:s)?{_FAMILY_HEAD}?|{body}{_FAMILY_HEAD})")
            else:
                forms.append(rf"{body}(?:e?s)?{_FAMILY_HEAD}?")
        out[name] = {"rx": re.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\w-])", re.I),
                     # a product is named as written (LABELLING §3): "Grace Hopper" is the member GH200
                     "members": [_tokens(a) for m in spec.get("members", []) for a in _written_names().get(m, [m])],
                     # matched against the name's tokens joined by spaces: a written "-" or " " is either
                     "patterns": [re.compile(re.sub(r"\\?[- ]", r"[\\s-]?", p), re.I) for p in spec.get("patterns", [])],
                     "vendor": spec.get("vendor"),
                     # lower-case words one of which a text must contain before the pattern is tried
                     "words": tuple({raw.lstrip("~").split()[0].lower() for raw in spec.get("written", [])})}
    return out


def family_mentions(question: str, products: list[str] = ()) -> list[tuple[str, str]]:
    """(surface, family) of each family the question names at the family level: "Ampere GPUs",
    "edge boards", "any Snapdragon chip". A family word that begins a longer product name the
    question writes ("Jetson AGX Xavier", given in `products` as written) is that product, not the family."""
    found = []
    for name, fam in _families().items():
        for m in fam["rx"].finditer(question):
            word = m.group(0)
            longer = [p for p in products if word.lower() in p.lower() and len(p) > len(word.rstrip("s")) + 1
                      and not _same_name(p, name)]
            if not longer and not _product_at(question, m, name):
                found.append((m.span(), word, name))
    # "GeForce RTX": the longest family written at a place, not also the "GeForce" inside it
    out: list[tuple[str, str]] = []
    for (a, b), word, name in found:
        inside = any(a2 <= a and b <= b2 and b2 - a2 > b - a for (a2, b2), _, _ in found)
        if not inside and name not in [f for _, f in out]:
            out.append((word + _example_gloss(question[b:]), name))
    return out


# Examples written right after a level ("Volta GPUs (for example a V100 or V100S)", "Ampere GPUs such
# as the A100"): they illustrate the level, so they belong to its surface, not to the question's terms.
_GLOSS = re.compile(r"^(?:\s*\((?i:for\s+example|for\s+instance|e\.\s?g\.|such\s+as|like|i\.\s?e\.|an?\s|the\s)[^()]*\)"
                    r"|,?\s+(?i:such\s+as|like|e\.\s?g\.,?|for\s+example)\s+(?:an?\s+|the\s+)?"
                    r"[A-Z0-9][\w.-]*(?:\s+[A-Z0-9][\w.-]*)*(?:(?:,\s*|\s+or\s+|\s+and\s+)(?:an?\s+|the\s+)?"
                    r"[A-Z0-9][\w.-]*(?:\s+[A-Z0-9][\w.-]*)*)*)")


def _example_gloss(after: str) -> str:
    m = _GLOSS.match(after)
    return m.group(0) if m else ""


def _product_at(question: str, m: re.Match, family: str) -> bool:
    """Does a member product start at the family word ("Jetson Orin", "GeForce RTX 3090")? Then the
    question names that product. A family word with its head noun ("Jetson boards") names the family."""
    from agent.engines.local.entities import extract_hardware

    if re.search(_FAMILY_HEAD + "$", m.group(0), re.I):
        return False
    window = question[m.start():m.end()] + " ".join(question[m.end():].split(" ")[:4])
    word = tuple(t for t in _tokens(m.group(0)) if t not in _dropped_brands())    # "GeForce RTX 3090" is "RTX 3090"

    def starts_with_word(name: str) -> bool:
        toks = _tokens(name)
        return any(t[:len(word)] == word for t in (toks, toks[1:]))

    return any(h.level == "specific" and family_member(family, h.name) and not _same_name(h.name, family)
               and starts_with_word(h.name) for h in extract_hardware(window))


@lru_cache(maxsize=1)
def _dropped_brands() -> frozenset[str]:
    from agent.engines.local.gazetteer import load_yaml

    return frozenset(b.lower() for b in load_yaml("hardware.yaml").get("dropped_brands", []))


@lru_cache(maxsize=1)
def _written_names() -> dict[str, list[str]]:
    """Catalog product name -> the names a claims table may store for it: itself and its strong
    aliases (the extractor keeps another name of a product as written)."""
    from agent.engines.local.gazetteer import load_yaml, parse_alias

    out: dict[str, list[str]] = {}
    for group in load_yaml("hardware.yaml")["product_groups"]:
        for canonical, spec in group["products"].items():
            aliases = spec.get("aliases", []) if isinstance(spec, dict) else spec or []
            strong = [parse_alias(str(a))[0] for a in aliases if not parse_alias(str(a))[2]]
            out.setdefault(canonical, [canonical])
            out[canonical] += [a for a in strong if a not in out[canonical]]
    return out


def _same_name(product: str, family: str) -> bool:
    toks = _tokens(product)
    return toks == _tokens(family) or (len(toks) > 1 and toks[1:] == _tokens(family))


def family_member(family: str, name: str) -> bool:
    """Is the product (as the claims table stores it, "NVIDIA RTX 3090") a member of the family?"""
    fam = _families()[family]
    toks = _tokens(name)
    if fam["vendor"] and vendor_of(name) not in (fam["vendor"], None):
        return False
    bare = [toks, toks[1:]] if len(toks) > 1 and toks[0] in _lowered_aliases() else [toks]
    for t in bare:
        if any(len(mem) <= len(t) and t[:len(mem)] == mem for mem in fam["members"]):
            return True
        if any(p.fullmatch(" ".join(t)) for p in fam["patterns"]):
            return True
    return False


def meets_family(family: str, hardware_names: list[str], text: str) -> bool:
    if any(family_member(family, n) for n in hardware_names):
        return True
    fam = _families()[family]
    low = text.lower()
    return any(w in low for w in fam["words"]) and bool(fam["rx"].search(text))


def level_mentions(question: str, products: list[str] = ()) -> list[tuple[str, str]]:
    """(surface, level key) of every vendor ("Intel") and family ("family:Ampere") the question names."""
    families = family_mentions(question, products)
    # "edge boards such as a Raspberry Pi": a family named as an example of a wider one illustrates it
    # ... but "Cortex-M microcontrollers": a narrower family written as the modifier of a wider kind is
    # the constraint, and the wider kind only its head noun
    def narrower_example(s: str, f: str) -> bool:
        return any(g != f and family_member(g, f) and s in sg for sg, g in families)

    def wider_head(s: str, f: str) -> bool:
        return any(g != f and family_member(f, g) and sg not in s for sg, g in families)

    families = [(s, f) for s, f in families if not narrower_example(s, f) and not wider_head(s, f)]
    # "NVIDIA GPUs of the Volta generation": the family says the vendor
    vendors = vendor_mentions(question)
    # "Apple hardware (an iPhone or an Apple-silicon Mac)": a family inside a vendor's examples is one
    families = [(s, f) for s, f in families if not any(s in v_surface and s != v_surface for v_surface, _ in vendors)]
    vendors = [(s, v) for s, v in vendors if not any(_families()[f]["vendor"] == v for _, f in families)]
    return vendors + [(s, f"family:{f}") for s, f in families]


def meets_level(key: str, hardware_names: list[str], text: str) -> bool:
    if key.startswith("family:"):
        return meets_family(key[len("family:"):], hardware_names, text)
    return meets_vendor(key, hardware_names, text)


def within_level(product: str, keys: set[str]) -> bool:
    """Is a product the question names an example of (or the name of) one of its vendor/family levels?
    "Ampere GPUs such as the A100": the A100 illustrates the family; it does not narrow it."""
    if vendor_of(product) in keys:
        return True
    if _tokens(product) and " ".join(_tokens(product)) in {a.lower() for a in _vendor_aliases()} and any(
            k.startswith("family:") and _families()[k[len("family:"):]]["vendor"] == vendor_of(product) for k in keys):
        return True     # "NVIDIA GPUs of the Volta generation": the family says the vendor
    for key in keys:
        if key.startswith("family:"):
            family = key[len("family:"):]
            if family_member(family, product) or _same_name(product, family):
                return True
    return False


def baseline_covers(asked: str, baseline: str) -> bool:
    """Does a claim's baseline ("NVIDIA V100 GPU", "baseline Volta architecture") fall under the
    baseline a question asks for at a wider level: a family ("Volta GPUs"), a vendor ("Intel CPUs")
    or a kind of hardware ("a GPU": any GPU product)?"""
    keys, classes = _asked_level(asked)
    if not keys and not classes:
        return False
    named = _baseline_hardware(baseline)
    if keys:
        return any(meets_level(k, [h.name for h in named if h.level == "specific"], baseline) for k in keys)
    return any(h.hw_class in classes for h in named)


@lru_cache(maxsize=4096)
def _baseline_hardware(baseline: str) -> tuple:
    """The hardware a claim's baseline names (claims rows repeat across questions: read once)."""
    from agent.engines.local.entities import extract_hardware

    return tuple(extract_hardware(baseline))


@lru_cache(maxsize=64)
def _asked_level(asked: str) -> tuple[frozenset[str], frozenset[str]]:
    """The vendor/family keys of an asked baseline, else its hardware classes when it names only
    classes ("a GPU"; not "an NVIDIA V100", which is a product)."""
    from agent.engines.local.entities import extract_hardware

    keys = frozenset(k for _, k in level_mentions(asked))
    hw = extract_hardware(asked)
    only_classes = bool(hw) and all(h.level == "class" for h in hw)
    return keys, frozenset(h.hw_class for h in hw) if only_classes and not keys else frozenset()
