"""Words of a set question read beyond their letters (agent/qa/set_concepts.py uses these): the
question's own verb ("Which papers talk about X?": "talk" frames, it is no concept), a phrase's short
forms (the acronym the store's abstracts define for it, the initials of a spelt-out alternative) and
its spellings with a number joined or apart ("top-1" / "top1")."""

from __future__ import annotations

import re

from agent.qa.term_index import TermIndex, stream
from agent.qa.text import term_set

# Words that frame a set question rather than constrain it ("which papers report results on ...").
FRAME = term_set("""report reports reported result results evaluate evaluates evaluated evaluation experiment
experiments experimental run runs measure measured measurement measurements target targets implement implemented
apply applies applied build built design designed paper papers list every all which what any benchmark dataset
model models work works style like based type kind part whose merely tool tools their mechanism mechanisms
approach propose proposes employ employs leverage leverages adopt adopts rely relies exploit exploits
give gives number numbers figure figures value values quote quotes""")
# The last line: a reported quantity's carrier nouns and verbs ("give a top-1 accuracy number", "perplexity
# figures", "outlier values"): what is reported or quoted is the constraint, the word for a number is not.


# "Which [systems] papers VERB ...", "List every paper that VERB ...": the slot of the question's verb.
_MAIN_VERB = re.compile(r"^\s*(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?:papers?|works?|studies)\s+([a-z]+)\b|"
                        r"\b(?:every|all|each)\s+(?:the\s+)?(?:papers?|works?|studies)\s+(?:that|which)\s+([a-z]+)\b", re.I)


def main_verb(question: str) -> str | None:
    """The verb in the question's verb slot ("talk" of "Which papers talk about X?"), lower case."""
    m = _MAIN_VERB.search(question)
    return (m.group(1) or m.group(2)).lower() if m else None


def without_main_verb(groups: list, question: str) -> list:
    """The question's own verb, when it stands alone as the first concept ("talk", "predict") and
    more follow, frames the question: the concept is its object, which the question goes on to say."""
    verb = main_verb(question)
    if verb is None or len(groups) < 2:
        return groups
    first = groups[0]
    alone = sum(g.run == first.run for g in groups) == 1 and len(first.phrases) == 1 and len(first.phrases[0]) == 1
    return groups[1:] if alone and first.surface.lower() == verb else groups


_TITLE_SHARE = 0.1     # a word under this share of its papers' titles says what papers do, not what they are about


# Words after a head noun that are no verb of it ("efforts on X", "systems that ...", "work has been done").
_NOT_VERB = term_set("""of on in for to from with about at by into over under that which who whose where when
and or as than have has had having is are was were be been being do does did can could may might will would
should must shall exist exists existed""")
_AUX = re.compile(r"\s+(?:(?:that|which|who)\s+)?(?:(?:have|has|had|do|does|did|can|could|will|would|may|might)"
                  r"\s+(?:been\s+)?)?", re.I)


def verb_span(question: str) -> tuple[int, int] | None:
    """Character span of the question's main verb: the verb slot of "Which papers VERB ..." /
    "every paper that VERB ...", else the word right after a head noun that is not "papers" ("What
    efforts compress ...", "Which systems run ...", agent/qa/head_noun.py), skipping "that" and an
    auxiliary. None when there is none (a preposition or a noun follows the head)."""
    m = _MAIN_VERB.search(question)
    if m is not None:
        group = 1 if m.group(1) else 2
        return m.start(group), m.end(group)
    from agent.qa.head_noun import set_shape

    head = set_shape(question)[1]
    if head is None:
        return None
    aux = _AUX.match(question, head.end)
    v = re.match(r"([a-z]+)\b", question[aux.end():]) if aux else None
    if v is None or not stream(v.group(1)) or stream(v.group(1))[0] in _NOT_VERB:
        return None
    return aux.end(), aux.end() + v.end(1)


def frame_verb(question: str, index: TermIndex) -> tuple[int, int] | None:
    """The question's verb when it frames rather than names a concept ("discuss", "involve", "make",
    "deliver"): a word the store's titles (almost) never use for what its papers do. A verb that names
    a method ("prune", "quantize", "serve") is in the titles of many papers that use it, and stays."""
    span = verb_span(question)
    if span is None:
        return None
    rest = question[span[1]:]
    # nothing follows, or the verb is one of alternatives the question spells out ("accelerate or serve")
    if not rest.strip(" ?.!") or re.match(r"\s*(?:,|/|or\b)", rest, re.I):
        return None
    stems = stream(question[span[0]:span[1]])
    if not stems or _speed_word(question[span[0]:]):
        return None
    return span if not _titled(tuple(stems), index) else None


def _titled(stems: tuple[str, ...], index: TermIndex) -> bool:
    ids = index.papers(stems)
    titled = sum(1 for pid in ids if index.count(stems, pid, title_only=True))
    return bool(ids) and titled >= _TITLE_SHARE * len(ids)


def _speed_word(text: str) -> bool:
    """The verb opens a speed-up phrase of the lexicon ("speed up", "accelerate"): a claim kind whose
    synonyms count as a qualifier (agent/qa/set_concepts.py mark_families), not a framing word."""
    from agent.engines.local.speedup_rules import lexicon

    m = lexicon().faster.match(text)
    return m is not None


def without_frame_verb(question: str, index: TermIndex) -> str:
    """The question with its framing verb cut out, and a content verb set apart from the noun phrase
    after it ("What efforts compress ; large language models"): a verb is a concept of its own, never
    the first word of a phrase that papers must write verbatim (a break either way)."""
    span = frame_verb(question, index)
    if span is not None:
        return question[: span[0]] + " ; " + question[span[1]:]
    span = verb_span(question)
    if span is None or _MAIN_VERB.search(question):
        return question
    return question[: span[1]] + " ; " + question[span[1]:]


def add_spellings(groups: list, index: TermIndex) -> None:
    """A name with a number is written joined or apart ("top-1" / "top1", "Llama2" / "Llama-2"):
    a phrase also counts in the other spelling when papers write it."""
    for g in groups:
        for phrase in list(g.phrases):
            other = _respelt(phrase)
            if other and other not in g.phrases and index.papers(other):
                g.phrases.append(other)


def _respelt(phrase: tuple[str, ...]) -> tuple[str, ...] | None:
    out: list[str] = []
    changed = False
    for w in phrase:
        m = re.fullmatch(r"([a-z]+)(\d+)", w)
        if out and w.isdigit() and out[-1].isalpha():
            out[-1] += w
            changed = True
        elif m and len(m.group(1)) > 1:
            out += [m.group(1), m.group(2)]
            changed = True
        else:
            out.append(w)
    return tuple(out) if changed else None


def add_acronyms(groups: list, index: TermIndex) -> None:
    """A phrase also counts as its short form: the acronym the store's abstracts define for it
    ("large language models (LLMs)"), or the initials of an alternative of three or more words when
    papers write them ("frames per second" = "FPS")."""
    frame = FRAME

    defined = defined_acronyms(index)
    expansions: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for expansion, acronyms in defined.items():
        for acronym in acronyms:
            expansions.setdefault(acronym, []).append(expansion)
    for g in groups:
        for phrase in list(g.phrases):
            # the other way too: an acronym the question writes counts as its defined expansion ("HLS")
            for other in [*defined.get(tuple(w for w in phrase if w not in frame), ()), *expansions.get(phrase, ())]:
                if other and other not in g.phrases:
                    g.phrases.append(other)
            for other in _inner_acronyms(phrase, defined):
                if other not in g.phrases:
                    g.phrases.append(other)
        for alt in g.surface.split(" / "):
            words = re.findall(r"[A-Za-z][\w]*", alt)
            if len(words) < 3:
                continue
            acronym = tuple(stream("".join(w[0] for w in words)))
            if acronym and acronym not in g.phrases and index.papers(acronym):
                g.phrases.append(acronym)


def _inner_acronyms(phrase: tuple[str, ...], defined: dict) -> list[tuple[str, ...]]:
    """The phrase with a defined inner part written as its acronym ("quantizing large language" ->
    "quantizing LLM"): papers write the short form inside longer phrases too (it matches as words
    apart, agent/qa/set_concepts.py meets_qualifier)."""
    out = []
    for i in range(len(phrase)):
        for j in range(i + 2, len(phrase) + 1):
            if (i, j) == (0, len(phrase)):
                continue
            for acronym in defined.get(phrase[i:j], ()):
                out.append(phrase[:i] + acronym + phrase[j:])
    return out


_DEFINED = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,6})\(\s*([A-Z][A-Za-z0-9]{1,9}?)s?\s*\)")
_ACRONYMS: dict[int, dict] = {}


def defined_acronyms(index: TermIndex) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Expansion (stems, frame words left out) -> acronyms, from "words (ACRONYM)" in the store's
    abstracts and titles where the acronym's letters are the initials of the words before it."""
    frame = FRAME

    key = id(index)
    if key not in _ACRONYMS:
        out: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        texts = [t for sents in index.sentences.values() for t in sents] + list(index.titles.values())
        for text in texts:
            for m in _DEFINED.finditer(text):
                expansion = _expansion(m.group(1), m.group(2))
                short = tuple(stream(m.group(2)))
                if expansion and short:
                    out.setdefault(tuple(w for w in expansion if w not in frame), set()).add(short)
        _ACRONYMS.clear()
        _ACRONYMS[key] = out
    return _ACRONYMS[key]


def _expansion(words: str, acronym: str) -> tuple[str, ...] | None:
    """The stems of the last words whose initials (hyphenated parts count) spell the acronym."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    toks = words.split()
    for k in range(1, len(toks) + 1):
        tail = toks[-k:]
        initials = [part[0].lower() for t in tail for part in t.split("-") if part]
        if initials == letters or [t[0].lower() for t in tail] == letters:
            return tuple(stream(" ".join(tail)))
    return None
