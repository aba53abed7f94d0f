"""Name shapes read where a literal is written (str.find), not by a regex tried at every position:
"*Bench" tokens ("KernelBench", "MM-bench") and "a new Foo2M graph/data" (LABELLING §2: newly introduced
named datasets). Each reader returns what pattern.finditer(text) would (tests/test_dataset_round10.py).
Also the last pass over the mentions that reads brackets: an acronym in parentheses after a name is no
second dataset."""

from __future__ import annotations

import re

from agent.engines.local.dataset_tokens import Mention

_BENCH_TOKEN = re.compile(r"(?<![A-Za-z0-9\-])(?=[A-Za-z0-9\-]*[A-Z])[A-Za-z0-9][A-Za-z0-9\-]*?"
                          r"(?:Bench|-bench)(?:-[A-Za-z0-9]+)?(?![A-Za-z0-9])")

# "we create a new Foo2M graph/data with ...": a named collection the abstract introduces
_NEW_NAMED_DATA = re.compile(r"\bnew\s+(?P<name>(?=[A-Z][A-Za-z0-9-]*[A-Z0-9])[A-Z][A-Za-z0-9-]+)\s+"
                            r"(?:data|graph|collection)(?=\s*[,.;:(]|\s+(?:with|of|that|which|containing|from|"
                            r"consisting|comprising|for|to|and)\b)")


_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def bench_tokens(text: str) -> list[re.Match[str]]:
    """_BENCH_TOKEN.finditer(text), tried only at the start of each run of name characters holding
    "Bench" or "-bench": a match starts a run (its look-behind) and stays in it, so a run has one at most."""
    starts = set()
    for literal in ("Bench", "-bench"):
        at = text.find(literal)
        while at >= 0:
            start = at
            while start and text[start - 1] in _RUN_CHARS:
                start -= 1
            starts.add(start)
            at = text.find(literal, at + 1)
    return [m for m in (_BENCH_TOKEN.match(text, s) for s in sorted(starts)) if m is not None]


def new_named_data(text: str) -> list[re.Match[str]]:
    """_NEW_NAMED_DATA.finditer(text), tried only where "new" is written."""
    from agent.engines.local.gazetteer import matches_at_literals

    return list(matches_at_literals(_NEW_NAMED_DATA, text, ("new",)))


_PAREN_OPEN = re.compile(r"\s*\(\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")


def drop_parenthetical_acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """'Stanford Sentiment Treebank (SST-2)': the acronym in parentheses is not a second dataset."""
    mentions = sorted(mentions, key=lambda m: m.start)
    kept: list[Mention] = []
    for previous, mention in zip([None, *mentions], mentions):
        if (previous is not None and previous.end <= mention.start
                and _PAREN_OPEN.fullmatch(text, previous.end, mention.start)
                and _PAREN_CLOSE.match(text, mention.end)):
            continue
        kept.append(mention)
    return kept
