"""What a decline names as not covered: a whole phrase of the question, never a fragment of it.

The question is read as its phrases: runs of adjacent content words between stop words and
punctuation ("KV cache eviction", "top-1 accuracy", "mixture-of-experts inference"). A phrase is
the unit a reader recognises, so `missing` names the whole phrase a paper's text does not use, not
the one word of it the paper lacks ("KV" out of "KV cache"). Two kinds of word frame the question
and are never a constraint: the head noun of a set question ("Which *thesis* ...") and a superlative
("the *best* top-1 accuracy", "the *fastest*"): it asks to order the answers, which no abstract
writes. A superlative is read by its grammar: one of English's irregular ones, or an "-est" word
whose base adjective the corpus uses, after "the" or a possessive. The question's own verb frames it
too ("how do I *shrink* ...", "what throughput does Mamba *reach*?"): a paper writes its own verbs, so
the asked one is no constraint; it is found by the shape of an English question (`question_verbs`).
A speed comparative ("faster", "quicker") is met by a speed figure of any speed metric (throughput,
latency, speedup): the paper that reports 5x higher throughput answers "how much faster".
"""

from __future__ import annotations

import re

from agent.qa.text import SPEED_METRICS, SPEED_WORDS, STOP, covered_by_senses, stem, term_set, tokens

_IRREGULAR_SUPERLATIVES = frozenset("best worst most least".split())   # a closed class of English
_DETERMINERS = frozenset("the its their our your".split())
_SEGMENT = re.compile(r"[,;:?!()\"“”]|\s[-–—]\s")
_WORD = re.compile(r"[A-Za-z0-9][\w.+/'’-]*")
# Closed classes of English: the auxiliaries that invert with a subject in a question ("does X
# reach", "can we reduce"), the subject pronouns, and the wh-words that front an object ("what
# (throughput) does ..."); after them the question's own verb stands in a fixed place.
_AUXILIARIES = frozenset("do does did can could should would will may might must shall".split())
_PRONOUNS = frozenset("i we you one they it he she".split())
_OBJECT_WH = frozenset("what which who whom".split())
_PREPOSITIONS = frozenset("on in at for with over than of to from by under across against versus vs per "
                          "during without within between into onto compared relative when while".split())
_SPEED_TERMS = frozenset(t for m in SPEED_METRICS if " " not in m for t in term_set(m))   # one-word metrics


def is_superlative(word: str, previous: str | None, stats) -> bool:
    low = word.lower()
    if low in _IRREGULAR_SUPERLATIVES:
        return True
    if not (low.endswith("est") and len(low) > 5 and (previous or "").lower() in _DETERMINERS):
        return False
    base = low[:-3]
    bases = {base, base + "e", base[:-1] if len(base) > 2 and base[-1] == base[-2] else base,
             base[:-1] + "y" if base.endswith("i") else base}
    return any(stats.df.get(stem(b), 0) for b in bases)


def _content(word: str) -> list[str]:
    return [t for t in tokens(word.lower()) if t not in STOP and len(t) > 1]


def question_verbs(words: list[str]) -> set[int]:
    """Positions of the question's own verb in one segment's `words`: the word after an inverted
    auxiliary and a subject pronoun ("how do I shrink", "can we reduce"), or, when a wh-word fronts
    the object ("what throughput does Mamba reach on ..."), the last word of the run of content
    words after the auxiliary (subject then verb) when a preposition or the end follows it. A yes/no or
    "how does X reduce Y" question keeps its object after the verb, so only the pronoun shape
    applies to it."""
    low = [w.lower() for w in words]
    out = set()
    for i, w in enumerate(low):
        if w not in _AUXILIARIES or i + 1 >= len(low):
            continue
        if low[i + 1] in _PRONOUNS:
            if i + 2 < len(low) and _content(words[i + 2]):
                out.add(i + 2)
            continue
        if not any(x in _OBJECT_WH for x in low[:i]):
            continue
        j = i + 1
        while j < len(low) and not _content(words[j]):   # "does the model reach": past the determiner
            j += 1
        end = j
        while end < len(low) and _content(words[end]):
            end += 1
        # subject and verb, then a preposition or the end; a run followed by another word ended at a
        # verb the stop list holds ("do Okapi forests achieve"): its last word is the subject's
        if end - j >= 2 and (end == len(low) or low[end] in _PREPOSITIONS):
            out.add(end - 1)
    return out


def asked_subject(question: str) -> list[str]:
    """The subject of a question whose wh-word fronts the object ("what accuracy does *DeiT* reach
    on ...", "what speedup does *the Foo kernel* achieve"): the content words after the auxiliary,
    less the verb `question_verbs` finds."""
    for segment in _SEGMENT.split(question):
        words = [m.group(0).rstrip(".'’") for m in _WORD.finditer(segment)]
        low = [w.lower() for w in words]
        verbs = question_verbs(words)
        for i, w in enumerate(low):
            if w in _AUXILIARIES and any(x in _OBJECT_WH for x in low[:i]):
                j = i + 1
                while j < len(low) and not _content(words[j]) and low[j] not in _PRONOUNS:
                    j += 1
                run = []
                while j < len(low) and _content(words[j]) and j not in verbs:
                    run.append(words[j])
                    j += 1
                # the subject is sure when the verb ends it, or it is one word before a stop-list verb
                # ("does FooNet achieve"); a longer run with no verb found may run on into the object
                return run if j in verbs or len(run) == 1 else []
    return []


def verb_terms(question: str) -> set[str]:
    """The stemmed terms of the question's own verbs (`question_verbs`), over every segment."""
    out: set[str] = set()
    for segment in _SEGMENT.split(question):
        words = [m.group(0).rstrip(".'’") for m in _WORD.finditer(segment)]
        out |= {t for i in question_verbs(words) for t in term_set(words[i])}
    return out


def phrases(question: str, stats, framing: str | None = None) -> list[list[str]]:
    """The question's phrases, each a list of its words as written; `framing` (a set question's head
    noun), superlatives and the question's own verb break phrases and belong to none."""
    out: list[list[str]] = []
    for segment in _SEGMENT.split(question):
        run: list[str] = []
        previous = None
        words = [m.group(0).rstrip(".'’") for m in _WORD.finditer(segment)]
        verbs = question_verbs(words)
        for i, word in enumerate(words):
            frames = word == framing or i in verbs or is_superlative(word, previous, stats)
            if _content(word) and not frames:
                run.append(word)
            elif run:
                out.append(run)
                run = []
            previous = word
        if run:
            out.append(run)
    return out


def _covered(word: str, have: set[str], whole: bool = False) -> bool:
    """The text uses the word: any part of a hyphenated compound, or with `whole` every part."""
    parts = [stem(t) in have for t in _content(word)]
    speed = bool(SPEED_WORDS.fullmatch(word)) and bool(_SPEED_TERMS & have)   # "faster": any speed metric
    return (all(parts) if whole else any(parts)) or speed or covered_by_senses(word, have)


def _weight(words: list[str], stats) -> float:
    return sum(stats.idf(stem(t)) for w in words for t in _content(w))


def uncovered(question: str, doc_text: str, stats, framing: str | None = None, max_words: int = 4) -> str | None:
    """The phrase whose words the paper does not use that weighs most (IDF of those words), whole."""
    have = term_set(doc_text)
    best, best_weight = None, 0.0
    for phrase in phrases(question, stats, framing):
        lacking = [i for i, w in enumerate(phrase) if not _covered(w, have)]
        weight = _weight([phrase[i] for i in lacking], stats)
        if lacking and weight > best_weight:
            start = max(0, min(lacking[0], lacking[-1] - max_words + 1))
            best, best_weight = phrase[start:start + max_words], weight
    return " ".join(best).strip(" ,.?()") if best else None


def apart(question: str, doc_text: str, stats, framing: str | None = None) -> str | None:
    """A phrase of two or more words that the paper uses every word of, but never in one sentence
    ("mixture-of-experts inference" against a paper on mixture-of-experts training that mentions
    inference elsewhere): the unmet constraint when no single word is missing."""
    from core.text import split_sentences

    sentences = [term_set(s) for s in split_sentences(doc_text)] or [term_set(doc_text)]
    found = [p for p in phrases(question, stats, framing) if len(p) > 1
             and not any(all(_covered(w, s, whole=True) for w in p) for s in sentences)]
    return " ".join(max(found, key=lambda p: _weight(p, stats))) if found else None
