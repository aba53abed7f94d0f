"""A product-family view of the stored hardware names, so `--hardware jetson` finds "NVIDIA TX2".

Hardware names are stored as the abstract writes them (evals/LABELLING.md §3): one paper writes
"NVIDIA Jetson TX2", another "NVIDIA TX2". A substring filter finds only the first. The family is
read from the store itself, not from a product list: a model code (a word with both letters and
digits, such as "TX2") that a name matching the filter carries belongs to the filter's family when
at least half of the papers writing that code also write the family word. Then every stored
name with that code matches too. A code most names write without the word stays out: "DGX A100"
does not make every "NVIDIA A100" paper a DGX paper, because most papers with A100 say no DGX.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"(?<![^\W_])(?=[^\W_]*\d)(?=[^\W_]*[A-Za-z])[^\W_]+(?![^\W_])")
# a number with a unit is a size or a speed, not a model ("A100-40GB", "7nm", "3D", "2.4GHz")
_MEASURE = re.compile(r"\d+(?:GB|MB|TB|KB|NM|W|MW|GHZ|MHZ|D|X|K|M|B|BIT|GBPS|TOPS)", re.I)
SHARE = 0.5   # the part of a code's names that must carry the family word


def codes(name: str) -> set[str]:
    """The model codes a hardware name writes, upper-cased ("NVIDIA Jetson TX2" -> {"TX2"})."""
    return {m.group(0).upper() for m in _CODE.finditer(name) if not _MEASURE.fullmatch(m.group(0))}


def family_names(names, query: str) -> list[str]:
    """The stored names that do not contain `query` but carry a model code of its family. `names`
    are the stored names, or (name, papers) pairs: a code's share is counted in papers."""
    q = query.strip().lower()
    if not q:
        return []
    counted = [(n, 1) if isinstance(n, str) else (n[0], int(n[1])) for n in names]
    with_codes = [(name, codes(name), weight) for name, weight in counted]
    family_codes = {c for n, cs, _ in with_codes if q in n.lower() for c in cs}
    kept = {code for code in family_codes if _share(with_codes, code, q) >= SHARE}
    return sorted(n for n, cs, _ in with_codes if q not in n.lower() and cs & kept)


def _share(with_codes: list[tuple[str, set[str], int]], code: str, q: str) -> float:
    writing = [(n, w) for n, cs, w in with_codes if code in cs]
    total = sum(w for _, w in writing)
    return sum(w for n, w in writing if q in n.lower()) / total if total else 0.0
