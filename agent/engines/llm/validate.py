"""Checks of what a model said, field by field, before anything reaches an Extraction.

Each field either passes (its value is converted to core.models) or gets a one-line reason; the
engine re-asks once with the reasons, then falls back to the local engine for fields still failing.
- speedups: agent.claim_grounding (evidence verbatim in the abstract, containing the value);
- datasets, specific hardware: every word of the name occurs in the abstract (case and separators
  ignored), so a name the abstract never mentions is not accepted;
- class-level hardware: the LABELLING §3 lexicon, with its class;
- topics: 1-4 distinct taxonomy tags;
- TL;DR: one sentence of sane length, no digit the abstract lacks, no echo of the instructions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.engines.llm.schemas import LLMHardware, LLMSpeedup, taxonomy, to_hardware, to_speedup
from core.models import Hardware, Speedup


@lru_cache(maxsize=1)
def class_terms() -> dict[str, str]:
    """Class-level hardware name -> class, from agent/data/hardware.yaml (`class_terms`)."""
    from agent.engines.local.gazetteer import load_yaml

    return {str(e["name"]): str(e["class"]) for e in load_yaml("hardware.yaml")["class_terms"]}


_ADDED_BY_CONVENTION = {"nvidia", "rtx", "gtx", "geforce", "tesla"}   # canonical names may add these
_WORD = re.compile(r"[a-z0-9]+")
MAX_TLDR_WORDS = 60
SHINGLE = 6


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)     # field -> contract value, valid fields only
    errors: dict[str, str] = field(default_factory=dict)     # field -> why it failed
    rejected: list[dict[str, Any]] = field(default_factory=list)  # speedup items dropped, with reasons


def parse_output(content: str, model: type[BaseModel]) -> tuple[BaseModel | None, str | None]:
    """Strict parse: invalid or truncated JSON is an error, never repaired silently."""
    try:
        return model.model_validate(json.loads(content)), None
    except json.JSONDecodeError as exc:
        return None, f"the answer is not complete JSON ({exc.msg} at char {exc.pos})"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, f"the answer does not match the schema ({where}: {first['msg']}; {exc.error_count()} error(s))"


def _norm(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def mentioned(name: str, abstract_norm: str, *, skip: set[str] = frozenset()) -> bool:
    words = [w for w in _WORD.findall(name.casefold()) if w not in skip]
    return bool(words) and all(w in abstract_norm for w in words)


def repair_evidence(abstract: str, evidence: str) -> str | None:
    """The verbatim span the model meant when it rewrote LaTeX or spacing ("2.8×" for "2.8$\\times$")."""
    if not evidence.strip() or abstract.find(evidence) >= 0:
        return evidence if evidence.strip() else None
    parts = []
    for token in re.split(r"(\s+|×|\$?\\times\$?|\\?%)", evidence.strip()):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s*")
        elif token == "×" or token.lstrip("$").startswith("\\times"):
            parts.append(r"\s*(?:×|\$\s*\\times\s*\$|\\times|times|x|X)\s*")
        elif token.endswith("%"):
            parts.append(r"\s*\\?%")
        else:
            parts.append(re.escape(token))
    matches = list(re.finditer("".join(parts), abstract))
    return matches[0].group(0) if len(matches) == 1 else None


def check_speedups(abstract: str, items: list[LLMSpeedup], out: Checked) -> None:
    from agent.claim_grounding import check_speedup

    kept: list[Speedup] = []
    problems: list[str] = []
    for i, item in enumerate(items):
        speedup = to_speedup(item)
        fixed = repair_evidence(abstract, speedup.evidence)
        if fixed is not None and fixed != speedup.evidence:
            speedup = speedup.model_copy(update={"evidence": fixed})
        reason = check_speedup(abstract, speedup)
        if reason is None:
            kept.append(speedup)
            continue
        problems.append(f"item {i} ({speedup.value:g} {speedup.unit}): {reason}")
        out.rejected.append({"value": speedup.value, "unit": speedup.unit, "evidence": speedup.evidence[:200],
                             "reason": reason})
    if problems:
        out.errors["speedups"] = "; ".join(problems)
    else:
        out.values["speedups"] = kept


def check_datasets(abstract: str, names: list[str], out: Checked) -> None:
    norm = _norm(abstract)
    unique = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    missing = [n for n in unique if not mentioned(n, norm)]
    if missing:
        out.errors["datasets"] = "not mentioned in the abstract: " + ", ".join(repr(n) for n in missing[:5])
    else:
        out.values["datasets"] = unique


def check_hardware(abstract: str, items: list[LLMHardware], out: Checked) -> None:
    norm = _norm(abstract)
    problems: list[str] = []
    kept: list[Hardware] = []
    for item in items:
        if item.level == "class":
            expected = class_terms().get(item.name)
            if expected is None:
                problems.append(f"{item.name!r} is not a class-level name (use one of the lexicon names)")
            elif expected != item.hw_class:
                problems.append(f"{item.name!r} has class {expected!r}, not {item.hw_class!r}")
        elif not mentioned(item.name, norm, skip=_ADDED_BY_CONVENTION):
            problems.append(f"{item.name!r} is not mentioned in the abstract")
        if not any(h.name == item.name for h in kept):
            kept.append(to_hardware(item))
    if problems:
        out.errors["hardware"] = "; ".join(problems)
    else:
        out.values["hardware"] = kept


def check_topics(tags: list[str], out: Checked) -> None:
    known = taxonomy()
    unknown = [t for t in tags if t not in known]
    if unknown:
        out.errors["topics"] = "not in the taxonomy: " + ", ".join(repr(t) for t in unknown[:5])
    elif not 1 <= len(tags) <= 4 or len(set(tags)) != len(tags):
        out.errors["topics"] = f"give 1-4 distinct tags, not {len(tags)}"
    else:
        out.values["topics"] = list(tags)


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
