"""Questions about one paper that ask for an entity or a stored field, not for a summary.

"What GPU was X evaluated on?", "Which datasets does X use?", "What baselines does X compare
against?" ask for the entity itself: the answer names it from the paper's extracted claims (which
come from its abstract), or, when the paper names none at the asked level (a bare "GPU" is the
class, not "which GPU"), the paper is the `closest` answer with `missing` naming the asked kind as
the question wrote it. "Who wrote X?" asks for the authors the store keeps with the paper.
"""

from __future__ import annotations

import re

# "what/which [kind of] GPU was|does|...": the entity kind right after the question word, then a verb
# (so "Which papers report results on an A100 GPU?" and "What speedup on GPUs ...?" are not matched).
_ASKS = re.compile(r"^\s*(?:on\s+|with\s+|against\s+|in\s+)?(?:what|which)\s+(?:kinds?\s+of\s+|types?\s+of\s+|specific\s+)?"
                   r"(?P<kind>GPUs?|CPUs?|FPGAs?|TPUs?|NPUs?|hardware|devices?|platforms?|chips?|processors?|"
                   r"datasets?|data\s+sets?|benchmarks?|baselines?)\s+(?:was|were|did|does|do|is|are|has|have|had)\b",
                   re.I)
_HARDWARE_CLASS = {"gpu": "gpu", "cpu": "cpu", "fpga": "fpga", "tpu": "tpu", "npu": "accelerator",
                   "processor": None, "hardware": None, "device": None, "platform": None, "chip": None}
_AUTHORS = re.compile(r"\b(?:who\s+(?:wrote|authored|are\s+the\s+authors|is\s+the\s+author|were\s+the\s+authors)|"
                      r"(?:the\s+)?authors?\s+of|who\s+(?:is|are)\s+behind)\b", re.I)


def asked_kind(question: str) -> tuple[str, str] | None:
    """(surface as written, kind key: "gpu"/"hardware"/.../"dataset"/"baseline") of the entity asked for."""
    m = _ASKS.search(question)
    if not m:
        return None
    word = re.sub(r"s$", "", re.sub(r"\s+", " ", m.group("kind").lower()))
    key = "dataset" if word in ("dataset", "data set", "benchmark") else word
    return m.group("kind"), key


def entities(key: str, ext: dict) -> list[str]:
    """The paper's entities of the asked kind, from its extraction; for "which GPU/CPU/FPGA" only at
    product level (a bare class word "GPU" does not say which GPU)."""
    if key == "dataset":
        return list(ext.get("datasets") or [])
    if key == "baseline":
        return list(dict.fromkeys(s["baseline"] for s in ext.get("speedups") or [] if s.get("baseline")))
    want = _HARDWARE_CLASS.get(key)
    out = []
    for h in ext.get("hardware") or []:
        name, cls, level = (h.get("name"), h.get("class"), h.get("level")) if isinstance(h, dict) \
            else (h.name, h.hw_class, h.level)
        if want is None or (level != "class" and cls == want):   # "what hardware": the class word answers
            out.append(name)
    return list(dict.fromkeys(out))


def unmet(question: str, ext: dict) -> list:
    """[Constraint] naming the asked kind when the paper names no entity of it, else []."""
    from agent.qa.constraints import Constraint

    asked = asked_kind(question)
    if asked is None or entities(asked[1], ext):
        return []
    return [Constraint("asked", asked[0], asked[1])]


def named_line(question: str, ext: dict, name: str, n: int) -> str | None:
    """"X [n] names GPU: NVIDIA A100 [n]." for a question asking for an entity the paper names."""
    asked = asked_kind(question)
    found = entities(asked[1], ext) if asked else []
    return f"{name} [{n}] names {asked[0]}: {', '.join(found)} [{n}]." if found else None


def asks_authors(question: str) -> bool:
    return bool(_AUTHORS.search(question))


def entity_answer(question: str, ctx, r, best, sources: list, draft, entity_line: str | None):
    """The entity asked for with the sentence naming it, or the authors stored with the paper."""
    from agent.qa.closest import claim_sentence
    from agent.qa.drafting import finish as _finish
    from agent.qa.drafting import mention as _mention
    from agent.qa.drafting import strip_end as _strip_end
    from agent.qa.text import label, term_set
    from agent.qa.tools import paper_extraction

    name = _strip_end(label(best.title, best.abstract, best.arxiv_id))
    if entity_line:
        asked = asked_kind(question)
        found = entities(asked[1], paper_extraction(ctx, best.id)) if asked else []
        sent = _mention(best.abstract, found) or claim_sentence(best.abstract, term_set(question), ctx)
        draft.support[best.id] = sent
        draft.lines.append(f"{entity_line} {_strip_end(sent)} [1].")
        return _finish(question, draft, sources, r)
    paper = next(iter(ctx.store.get_many([best.id])), None)
    authors = list(getattr(paper, "authors", None) or [])
    draft.support[best.id] = claim_sentence(best.abstract, term_set(question), ctx)
    if authors:
        draft.lines.append(f"{name} [1] is by {', '.join(authors)} (authors as stored with the paper) [1].")
    else:
        draft.lines.append(f"{name} [1]: the store keeps no authors for this paper [1].")
    draft.lines.append(f"{_strip_end(draft.support[best.id])} [1].")
    return _finish(question, draft, sources, r)


def check_constraints(question: str, answer, ctx):
    """The constraint check of the local engine, applied to an answer drafted elsewhere (the LLM
    agent): when no cited paper meets every constraint the question names, the answer becomes the
    `closest` shape with `missing`; cited papers that miss one are reported in `notes`."""
    from agent.qa.constraints import paper_facts, question_constraints, unmet as unmet_constraints
    from agent.qa.figure_check import with_unreported
    from agent.qa.tools import paper_extraction

    wanted = question_constraints(question)
    if answer.insufficient or not (wanted or asked_kind(question)) or not answer.citations:
        return answer
    misses = {}
    for c in answer.citations:
        ext = paper_extraction(ctx, c.id)
        misses[c.id] = unmet_constraints(wanted, paper_facts(c.title, c.abstract, ext, ext.get("tldr")))
        misses[c.id] = with_unreported(misses[c.id], wanted, c.abstract, question) + unmet(question, ext)
    for c in answer.citations:
        if misses[c.id]:
            answer.notes.append(f"[{c.n}] does not meet: " + ", ".join(m.surface for m in misses[c.id]))
    if all(misses.values()):
        surfaces = list(dict.fromkeys(m.surface for ms in misses.values() for m in ms))
        answer.answer = ("No paper here answers this exactly (not covered: " + "; ".join(f'"{m}"' for m in surfaces)
                         + "); closest:\n" + answer.answer)
        answer.insufficient, answer.confidence, answer.missing = True, "closest", surfaces
    return answer
