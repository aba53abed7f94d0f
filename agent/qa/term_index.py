"""The store's words for set questions: every paper's stemmed token stream (title first) with the
sentence each token is in, for phrase look-ups ("which papers write 'linear attention'", "in which
sentences"). Built once per store state (agent/qa/set_concepts.py reads questions against it).

Words match on light stems, and a stem also matches a longer one it starts ("recommend" /
"recommender"), so word forms do not split a set.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from agent.qa.text import STOP, stem, tokens
from core.text import split_sentences

_MIN_PREFIX = 6          # stems sharing this long a start (and nearly all of the shorter) are one word


@dataclass
class TermIndex:
    """Stemmed token streams of every paper (title first), for phrase look-ups."""

    docs: dict[str, list[str]]
    title_len: dict[str, int]
    vocab: dict[str, set[str]]     # stem -> paper ids using it
    sent_of: dict[str, list[int]] = field(default_factory=dict)   # token -> its sentence (title = -1)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def variants(self, word: str) -> set[str]:
        if word in self.vocab and len(word) < _MIN_PREFIX:
            return {word}
        return {v for v in self.vocab if v == word or same_word(v, word)}

    def count(self, phrase: tuple[str, ...], pid: str, title_only: bool = False) -> int:
        toks = self.docs[pid][: self.title_len[pid]] if title_only else self.docs[pid]
        alts = [_variants_cached(self, w) for w in phrase]
        k = len(phrase)
        return sum(1 for i in range(len(toks) - k + 1) if all(toks[i + j] in alts[j] for j in range(k)))

    def where(self, phrase: tuple[str, ...], pid: str) -> set[int]:
        """The sentences (title = -1) where the phrase occurs."""
        toks, sent = self.docs[pid], self.sent_of[pid]
        alts = [_variants_cached(self, w) for w in phrase]
        k = len(phrase)
        return {sent[i] for i in range(len(toks) - k + 1) if all(toks[i + j] in alts[j] for j in range(k))}

    def papers(self, phrase: tuple[str, ...]) -> set[str]:
        ids: set[str] | None = None
        for w in phrase:
            have = set().union(*(self.vocab[v] for v in _variants_cached(self, w))) if w else set()
            ids = have if ids is None else ids & have
        return {pid for pid in ids or set() if len(phrase) == 1 or self.count(phrase, pid)}


def same_word(a: str, b: str) -> bool:
    """Stems of one word: a long shared start that leaves at most two letters of the shorter one
    ("register" / "registration", "recommender" / "recommendation")."""
    shorter = min(len(a), len(b))
    if shorter < _MIN_PREFIX:
        return False
    shared = len(os.path.commonprefix([a, b]))
    return shared >= _MIN_PREFIX and shared >= shorter - 2 and not _name_on_word(a, b, shared)


def _name_on_word(a: str, b: str, shared: int) -> bool:
    """A word with two or more consonants glued on after the shared start is a name built on it or
    another word, not a form of it: "tensorrt" is no form of "tensor" nor of "tensorcore", "clusterkv"
    none of "cluster", "contrast" none of "contract" (an inflection adds a syllable: "registration")."""
    return any(len(rest) >= 2 and rest.isalpha() and not re.search(r"[aeiouy]", rest) for rest in (a[shared:], b[shared:]))


_VARIANTS: dict[tuple[int, str], set[str]] = {}


def _variants_cached(index: TermIndex, word: str) -> set[str]:
    key = (id(index), word)
    if key not in _VARIANTS:
        _VARIANTS[key] = index.variants(word)
    return _VARIANTS[key]


def stream(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in STOP]


_INDEXES: dict[tuple, TermIndex] = {}


def build_index(papers) -> TermIndex:
    docs, title_len, vocab, sent_of, sents, titles = {}, {}, {}, {}, {}, {}
    for p in papers:
        titles[p.id] = p.title or ""
        head = stream(p.title or "")
        sents[p.id] = split_sentences(p.abstract) or [p.abstract]
        parts = [stream(s) for s in sents[p.id]]
        docs[p.id] = head + [w for part in parts for w in part]
        sent_of[p.id] = [-1] * len(head) + [i for i, part in enumerate(parts) for _ in part]
        title_len[p.id] = len(head)
        for w in set(docs[p.id]):
            vocab.setdefault(w, set()).add(p.id)
    return TermIndex(docs, title_len, vocab, sent_of, sents, titles)


def term_index(ctx) -> TermIndex:
    """The store's index, rebuilt when the store changes (its corpus statistics key it)."""
    stats = ctx.stats()
    key = (str(ctx.store.db.path), stats.n_docs, sum(stats.df.values()))
    if key not in _INDEXES:
        _INDEXES.clear()
        _VARIANTS.clear()
        _INDEXES[key] = build_index(ctx.store.all())
    return _INDEXES[key]
