"""Item-level checks of what a model said: each speedup, dataset, hardware item and topic on its own.

A bad item is dropped and recorded in `Checked.rejected[field]` with its reason; the valid items of
the field are kept. Near-misses are normalised before anything is rejected: case, plural and
spelling of vocabulary words (`GPUs` -> `GPU`/`gpu`, `LLM-serving` -> `llm-serving`, `×` -> `x`).
- speedups: agent.claim_grounding (evidence verbatim in the abstract, containing the value);
- datasets: the name on word boundaries in the abstract (separators optional only where names
  vary: `WikiText103`/`WikiText-103`), or another alias of the same canonical name (LABELLING §2,
  agent/data/datasets.yaml: `MSCOCO` grounds `COCO`). Never a substring of squashed text;
- hardware: specific names word by word in the abstract; class-level names from the LABELLING §3
  lexicon, with its class, and one of the class's terms in the abstract;
- topics: taxonomy tags the local engine has evidence for: a keyword cue in the title/abstract, or
  (only for a tag without one) embedding similarity above TOPIC_EMBEDDING_FLOOR.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from agent.engines.llm.schemas import LLMHardware, LLMSpeedup, taxonomy, to_hardware, to_speedup
from core.models import Hardware, Speedup

_ADDED_BY_CONVENTION = {"nvidia", "rtx", "gtx", "geforce", "tesla"}   # canonical names may add these
_RUN = re.compile(r"[A-Za-z]+|[0-9]+")
_UNITS = {"x": "x", "×": "x", "times": "x", "fold": "x", "%": "%", "percent": "%", "\\%": "%"}
MAX_TOPICS = 4


def _key(text: str) -> str:
    """Case-, separator- and plural-free spelling: `LLM-serving`, `llm serving` -> `llmserving`."""
    return "".join(_RUN.findall(text.casefold()))


def _singular(text: str) -> str:
    return text[:-1] if len(text) > 3 and text.endswith("s") and not text.endswith("ss") else text


@lru_cache(maxsize=1)
def class_lexicon() -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]:
    """(name -> class, spelling key of a name or term -> name, name -> terms), from hardware.yaml."""
    from agent.engines.local.gazetteer import load_yaml

    entries = load_yaml("hardware.yaml")["class_terms"]
    classes = {str(e["name"]): str(e["class"]) for e in entries}
    terms = {str(e["name"]): tuple(str(t) for t in (e.get("terms") or [e["name"]])) for e in entries}
    spelling: dict[str, str] = {}
    for name, ts in terms.items():
        for t in (name, *ts):
            spelling.setdefault(_key(t), name)
    return classes, spelling, terms


def class_terms() -> dict[str, str]:
    return class_lexicon()[0]


def canonical_class_name(name: str) -> str | None:
    """The lexicon name for `name` in any case or plural (`GPUs`, `gpu`, `graphics cards`)."""
    spelling = class_lexicon()[1]
    key = _key(name)
    return spelling.get(key) or spelling.get(_singular(key))


@lru_cache(maxsize=1)
def _tag_spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in taxonomy():
        out.setdefault(_key(tag), tag)
    return out


def canonical_tag(text: str) -> str | None:
    spellings = _tag_spellings()
    key = _key(text)
    return spellings.get(key) or spellings.get(_singular(key))


def name_pattern(name: str, *, plural: bool = False) -> re.Pattern[str] | None:
    """`name` as written, on word boundaries, case-insensitive; between letter and digit runs a
    separator may be added or dropped (`CIFAR10` = `CIFAR-10`), never inside a run."""
    runs = _RUN.findall(name)
    if not runs:
        return None
    body = r"[\s\-_'./]{0,2}".join(re.escape(r) for r in runs)
    return re.compile(rf"(?<![A-Za-z0-9]){body}{'s?' if plural else ''}(?![A-Za-z0-9])", re.IGNORECASE)


def on_word_boundaries(name: str, abstract: str, *, plural: bool = False) -> bool:
    pattern = name_pattern(name, plural=plural)
    return bool(pattern and pattern.search(abstract))


# -- each field --------------------------------------------------------------------------------
def lowered(item: Any, *keys: str) -> Any:
    """`item` with its vocabulary fields in lower case (`Latency`, `Up to` -> `latency`, `up_to`)."""
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for k in keys:
        if isinstance(out.get(k), str):
            out[k] = out[k].strip().casefold().replace(" ", "_" if k == "qualifier" else " ")
    return out


def _parse_item(model: type[BaseModel], raw: Any, normalise: Callable[[dict], dict]) -> tuple[Any, str | None]:
    if not isinstance(raw, dict):
        return None, f"not an object: {str(raw)[:60]!r}"
    try:
        return model.model_validate(normalise(raw)), None
    except ValidationError as exc:
        first = exc.errors()[0]
        return None, f"does not match the schema ({'.'.join(map(str, first['loc']))}: {first['msg']})"


def _normal_speedup(item: dict) -> dict:
    out = lowered(item, "metric", "direction", "qualifier")
    unit = str(out.get("unit", "")).strip()
    out["unit"] = _UNITS.get(unit.casefold(), unit)
    if isinstance(out.get("value"), str):
        out["value"] = out["value"].replace(",", "").strip()
    return out


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


def check_speedups(abstract: str, items: list, out) -> None:
    from agent.claim_grounding import settle_speedup

    kept: list[Speedup] = []
    for i, raw in enumerate(items):
        parsed, reason = _parse_item(LLMSpeedup, raw, _normal_speedup)
        if parsed is not None:
            speedup = to_speedup(parsed)
            fixed = repair_evidence(abstract, speedup.evidence)
            if fixed is not None and fixed != speedup.evidence:
                speedup = speedup.model_copy(update={"evidence": fixed})
            speedup, reason = settle_speedup(abstract, speedup)  # pair made consistent, then grounded
            if reason is None:
                if speedup not in kept:
                    kept.append(speedup)
                continue
            raw = {"value": speedup.value, "unit": speedup.unit, "evidence": speedup.evidence[:200]}
        label = f"item {i}" + (f" ({raw.get('value')} {raw.get('unit')})" if isinstance(raw, dict) else "")
        out.reject("speedups", _brief(raw, ("value", "unit", "evidence")), reason, label)
    out.settle("speedups", kept, said=len(items))


def dataset_grounded(name: str, abstract: str) -> bool:
    """The name itself on word boundaries, or an alias of its canonical name (LABELLING §2)."""
    if on_word_boundaries(name, abstract):
        return True
    from agent.engines.local.dataset_rules import dataset_gazetteer

    index = dataset_gazetteer().index
    entry = index.lookup(name)
    return entry is not None and any(h.payload.canonical == entry.canonical for h in index.find(abstract))


def check_datasets(abstract: str, names: list, out) -> None:
    kept: list[str] = []
    for raw in names:
        name = " ".join(raw.split()) if isinstance(raw, str) else ""
        if not name:
            out.reject("datasets", raw, "not a dataset name", repr(raw))
        elif not dataset_grounded(name, abstract):
            out.reject("datasets", name, "not mentioned in the abstract", repr(name))
        elif name.casefold() not in {k.casefold() for k in kept}:
            kept.append(name)
    out.settle("datasets", kept, said=len(names))


def _normal_hardware(item: dict) -> dict:
    out = lowered(item, "level")
    cls = out.get("class", out.pop("hw_class", None))
    out["class"] = _singular(cls.strip().casefold()) if isinstance(cls, str) else cls
    if out.get("level") == "class" and isinstance(out.get("name"), str):
        out["name"] = canonical_class_name(out["name"]) or out["name"]
    return out


def _words_present(name: str, abstract: str, skip: set[str] = frozenset()) -> bool:
    """Every word of `name` (but `skip`) on word boundaries, plural allowed ("mobile ... devices")."""
    words = [w for w in name.split() if _key(w) not in skip] or name.split()
    return bool(words) and all(on_word_boundaries(w, abstract, plural=True) for w in words)


def hardware_problem(item: LLMHardware, abstract: str) -> str | None:
    if item.level == "class":
        classes, _, terms = class_lexicon()
        expected = classes.get(item.name)
        if expected is None:
            return f"{item.name!r} is not a class-level name (use one of the lexicon names)"
        if expected != item.hw_class:
            return f"{item.name!r} has class {expected!r}, not {item.hw_class!r}"
        if not any(_words_present(t, abstract) for t in terms[item.name]):
            return f"{item.name!r} is not mentioned in the abstract"
        return None
    # "NVIDIA RTX 3060" for "RTX3060": the name as a whole (separators optional between letter and
    # digit runs), else word by word; the vendor/series words canonical names add may be absent.
    words = item.name.split()
    while words:                      # "NVIDIA RTX 3060", "RTX 3060", "3060"
        if on_word_boundaries(" ".join(words), abstract, plural=True):
            return None
        if _key(words[0]) not in _ADDED_BY_CONVENTION:
            break
        words = words[1:]
    if _words_present(item.name, abstract, _ADDED_BY_CONVENTION):
        return None
    return f"{item.name!r} is not mentioned in the abstract"


def check_hardware(abstract: str, items: list, out) -> None:
    kept: list[Hardware] = []
    for raw in items:
        parsed, reason = _parse_item(LLMHardware, raw, _normal_hardware)
        reason = reason or hardware_problem(parsed, abstract)
        if reason is None:
            if not any(h.name == parsed.name for h in kept):
                kept.append(to_hardware(parsed))
            continue
        name = raw.get("name") if isinstance(raw, dict) else raw
        out.reject("hardware", _brief(raw, ("name", "class", "level")), reason, repr(name))
    out.settle("hardware", kept, said=len(items))


def check_topics(tags: list, out, supported: Callable[[list[str]], set[str]] | None = None) -> None:
    """Taxonomy tags (any case/plural), each once, at most 4. With `supported` (which of the tags
    the local engine has evidence for), a tag without evidence is rejected (`other` needs none)."""
    named = [canonical_tag(raw) if isinstance(raw, str) else None for raw in tags]
    backed = supported([t for t in named if t]) if supported is not None else None
    kept: list[str] = []
    for raw, tag in zip(tags, named):
        if tag is None:
            out.reject("topics", raw, "not in the taxonomy", repr(raw))
        elif tag in kept:
            continue
        elif backed is not None and tag != "other" and tag not in backed:
            out.reject("topics", tag, "the local engine has no evidence for it (no keyword cue, "
                       "embedding similarity below the floor)", repr(tag))
        elif len(kept) >= MAX_TOPICS:
            out.reject("topics", tag, f"more than {MAX_TOPICS} tags", repr(tag))
        else:
            kept.append(tag)
    out.settle("topics", kept, said=len(tags))


def _brief(raw: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(raw, dict):
        return {k: (str(raw[k])[:200] if isinstance(raw[k], str) else raw[k]) for k in keys if k in raw}
    return str(raw)[:200]
