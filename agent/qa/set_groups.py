"""A set question's words as concept groups (agent/qa/set_concepts.py reads subjects and qualifiers
from them): runs of content words, each cut into the longest phrases some paper in the store writes;
words joined by "or", a comma, a slash or parentheses are alternatives of one group, and the examples
after "such as" / "for example" / "including" are alternatives of the concept they illustrate, each
written whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.qa.set_words import FRAME
from agent.qa.term_index import TermIndex
from agent.qa.text import MANNER, STOP, stem, tokens

EXAMPLE_SUFFIX = re.compile(r"\w-(?:style|like|based|type|family)$", re.I)
GENERIC_SHARE = 0.2     # a single word used by more of the store's papers than this is no concept


@dataclass
class Group:
    """Alternative phrases (tuples of stems) for one concept, and how the question wrote it."""

    phrases: list[tuple[str, ...]]
    surface: str
    run: int = -1        # the run of question words it came from
    spelled: bool = False    # alternatives the question wrote out ("A, B or C")
    generic: bool = False    # one alternative is a word most papers use: the group filters nothing
    family: bool = False     # the question wrote it as a speed-up word ("speed up"): any of them counts
    must: float = 1.0        # probability it must hold in every listed paper (agent/qa/constraint_words.py)
    verb: bool = False       # the question's main verb ("What efforts compress ..."): soft unless it splits the set
    compounds: frozenset = frozenset()   # phrases the question wrote as one hyphenated word: met only whole


# Words that open examples of what counts ("X, such as A or B"); agent/qa/task_gate.py reads the same words.
EXAMPLE_WORDS = r"such\s+as|for\s+example|for\s+instance|e\.g\.?|including"
EXAMPLES = re.compile(rf",?\s*\b(?:{EXAMPLE_WORDS})(?![\w-])", re.I)


def merge_runs(groups: list[Group]) -> list[Group]:
    """Qualifier words written together ("scientific simulation data") are one qualifier: a paper
    meets it with any of them, since no two papers write the whole run."""
    out: list[Group] = []
    for g in groups:
        if out and g.run >= 0 and out[-1].run == g.run:
            out[-1] = Group(out[-1].phrases + g.phrases, f"{out[-1].surface} {g.surface}", g.run,
                            out[-1].spelled or g.spelled, compounds=out[-1].compounds | g.compounds)
        else:
            out.append(g)
    return out


def groups(text: str, index: TermIndex, keep_common: bool = False) -> list[Group]:
    n = max(1, len(index.docs))
    out: list[Group] = []
    run: list[tuple[str, str]] = []          # (stem, surface word)
    state = {"join": False, "paren": 0, "run": 0, "opened": False, "example": False}

    def flush() -> None:
        if run:
            joined = (state["join"] or state["paren"]) and out
            if joined and state["opened"] and out[-1].generic:
                # "visual data (images, ...)": the paren names kinds of the run's concept, not of "data";
                # "LLM (evicting, ...)" after a run of its own: the paren is a concept of its own
                dropped = out.pop()
                joined = bool(out) and out[-1].run == dropped.run
            gloss, state["opened"] = state["opened"], False
            if joined:
                _rejoin_pieces(out, index, gloss)
            # An alternative is kept whole ("dense prediction"): split, one of its words would
            # stand for the whole alternative.
            head = [x for x in run if x[1] == run[0][1]]      # the stems of the run's first word
            if joined and not state["example"] and _shared_tail(out, run, head, state):
                # "image or video super-resolution": one word stands beside one word, and the words
                # after it are said of both ("(image | video) super-resolution")
                parts = [(tuple(w for w, _ in head), head[0][1])] + _split_run(run[len(head):], index)
            elif joined:
                words = _trim_generic(run, index, n)
                parts = [(tuple(w for w, _ in words), " ".join(dict.fromkeys(s for _, s in words)))]
            else:
                parts = _split_run(run, index)
            for i, (phrase, surface) in enumerate(parts):
                generic = len(phrase) == 1 and len(index.vocab.get(phrase[0], ())) > GENERIC_SHARE * n
                whole = _words_in(phrase, run, index)
                if joined and i == 0:
                    out[-1].phrases.append(phrase)
                    out[-1].surface += f" / {surface}"
                    out[-1].spelled = True
                    out[-1].generic |= generic
                    out[-1].compounds |= whole
                else:
                    out.append(Group([phrase], surface, state["run"], generic=generic, compounds=whole))
            state["run"] += 1
        run.clear()
        state["join"] = state["paren"] > 0

    text = EXAMPLES.sub(" , EXAMPLES_ ", text)
    for tok in re.findall(r"\(|\)|,|/|;|\?|[A-Za-z0-9][\w.+-]*", text):
        low = tok.lower()
        if low == "examples_":     # "X, such as A or B": each example is an alternative of X, written whole
            flush()
            state["join"] = state["example"] = True
        elif low == "(":
            flush()
            state["paren"] += 1
            state["join"] = state["opened"] = True
        elif low == ")":
            flush()
            state["paren"] = max(0, state["paren"] - 1)
            state["join"] = state["example"] = False
        elif low in ("or", ",", "/"):
            flush()
            state["join"] = True
        else:
            words = [t for t in tokens(tok) if _kept(t, tok) and t not in STOP and stem(t) not in FRAME and not MANNER.search(t)]
            if not words:
                join = state["join"] and not run     # "or the X": the join waits for X
                flush()
                state["join"] = (join or state["join"]) and low not in ("and", "?", ";")
                state["example"] &= low not in ("and", "?", ";")
                continue
            run.extend((stem(t), tok) for t in words)
            if EXAMPLE_SUFFIX.search(tok):      # "Mamba-style X": Mamba is one kind of X, an alternative
                flush()
                state["join"] = True
    flush()
    return [g for g in out if not g.generic or keep_common and not g.spelled]


def _kept(part: str, token: str) -> bool:
    """A word long enough to mean something; a one-digit part of a hyphenated token is kept too, as it
    is what tells the term apart ("top-1" is not "top", "2-bit" not "bit")."""
    return len(part) > 1 or (part.isdigit() and "-" in token)


def _shared_tail(out: list[Group], run: list[tuple[str, str]], head: list, state: dict) -> bool:
    """"A or B C" where A and B are single words ("training or fine-tuning large language models"):
    C is the object of both, not part of the second alternative. Not inside parentheses, which
    name kinds whole ("(images, dense prediction or human motion)"), nor after "X-style", whose
    next words name what X is a kind of."""
    prev = out[-1]
    alone = sum(g.run == prev.run for g in out) == 1 and all(len(p) == 1 for p in prev.phrases)
    example = any(EXAMPLE_SUFFIX.search(w) for w in prev.surface.split())
    return not state["paren"] and len(run) > len(head) and alone and not example


def _rejoin_pieces(out: list[Group], index: TermIndex, gloss: bool = False) -> None:
    """The run an alternative is joined to ("carbon emissions" of "carbon emissions or carbon
    footprint") is one concept: when a paper writes it whole, or a parenthesis glosses it ("frame
    rate (frames per second)"), the pieces it was cut into become one phrase again, or the
    alternative would stand beside its last word only."""
    run = out[-1].run
    pieces = []
    while out and out[-1].run == run and len(out[-1].phrases) == 1 and not out[-1].spelled:
        pieces.insert(0, out.pop())
    whole = tuple(w for g in pieces for w in g.phrases[0])
    if len(pieces) < 2 or not (gloss or index.papers(whole)):
        out.extend(pieces)
        return
    out.append(Group([whole], " ".join(g.surface for g in pieces), run))


def _trim_generic(run: list[tuple[str, str]], index: TermIndex, n: int) -> list[tuple[str, str]]:
    """The run without common words at its ends ("data" of "visual data"); one inside stays, or the
    phrase would never be found in a text ("selective state space")."""
    rare = [i for i, (w, _) in enumerate(run) if len(index.vocab.get(w, ())) <= GENERIC_SHARE * n]
    return run[rare[0]: rare[-1] + 1] if rare else run


def _split_run(run: list[tuple[str, str]], index: TermIndex) -> list[tuple[tuple[str, ...], str]]:
    """The run as its longest phrases at least two papers write (one paper's wording is no term).
    A hyphenated word that is a term ("text-to-speech": a paper writes it, or a part of it is rare)
    is never cut: one of its parts ("text") names another concept, so the word stays whole even when
    no paper writes it (then it is unmet, not loosened). One made of common words that no paper
    writes ("best-case") only describes, and is cut like any run."""
    out = []
    i = 0
    while i < len(run):
        j = len(run)
        while j > i + 1 and (_inside_term(run, j, index) or len(index.papers(tuple(w for w, _ in run[i:j]))) < 2):
            j -= 1
        while _inside_term(run, j, index):      # j = i + 1 cut a hyphenated term: take the whole word
            j += 1
        surface = " ".join(dict.fromkeys(s for _, s in run[i:j]))
        out.append((tuple(w for w, _ in run[i:j]), surface))
        i = j
    return out


RARE_PART = 0.02     # a part fewer papers than this share use (at least 3) makes a hyphenated word a term


def _inside_term(run: list[tuple[str, str]], j: int, index: TermIndex) -> bool:
    """Would a cut before run[j] split one written hyphenated term (its stems share the surface word)?"""
    if not (0 < j < len(run) and run[j][1] == run[j - 1][1] and "-" in run[j][1]):
        return False
    parts = tuple(w for w, t in run if t == run[j][1])
    rare = max(3.0, RARE_PART * len(index.docs))
    return bool(index.papers(parts)) or any(len(index.papers((w,))) < rare for w in parts)


def _words_in(phrase: tuple[str, ...], run: list[tuple[str, str]], index: TermIndex) -> frozenset:
    """The hyphenated terms of the run inside the phrase, as stem tuples ("text-to-speech")."""
    out = set()
    for word in dict.fromkeys(t for _, t in run if "-" in t):
        at = [k for k, (_, t) in enumerate(run) if t == word]
        if len(at) < 2 or not _inside_term(run, at[1], index):
            continue
        parts = tuple(w for w, t in run if t == word)
        if len(parts) > 1 and any(phrase[k:k + len(parts)] == parts for k in range(len(phrase))):
            out.add(parts)
    return frozenset(out)
