"""Is the quoted comparison the asked one, or its reverse?

"How much faster is A than B?" asks for A's advantage over B. An abstract of B's authors writes
"B is 2.8x faster than A": the same figure, the other direction. Stated as the answer it tells the
user A is 2.8x faster, the opposite of what the paper reports. The question is read by its shape
("how much / how many times COMPARATIVE is A than B"), the sentence by "COMPARATIVE than OBJECT";
when the sentence's than-object names the question's subject A (and not B), the comparison is
reversed and the answer says so instead of stating the figure.
"""

from __future__ import annotations

import re

from agent.qa.text import term_set

# "how much faster is A than B", "how many times smaller are A than B", "how much more efficient is ..."
_ASKED = re.compile(r"\bhow\s+(?:much|many\s+times)\s+((?:more|less)\s+[A-Za-z-]+|[A-Za-z-]+er)\s+"
                    r"(?:is|are|was|were)\s+(.+?)\s+than\s+(.+?)\s*[?.!]*$", re.I)
# what a than-phrase of a sentence names: up to the end of its clause
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:and|while|when|on|in|at|with|for|by|under|across|whereas|but)\s", re.I)


def asked_comparison(question: str) -> tuple[str, str, str] | None:
    """(comparative, subject A, object B) of a "how much COMPARATIVE is A than B" question."""
    m = _ASKED.search(question.strip())
    return (m.group(1).lower(), m.group(2), m.group(3)) if m else None


def _than_objects(sentence: str, comparative: str) -> list[str]:
    rx = re.compile(rf"\b{re.escape(comparative)}\s+than\s+(.+)", re.I)
    return [_CLAUSE_END.split(" " + m.group(1))[0] for m in rx.finditer(sentence)]


def reversed_in(question: str, sentence: str) -> bool:
    """The sentence compares the other way round: its "COMPARATIVE than X" has the question's
    subject as X and never the question's object."""
    asked = asked_comparison(question)
    if asked is None:
        return False
    comparative, subject, obj = asked
    a, b = term_set(subject), term_set(obj)
    objects = [term_set(o) for o in _than_objects(sentence, comparative)]
    return bool(a) and any(a <= o and not (b & o - a) for o in objects) and not any(b and b <= o for o in objects)
