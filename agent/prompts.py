"""Prompt templates in `prompts/*.md`: load, check and render them.

A template file is YAML front matter followed by a `## system` and a `## user` section:

    ---
    name: tldr
    version: 2
    description: one-sentence TL;DR of an abstract
    variables:                 # every placeholder, declared; `untrusted` ones are fenced as data
      title: untrusted
      abstract: untrusted
    examples:                  # optional few-shot turns drawn from evals/fixtures/claims/*.jsonl
      - fixture: "000_8528321f52109f11.txt#4"
        take: [topics]         # output fields copied from the labelled record
        add: {tldr: "..."}     # output fields written by hand (from the record's tldr_keypoints)
    max_tokens: 300            # cap on the answer; expected_output_tokens feeds cost estimates
    expected_output_tokens: 80
    ---
    ## system
    ... {{taxonomy}} ...
    ## user
    ... {{abstract}} ...

Placeholders are `{{name}}`. `render()` substitutes in one pass (a value containing `{{x}}` is not
expanded again) and refuses missing or undeclared variables. Untrusted values are wrapped in a
fence whose id is a hash of the value; fence markers inside the value are defused first, so an
abstract cannot close its own fence and pose as instructions. Pure standard library + PyYAML; no
LLM client is imported here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import PapersError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "evals" / "fixtures" / "claims"
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_SECTION = re.compile(r"^## (system|user)\s*$", re.M)
FENCE_OPEN, FENCE_CLOSE = "<<<", ">>>"


class PromptError(PapersError):
    hint = "see the front matter of the template in prompts/ (declared variables, version)"


@dataclass(frozen=True)
class Example:
    fixture: str
    take: tuple[str, ...] = ()
    add: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str
    variables: dict[str, str]                   # name -> "trusted" | "untrusted"
    examples: tuple[Example, ...] = ()
    description: str = ""
    max_tokens: int = 1000
    expected_output_tokens: int = 200
    source: str = ""                            # the file text, for content-addressed caching
    few_shot: int = 0                           # show only the N examples most similar to the input (0: all)

    @property
    def id(self) -> str:
        """`name@vVERSION`, e.g. `extraction@v3`: what provenance and cache keys name."""
        return f"{self.name}@v{self.version}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]

    def render(self, variables: dict[str, Any], *, with_examples: bool = True) -> list[dict[str, str]]:
        """Chat messages: system, few-shot user/assistant pairs, then the user turn."""
        values = self._check(variables)
        messages = [{"role": "system", "content": _substitute(self.system, values)}]
        if with_examples:
            for ex_vars, output in self.example_turns(variables, self.chosen_examples(variables)):
                messages.append({"role": "user", "content": _substitute(self.user, ex_vars)})
                messages.append({"role": "assistant", "content": output})
        messages.append({"role": "user", "content": _substitute(self.user, values)})
        return messages

    def chosen_examples(self, variables: dict[str, Any]) -> tuple[Example, ...]:
        """With `few_shot: N`, the N examples whose abstracts share the most words with the input's
        (Jaccard), never the input itself; else all of them, in file order."""
        if not self.few_shot or self.few_shot >= len(self.examples):
            return tuple(ex for ex in self.examples if not _same_text(ex, variables)) if self.few_shot else self.examples
        words = _words(str(variables.get("abstract") or ""))

        def similarity(ex: Example) -> float:
            other = _words(str(fixture(ex.fixture).get("abstract") or ""))
            return len(words & other) / (len(words | other) or 1)

        pool = [ex for ex in self.examples if not _same_text(ex, variables)]
        return tuple(sorted(pool, key=similarity, reverse=True)[: self.few_shot])

    def example_turns(self, variables: dict[str, Any],
                      examples: tuple[Example, ...] | None = None) -> list[tuple[dict[str, str], str]]:
        """(fenced variables, expected JSON output) per few-shot example."""
        turns = []
        for ex in self.examples if examples is None else examples:
            record = fixture(ex.fixture)
            merged = {**variables, **{k: record.get(k) for k in self.variables if k in record}, **ex.variables}
            output = {k: record[k] for k in ex.take} | ex.add
            turns.append((self._check(merged), json.dumps(output, ensure_ascii=False)))
        return turns

    def _check(self, variables: dict[str, Any]) -> dict[str, str]:
        missing = sorted(set(self.variables) - set(variables))
        extra = sorted(set(variables) - set(self.variables))
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                    ([f"undeclared {', '.join(extra)}"] if extra else [])
            raise PromptError(f"prompt {self.id}: {'; '.join(parts)}")
        return {k: fence(k, _text(v)) if self.variables[k] == "untrusted" else _text(v)
                for k, v in variables.items()}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z0-9-]{2,}", text.lower()))


def _same_text(ex: Example, variables: dict[str, Any]) -> bool:
    """The example is the very abstract being worked on (it must never be its own few-shot)."""
    mine = " ".join(str(variables.get("abstract") or "").split())
    return bool(mine) and mine == " ".join(str(fixture(ex.fixture).get("abstract") or "").split())


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _substitute(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def defuse(text: str) -> str:
    """Break every fence marker inside untrusted text (`<<<` -> `< < <`)."""
    return text.replace(FENCE_OPEN, "< < <").replace(FENCE_CLOSE, "> > >")


def fence(label: str, text: str) -> str:
    """Untrusted text as an inert data block: `<<<DATA label id` ... `END id>>>`.

    The id is a hash of the text, so it is stable (cacheable) yet cannot be forged from inside:
    the text would have to contain the hash of itself.
    """
    body = defuse(text)
    tag = hashlib.sha256(f"{label}\0{body}".encode()).hexdigest()[:12]
    return f"{FENCE_OPEN}DATA {label} {tag}\n{body}\nEND {tag}{FENCE_CLOSE}"


def parse(text: str, origin: str = "<string>") -> Prompt:
    """A Prompt from a template file's text; raises PromptError on any inconsistency."""
    import yaml

    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not m:
        raise PromptError(f"{origin}: no YAML front matter")
    meta = yaml.safe_load(m.group(1)) or {}
    sections = _sections(m.group(2), origin)
    variables = {str(k): str(v) for k, v in (meta.get("variables") or {}).items()}
    bad = {k: v for k, v in variables.items() if v not in ("trusted", "untrusted")}
    used = set(_PLACEHOLDER.findall(sections["system"] + sections["user"]))
    problems = [f"variable {k} must be trusted or untrusted, not {v!r}" for k, v in bad.items()]
    problems += [f"placeholder {{{{{k}}}}} is not declared" for k in sorted(used - set(variables))]
    problems += [f"declared variable {k} is never used" for k in sorted(set(variables) - used)]
    for key in ("name", "version"):
        if key not in meta:
            problems.append(f"front matter lacks `{key}`")
    if problems:
        raise PromptError(f"{origin}: " + "; ".join(problems))
    return Prompt(name=str(meta["name"]), version=int(meta["version"]), system=sections["system"],
                  user=sections["user"], variables=variables, examples=_examples(meta.get("examples")),
                  description=str(meta.get("description", "")), max_tokens=int(meta.get("max_tokens", 1000)),
                  expected_output_tokens=int(meta.get("expected_output_tokens", 200)), source=text,
                  few_shot=int(meta.get("few_shot", 0)))


def _sections(body: str, origin: str) -> dict[str, str]:
    parts = _SECTION.split(body)
    found = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if set(found) != {"system", "user"} or len(parts) != 5:
        raise PromptError(f"{origin}: needs exactly one `## system` and one `## user` section")
    return found


def _examples(raw: Any) -> tuple[Example, ...]:
    return tuple(Example(fixture=str(e["fixture"]), take=tuple(e.get("take") or ()),
                         add=dict(e.get("add") or {}), variables=dict(e.get("variables") or {}))
                 for e in (raw or []))


@lru_cache(maxsize=None)
def load(name: str) -> Prompt:
    """The template `prompts/<name>.md`, parsed once per process."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt template {name!r} in {PROMPTS_DIR}")
    return parse(path.read_text(encoding="utf-8"), origin=path.name)


def instructions(name: str) -> str:
    """The fixed wording of a prompt's system part (what an answer must never quote)."""
    return _PLACEHOLDER.sub(" ", load(name).system)


def names() -> list[str]:
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))


@lru_cache(maxsize=1)
def _fixtures() -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(FIXTURES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                records.setdefault(rec["id"], rec)
    return records


def fixture(ref: str) -> dict[str, Any]:
    try:
        return _fixtures()[ref]
    except KeyError:
        raise PromptError(f"few-shot example {ref!r} is not in {FIXTURES_DIR}") from None


_INLINE_EXAMPLE = re.compile(r"labelled fixture (\S+?#\d+)")


def few_shot_ids() -> set[str]:
    """Fixture ids any template shows the model, as structured examples or quoted inline
    ("Example (from the labelled fixture <id>)"): evals do not score them."""
    ids = set()
    for name in names():
        prompt = load(name)
        ids |= {ex.fixture for ex in prompt.examples}
        ids |= set(_INLINE_EXAMPLE.findall(prompt.system + prompt.user))
    return ids
