"""Named machines (supercomputers, clusters) recognised by the phrase that measures them out.

A machine is rarely introduced with a hardware noun after its name; it is counted out in processors or
nodes: "scaling to 1024 GPUs of Frontier", "on 512 nodes of Summit", "4,096 GCDs of LUMI". A count, a
processor or node noun and "of" before a capitalised name say the name is a machine (LABELLING §3: a
compute platform the paper runs on), whether or not the catalog knows it; "the Alps supercomputer" is
read by hardware_shapes.
"""

from __future__ import annotations

import re

from agent.engines.local.hardware_shapes import Shape, blocked_name

# "1024 GPUs of", "2,048 A100 GPUs of", "512 compute nodes of the", read back from an " of " (a literal
# search is far cheaper than a regex tried at every position of the abstract)
_COUNTED_OUT_BEFORE = re.compile(
    r"(?<![\w.])\d[\d,]*\s+(?:[A-Za-z][\w-]*\s+)?(?:GPUs|GCDs|TPUs|CPUs|nodes|cores|processors|accelerators|"
    r"chips|sockets|servers)$")
_MACHINE_AFTER = re.compile(r"(?:the\s+)?(?P<name>[A-Z][A-Za-z0-9]+(?:[ -][A-Z0-9][A-Za-z0-9]*)?)(?![\w-])")
# A capitalised word that counts out something other than a machine: "1024 GPUs of Table 2", "of Each".
_NOT_MACHINE = re.compile(r"(?:The|This|These|Each|Our|Their|Its|Table|Figure|Fig|Section|All|Both|One|Two|"
                          r"NVIDIA|AMD|Intel|Google|Type|Size)(?![\w-])")


def machine_products(text: str) -> list[Shape]:
    """Machines named after a count of their processors or nodes, in text order."""
    out = []
    at = text.find(" of ")
    while at >= 0:
        name = _MACHINE_AFTER.match(text, at + 4)
        if name is not None and _COUNTED_OUT_BEFORE.search(text, max(0, at - 40), at):
            word = name.group("name")
            if not _NOT_MACHINE.match(word) and not blocked_name(word):
                out.append(Shape(name.start("name"), name.end("name"), name.end("name"), word, "datacenter"))
        at = text.find(" of ", at + 4)
    return out
