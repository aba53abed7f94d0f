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

from agent.engines.local.hardware_shapes import Shape, blocked_name, class_for
from agent.engines.local.hardware_context import sentence

# Found from each "(": the acronym right before it, its spelled-out words and a device noun after it.
_NAME_BEFORE = re.compile(r"(?<![\w-])([A-Z]{2,6})\s*$")
_DEFINED_AFTER = re.compile(r"\(\s*(?P<words>[A-Za-z][A-Za-z\s-]{2,60}?)\s*\)\s+"
                            r"(?P<head>(?i:MCUs?|microcontrollers?|SoCs?|boards?))(?![\w-])")


def acronym_products(text: str) -> list[Shape]:
    out = []
    at = text.find("(")
    while at >= 0:
        shape = _defined_at(text, at)
        if shape is not None:
            out.append(shape)
        at = text.find("(", at + 1)
    return out


def _defined_at(text: str, at: int) -> Shape | None:
    name = _NAME_BEFORE.search(text, max(0, at - 12), at)
    after = _DEFINED_AFTER.match(text, at) if name else None
    if after is None:
        return None
    acronym, words = name.group(1), re.split(r"[\s-]+", after.group("words").strip())
    if "".join(w[0] for w in words).upper() != acronym:
        return None
    from agent.engines.local.hardware_lexicon import hardware_gazetteer

    if hardware_gazetteer().class_terms.lookup(acronym) is not None or blocked_name(acronym):
        return None
    head = after.group("head")
    head = "SoC" if head.lower() == "socs" else head.rstrip("s")
    return Shape(name.start(1), after.end(), name.end(1), acronym,
                 class_for(head, None, sentence(text, name.start(1), after.end())))
