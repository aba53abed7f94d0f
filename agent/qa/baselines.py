"""Set questions about a baseline ("which papers compare against vLLM?", "... outperform TensorRT?",
"... are faster than PyTorch?"): the papers whose extracted claims name it as their `baseline`, plus
those whose abstract states a comparison with it (a comparison word, then the name in the same clause)
that the extractor did not turn into a claim. A paper that only builds on it ("implemented atop X")
or mentions it as background does not compare against it.
"""

from __future__ import annotations

import re

_CUE = (r"compar\w*\s+(?:against|with|to)|outperform\w*|beat(?:s|ing)?|surpass\w*|"
        r"(?:faster|better|higher|lower|smaller|cheaper)\s+than|(?:speed-?ups?|improvements?|gains?)\s+(?:over|against)|"
        r"(?:over|against|versus|vs\.?)")
_ASKED = re.compile(r"\b(?:compar\w*\s+(?:themselves\s+|their\s+\w+\s+)?(?:against|with|to)|outperform\w*|beat(?:s|ing)?|"
                    r"surpass\w*|use\s+(?P<use>[\w.+-]+)\s+as\s+(?:a\s+|the\s+|their\s+)?baseline|"
                    r"(?:faster|better)\s+than)\s+(?P<x>[^?,;]*)", re.I)
_END = re.compile(r"\s+(?:on|in|for|by|when|with|using|at|and\s+report|as\s+(?:a\s+|the\s+)?baseline)\b.*$", re.I)
_LEAD = re.compile(r"^(?:the\s+|a\s+|an\s+)", re.I)


def asked(question: str) -> str | None:
    """The baseline a set question names ("vLLM" in "which papers compare against vLLM?")."""
    m = _ASKED.search(question)
    if not m:
        return None
    name = m.group("use") or _END.sub("", m.group("x"))
    name = _LEAD.sub("", name.strip()).strip(" .")
    name = re.sub(r"\s+(?:baselines?|systems?)$", "", name, flags=re.I)
    return name if 2 <= len(name) and len(name.split()) <= 5 else None


def span(question: str) -> tuple[int, int]:
    m = _ASKED.search(question)
    return m.span() if m else (0, 0)


def members(ctx, name: str, papers: dict) -> dict[str, str]:
    """Paper id -> the sentence comparing it with `name`: a claim whose baseline names it, else an
    abstract sentence with a comparison word followed, in the same clause, by the name."""
    from agent.qa.drafting import sentence_with
    from agent.qa.router import phrase_rx
    from core.text import split_sentences
    from store.extractions import ClaimQuery, claims_rows

    forms = [name] + ([name[:-1]] if re.search(r"[A-Za-z]{2}s$", name) else [])   # "GPUs" also "GPU"
    rx = re.compile("|".join(phrase_rx(f).pattern for f in forms), re.I)
    out: dict[str, str] = {}
    for row in claims_rows(ctx.store, ClaimQuery(paper_ids=list(papers))):
        if row["paper_id"] not in out and row.get("baseline") and rx.search(row["baseline"]):
            out[row["paper_id"]] = sentence_with(papers[row["paper_id"]].abstract, row["evidence"])
    stated = re.compile(rf"\b(?:{_CUE})\s+[^.;:]{{0,80}}?(?:{rx.pattern})", re.I)
    for pid, paper in papers.items():
        if pid in out:
            continue
        sent = next((s for s in split_sentences(paper.abstract) if stated.search(s)), None)
        if sent is not None:
            out[pid] = sent
    return out
