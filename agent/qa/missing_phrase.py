"""What a decline names as not covered: a whole phrase of the question, never a fragment of it.

The question is read as its phrases: runs of adjacent content words between stop words and
punctuation ("KV cache eviction", "top-1 accuracy", "mixture-of-experts inference"). A phrase is
the unit a reader recognises, so `missing` names the whole phrase a paper's text does not use, not
the one word of it the paper lacks ("KV" out of "KV cache"). Two kinds of word frame the question
and are never a constraint: the head noun of a set question ("Which *thesis* ...") and a superlative
("the *best* top-1 accuracy", "the *fastest*"): it asks to order the answers, which no abstract
writes. A superlative is read by its grammar: one of English's irregular ones, or an "-est" word
whose base adjective the corpus uses, after "the" or a possessive.
"""

from __future__ import annotations

import re

from agent.qa.text import STOP, covered_by_senses, stem, term_set, tokens

_IRREGULAR_SUPERLATIVES = frozenset("best worst most least".split())   # a closed class of English
_DETERMINERS = frozenset("the its their our your".split())
_SEGMENT = re.compile(r"[,;:?!()\"“”]|\s[-–—]\s")
_WORD = re.compile(r"[A-Za-z0-9][\w.+/'’-]*")


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


def phrases(question: str, stats, framing: str | None = None) -> list[list[str]]:
    """The question's phrases, each a list of its words as written; `framing` (a set question's head
    noun) and superlatives break phrases and belong to none."""
    out: list[list[str]] = []
    for segment in _SEGMENT.split(question):
        run: list[str] = []
        previous = None
        for m in _WORD.finditer(segment):
            word = m.group(0).rstrip(".'’")
            frames = word == framing or is_superlative(word, previous, stats)
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
    return (all(parts) if whole else any(parts)) or covered_by_senses(word, have)


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
