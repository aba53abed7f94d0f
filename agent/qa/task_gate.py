"""A list answer must be about the task the question names.

A set question ("Which papers speed up neural machine translation models?", "Which papers make image
inpainting faster on mobile GPUs?") is answered from the claims tables and a text scan of its subject
and qualifiers (agent/qa/local.py `_set`). The hardware filter alone, or a loose word match, can then
list papers that meet the rest of the question but work on another task: the mobile-GPU papers for an
inpainting question. A look-up already checks the question's task phrase (agent/qa/constraints.py
`task_mentions`, weighed by agent/qa/uncovered_weight.py); this applies the same check to a list.

When *no* listed paper writes the task (its phrase, or its two words in one sentence), the answer is
`closest`: the listed papers meet the rest of the question and are shown as the nearest, with
`missing` naming the task as the question wrote it. When some do, the list stands as it is (which
members to keep is the set reader's decision, agent/qa/set_membership.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from agent.qa.set_groups import EXAMPLE_WORDS
from agent.qa.types import Answer


# Words that open examples of what counts ("such as object detection"): an example is no requirement.
# The set reader's example words (agent/qa/set_groups.py), plus "like": in the clause before a task
# ("tasks like detection") it only introduces examples, while the set reader keeps it a word.
_EXAMPLES = re.compile(rf"\b(?:{EXAMPLE_WORDS}|like)(?![\w-])", re.I)
_BRACKET_AFTER = re.compile(r"\s*\((?P<inside>[^()]{3,})\)")
_JOINED = re.compile(r"^\s*,?\s*(?:or|and|and/or|as\s+well\s+as)\s*$", re.I)


def asked_tasks(question: str, tasks: list) -> list[list[tuple]]:
    """The tasks a list must be about, in groups of alternatives ("detection or segmentation": either),
    each task with the kinds an aside spells out for it ("image segmentation (semantic, instance or fire
    segmentation)": any of them). Tasks inside an aside or given as examples are left out."""
    kept = []
    for t in tasks:
        at = question.find(t.surface)
        if at >= 0 and (question.rfind("(", 0, at) > question.rfind(")", 0, at)):
            continue          # inside brackets: "(images, dense prediction or human motion)"
        clause = question[max(question.rfind(c, 0, at) for c in ",;(") + 1:at] if at >= 0 else ""
        if _EXAMPLES.search(clause):
            continue
        aside = _BRACKET_AFTER.match(question, at + len(t.surface)) if at >= 0 else None
        head = t.value.split()[-1]
        kinds = [w for w in re.findall(r"[\w-]+", aside.group("inside")) if w.lower() not in (head, "or", "and")] \
            if aside and head in aside.group("inside").lower() else []
        kept.append((at, t, kinds))
    groups: list[list[tuple]] = []
    for i, (at, t, kinds) in enumerate(sorted(kept, key=lambda k: k[0])):
        prev = sorted(kept, key=lambda k: k[0])[i - 1] if i else None
        if prev and prev[0] >= 0 and at >= 0 and _JOINED.match(question[prev[0] + len(prev[1].surface):at]):
            groups[-1].append((t, kinds))
        else:
            groups.append([(t, kinds)])
    return groups


def unmet_tasks(question: str, answer: Answer) -> list:
    """The question's task constraints that no cited paper of `answer` meets (a group of alternatives
    is unmet when none of them is met)."""
    from agent.qa.constraints import PaperFacts, meets, question_constraints

    tasks = [c for c in question_constraints(question) if c.kind == "task"]
    if not tasks or not answer.citations:
        return []
    texts = [PaperFacts(f"{c.title or ''} {c.abstract}", set(), [], set()) for c in answer.citations]

    def met(t, kinds) -> bool:
        head = t.value.split()[-1]
        wanted = [t] + [replace(t, value=f"{k.lower()} {head}") for k in kinds]
        return any(meets(w, facts) for w in wanted for facts in texts)

    out = []
    for group in asked_tasks(question, tasks):
        if not any(met(t, kinds) for t, kinds in group):
            out += [t for t, _ in group]
    return out


def check(question: str, ctx, r, answer: Answer) -> Answer:
    """`answer` unchanged, or the `closest` decline when no listed paper is about the asked task."""
    if answer.insufficient:
        return answer
    unmet = unmet_tasks(question, answer)
    if not unmet:
        return answer
    from agent.qa.drafting import insufficient
    from agent.qa.set_closest import nearest

    missing = [t.surface for t in unmet]
    r.near = [c.id for c in answer.citations]     # they meet the rest of the question: the closest
    declined = nearest(question, ctx, r, missing)
    if declined is None:
        declined = insufficient(question, list(answer.citations), r, [],
                                "No paper here answers this exactly (not covered: "
                                + "; ".join(f'"{m}"' for m in missing) + ").")
        declined.missing = missing
    declined.notes.append(f"task not written by any listed paper: {', '.join(missing)}")
    return declined
