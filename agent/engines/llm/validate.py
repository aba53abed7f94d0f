"""Checks of what a model said, field by field and item by item, before anything reaches an Extraction.

The answer is parsed leniently at the top (one missing or malformed field costs only that field)
and each item is checked on its own (agent/engines/llm/items.py): bad items are dropped into
`rejected` with their reason, the rest of the field is kept. A field with a rejected item is
re-asked once; it falls back to the local engine only when nothing valid remains and the model
did not simply say "none" (an empty list). The TL;DR: one sentence of sane length, no digit the
abstract lacks, no echo of the instructions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agent.engines.llm.items import (  # noqa: F401 - the checks engines call live in items.py
    check_datasets, check_hardware, check_speedups, check_topics, class_terms, repair_evidence)

_WORD = re.compile(r"[a-z0-9]+")
MAX_TLDR_WORDS = 60
SHINGLE = 6
_FENCED_JSON = re.compile(r"^\s*```(?:json|JSON)?\s*\n(.*?)\n?```\s*$", re.S)


@dataclass
class Checked:
    """What survived the checks. A field may have a value AND an error: some items were valid
    (kept), others were rejected (the field is re-asked, and keeps its valid items either way)."""

    values: dict[str, Any] = field(default_factory=dict)     # field -> contract value (valid items)
    errors: dict[str, str] = field(default_factory=dict)     # field -> why to re-ask it
    rejected: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # field -> dropped items
    parsed: bool = False                                      # the answer was JSON of the right shape

    def reject(self, name: str, item: Any, reason: str, label: str = "") -> None:
        entry = {**item} if isinstance(item, dict) else {"name": item}
        self.rejected.setdefault(name, []).append({**entry, "reason": reason})
        problems = self.errors.get(name)
        line = f"{label}: {reason}" if label else reason
        self.errors[name] = f"{problems}; {line}" if problems else line

    def settle(self, name: str, kept: list, *, said: int) -> None:
        """Record a list field: its valid items, unless the model said something and none was valid."""
        if kept or said == 0:
            self.values[name] = kept

    def fail(self, name: str, reason: str) -> None:
        self.errors[name] = reason

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(self.errors)


def parse_output(content: str, fields: tuple[str, ...]) -> tuple[dict[str, Any] | None, str | None]:
    """The answer's JSON object; truncated or non-JSON text is an error, never repaired. A ```json
    fence around the object (small local models add one) is removed first."""
    fenced = _FENCED_JSON.match(content or "")
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"the answer is not complete JSON ({exc.msg} at char {exc.pos})"
    except TypeError:
        return None, "the answer is empty"
    if not isinstance(data, dict):
        return None, f"the answer is JSON but not an object with the fields {', '.join(fields)}"
    return data, None


def field_value(data: dict[str, Any], name: str, kind: type, out: Checked) -> Any:
    """data[name] if it has the expected JSON type, else None and an error for that field only."""
    value = data.get(name)
    if isinstance(value, kind):
        return value
    out.fail(name, f"the answer has no {name!r} field" if value is None else
             f"{name!r} should be a JSON {'array' if kind is list else 'string'}")
    return None


def check_tldr(text: str, abstract: str, instructions: str, out: Checked) -> None:
    from agent.engines.local.tldr import foreign_numbers

    tldr = " ".join(text.split())
    n_words = len(tldr.split())
    foreign = foreign_numbers(tldr, abstract)
    if not tldr:
        out.errors["tldr"] = "empty"
    elif echoes_instructions(tldr, instructions, abstract):
        out.errors["tldr"] = "repeats the instructions instead of summarising the paper"
    elif n_words > MAX_TLDR_WORDS:
        out.errors["tldr"] = f"{n_words} words; write one sentence of 15-35 words"
    elif foreign:
        out.errors["tldr"] = "numbers not in the abstract: " + ", ".join(sorted(foreign)[:5])
    else:
        out.values["tldr"] = tldr


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@lru_cache(maxsize=16)
def _instruction_shingles(instructions: str) -> frozenset[tuple[str, ...]]:
    return frozenset(_shingles(instructions))


def echoes_instructions(text: str, instructions: str, abstract: str) -> bool:
    """True when `text` quotes the prompt's instructions (6 words in a row the abstract lacks)."""
    if "<<<DATA" in text or ("END " in text and ">>>" in text):
        return True
    quoted = _shingles(text) & _instruction_shingles(instructions)
    return bool(quoted - _shingles(abstract)) if quoted else False


def check_fields(data: dict[str, Any], out: Checked, checkers: dict[str, tuple[type | None, Any]],
                 fields: tuple[str, ...]) -> None:
    """Run each asked field's checker on its value; `kind` None hands the checker the whole answer."""
    for name in fields:
        kind, check = checkers[name]
        value = data if kind is None else field_value(data, name, kind, out)
        if value is not None:
            check(value, out)


def merge(first: Checked, second: Checked, asked: tuple[str, ...]) -> Checked:
    """First answer + the re-ask of the `asked` fields. Per field: the re-ask's value if fully valid,
    else whichever answer kept more valid items; items rejected in either answer stay recorded."""
    merged = Checked(values=dict(first.values), parsed=first.parsed or second.parsed)
    for name in asked:
        merged.values.pop(name, None)
        if name in second.values and name not in second.errors:
            merged.values[name] = second.values[name]
            continue
        options = [c.values[name] for c in (second, first) if name in c.values]
        if options:
            merged.values[name] = max(options, key=lambda v: len(v) if isinstance(v, list) else 1)
        else:
            merged.errors[name] = second.errors.get(name) or first.errors.get(name, "no valid answer")
    for source in (first, second):
        for name, items in source.rejected.items():
            bucket = merged.rejected.setdefault(name, [])
            bucket += [i for i in items if i not in bucket]
    return merged


def final(checked: Checked) -> Checked:
    """No re-ask (or it failed): fields keep their valid items; only fields with none still fail."""
    return Checked(values=dict(checked.values), rejected=checked.rejected, parsed=checked.parsed,
                   errors={k: v for k, v in checked.errors.items() if k not in checked.values})
