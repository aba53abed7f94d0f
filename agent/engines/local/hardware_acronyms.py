"""A platform named by an acronym the abstract spells out, then a hardware noun (LABELLING §3):
"the QRX (quiet-risc-execution) MCU", "a ZEB (zero energy board) board". The spelled-out words
spell the acronym, so it names something, and the noun after the parenthesis says it is hardware.

Only nouns that name a device and no method are heads here (an MCU, microcontroller, SoC or board);
"chip", "processor" and "accelerator" after an acronym are as often a research design named as a
method ("a PIM (processing-in-memory) processor"), which §3 records only through the class term.
A generic term of the lexicon ("NPU (neural processing unit) ...") is no product name.
"""

from __future__ import annotations

import re

from agent.engines.local.hardware_shapes import Shape, _blocked, _class_for
from agent.engines.local.hardware_context import sentence

_DEFINED = re.compile(
    r"(?<![\w-])(?P<name>[A-Z]{2,6})\s*\(\s*(?P<words>[A-Za-z][A-Za-z\s-]{2,60}?)\s*\)\s+"
    r"(?P<head>MCUs?|microcontrollers?|SoCs?|boards?)(?![\w-])", re.IGNORECASE)


def acronym_products(text: str) -> list[Shape]:
    if "(" not in text:
        return []
    from agent.engines.local.hardware_lexicon import hardware_gazetteer

    terms = hardware_gazetteer().class_terms
    out = []
    for match in _DEFINED.finditer(text):
        name, words = match.group("name"), re.split(r"[\s-]+", match.group("words").strip())
        if not name.isupper() or "".join(w[0] for w in words).upper() != name:
            continue
        if terms.lookup(name) is not None or _blocked(name):
            continue
        head = match.group("head").rstrip("s") if match.group("head").lower() != "socs" else "SoC"
        out.append(Shape(match.start("name"), match.end(), match.end("name"), name,
                         _class_for(head, None, sentence(text, match.start(), match.end()))))
    return out
