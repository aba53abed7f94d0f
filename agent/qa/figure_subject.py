"""Whose figure does a question ask for, and does the paper report it for that system?

"What accuracy does DeiT reach on ImageNet?" asks DeiT's own figure. A paper that builds on DeiT
("reduces the latency of DeiT-T ...") or beats it ("2.8x faster than DeiT") writes the name, so the
model constraint is met and the answer would quote that paper's figure for its own method. When the
asked subject is a system name (written with capitals inside, or an acronym) that the paper neither
owns (title head, the system it introduces) nor writes in its own position (only as a preposition's
object or as the base of a variant: agent/qa/answerability.py `used_as_own`), the paper does not
report the subject's figure: an unmet constraint, and the answer is the closest papers instead.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^(?:[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z][A-Z0-9]{1,})$")   # "DeiT", "ViT", "BERT"


def others_subject(question: str, src, stats) -> list:
    """[Constraint("name")] for the asked subject when `src` only writes it as another's system."""
    from agent.qa.answerability import name_text, owns_name, used_as_own
    from agent.qa.constraints import Constraint
    from agent.qa.missing_phrase import asked_subject

    names = [w for w in asked_subject(question) if _NAME.match(w)]
    if not names or owns_name(question, src, stats):
        return []
    text = name_text(src)
    out = []
    for word in names:
        written = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text, re.I)
        if written and not used_as_own(word, text):
            out.append(Constraint("name", word, word))
    return out
