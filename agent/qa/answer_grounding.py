"""The grounding check every answer passes before it is returned.

Rules (one sentence at a time, bullets count as sentences):
1. a sentence that states a fact cites at least one paper `[n]` that exists among the sources;
2. every number it writes appears in the title or abstract of a paper it cites (same value, any
   spelling: "420x" = "420$\\times$"), or is that paper's year;
3. uncited sentences are only allowed as connectives ("These papers match:") or as a statement
   that the corpus does not cover the question; they may count papers ("3 papers match").
Sentences that fail are removed and reported in `notes`; an answer with no cited sentence left
is insufficient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
INSUFFICIENT = re.compile(
    r"\b(?:(?:does|do)\s*(?:not|n't)\s+(?:cover|contain|include|mention|address|answer|say)|"
    r"no\s+(?:paper|papers|work|abstract|source)s?\s+(?:in|among|from)\s+(?:the|this|your)\s+"
    r"(?:corpus|store|collection|sources|results)|not\s+enough\s+(?:information|evidence)|insufficient|"
    r"(?:could|can)\s*(?:not|n't)\s+(?:find|answer)|none\s+of\s+the\s+(?:papers|sources|abstracts))", re.I)
_META = re.compile(r"^(?:[-*•]\s*)?(?:here\s+(?:is|are)|these|the\s+following|following|in\s+summary|"
                   r"largest|top|highest|ranked|sorted|"
                   r"based\s+on|from\s+the\s+(?:corpus|papers|sources)|matching\s+papers|results?|"
                   r"sources?|papers?\b|\d+\s+papers?|found\b|i\s+found|answer)\b[^.]{0,120}[:.]?\s*$", re.I)
_COUNT = re.compile(r"\b\d+\s+(?:papers?|results?|matches|sources?|claims?)\b", re.I)
_SENT_SPLIT = re.compile(r"(?<=[.!?])(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s+(?=[A-Z\[*•-])")


@dataclass
class Checked:
    text: str
    cited: list[int] = field(default_factory=list)   # citation numbers in order of first use
    notes: list[str] = field(default_factory=list)
    insufficient: bool = False


def citations_in(text: str) -> list[int]:
    seen: list[int] = []
    for m in CITE.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return seen


def split_units(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) pairs: lines first (bullets), then sentences within a line."""
    out = []
    for i, line in enumerate(text.splitlines()):
        for sent in _split_line(line):
            out.append((i, sent))
    return out


def _split_line(line: str) -> list[str]:
    from core.text import split_sentences

    if not line.strip():
        return []
    # keep citation markers that follow a full stop with their sentence: "... 2x. [1]" -> one unit
    parts = []
    for s in split_sentences(line):
        if parts and CITE.fullmatch(s.strip()):
            parts[-1] += " " + s.strip()
        else:
            parts.append(s)
    return parts or [line]


def numbers_ok(sentence: str, texts: list[str], years: list[int | None]) -> list[str]:
    """Numbers of `sentence` that none of `texts` writes (empty list = all grounded)."""
    from agent.numbers import find_numbers, same_value

    body = CITE.sub(" ", sentence)
    body = _COUNT.sub(" ", body)
    have = [n.value for t in texts for n in find_numbers(t)]
    raw = " ".join(texts)
    missing = []
    for n in find_numbers(body):
        surface = body[n.start:n.num_end]
        if any(same_value(n.value, v) for v in have) or surface in raw:
            continue
        if any(y and same_value(n.value, y) for y in years):
            continue
        missing.append(body[n.start:n.end])
    return missing


def check(text: str, sources: dict[int, object], question: str = "") -> Checked:
    """Apply the rules above; `sources` maps citation number -> Source (title/abstract/year).
    Uncited connective sentences may repeat numbers of the question ("papers about 3DGS")."""
    kept_lines: dict[int, list[str]] = {}
    notes: list[str] = []
    cited_sentences = 0
    for line_no, sent in split_units(text):
        reason = _problem(sent, sources, question)
        if reason:
            notes.append(f"removed ({reason}): {sent.strip()}")
            continue
        kept_lines.setdefault(line_no, []).append(sent.strip())
        cited_sentences += bool(citations_in(sent))
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if i in kept_lines:
            indent = re.match(r"^\s*", line).group(0)
            out.append(indent + " ".join(kept_lines[i]))
    result = "\n".join(out).strip()
    insufficient = cited_sentences == 0
    return Checked(result, [n for n in citations_in(result) if n in sources], notes, insufficient)


def _problem(sent: str, sources: dict[int, object], question: str) -> str | None:
    cites = citations_in(sent)
    if not cites:
        if INSUFFICIENT.search(sent):
            return None
        if _META.match(sent.strip()) and not numbers_ok(sent, [question], []):
            return None
        return "states a fact without a citation"
    unknown = [n for n in cites if n not in sources]
    if unknown:
        return f"cites unknown source {unknown}"
    cited = [sources[n] for n in cites]
    texts = [f"{getattr(s, 'title', '') or ''}\n{getattr(s, 'abstract', '')}\narXiv:{getattr(s, 'arxiv_id', '')}"
             for s in cited]
    missing = numbers_ok(sent, texts, [getattr(s, "year", None) for s in cited])
    if missing:
        return f"number {', '.join(missing)} is not in the cited abstract"
    return None
