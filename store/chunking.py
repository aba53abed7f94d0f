"""Sentence-aware chunks of an abstract, the unit the search index embeds and scores.

An abstract is split into sentences, sentences are packed greedily into chunks of at most
`max_words` words, and each chunk after the first starts with the last sentence of the one before
(a small overlap, so a claim that straddles a boundary is whole in at least one chunk). A sentence
longer than `max_words` is cut into overlapping word windows. The paper's title is prepended to
each chunk's embedded text, so every chunk knows what paper it belongs to.

Chunk ids carry a key derived from the paper's content hash and these parameters: change either and
the ids change, which is how the index notices it must re-embed.

Sizes were compared with bench/retrieval.py (39 answerable questions, so one question is 0.026 of
recall@1): hybrid recall@1 / recall@5 / MRR with 1-sentence overlap at 40 words .795/.958/.882,
60 .846/.977/.917, 80 .949/.960/.970, 100 .897/.972/.944, 120 .949/.977/.974, 150 .949/.974/.974;
60 words without overlap .897/.959/.940; whole abstracts .949/.953/.974 (brute-force cosine, RRF
k=60). 120 words is on the plateau, keeps title + chunk inside MiniLM's 256-token window (4 of 415
seed chunks are cut), and gives 2.4 chunks per abstract, half as many to embed as 60 words.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_WORDS = 120         # words per chunk body (title + body stays inside MiniLM's 256-token window)
OVERLAP_SENTENCES = 1   # sentences repeated at the start of the next chunk
MIN_TAIL_WORDS = 20     # a shorter last chunk is merged into the previous one
CHUNKER_VERSION = f"s{MAX_WORDS}-o{OVERLAP_SENTENCES}-t{MIN_TAIL_WORDS}-v1"

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = {"e.g", "i.e", "et al", "al", "etc", "vs", "fig", "figs", "eq", "eqs", "sec", "no",
                  "approx", "cf", "resp", "ref", "refs", "dr", "mr", "ms", "prof", "st", "inc", "ltd",
                  "co", "corp", "jr", "sr", "ca", "viz", "incl", "tab", "ch", "p", "pp", "vol"}
# A sentence boundary: end punctuation (plus closing quotes/brackets), whitespace, then something that
# can start a sentence. Decimals like 3.5 have no whitespace after the point and never match.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF])"
                       r"|(?<=[\u3002\uff01\uff1f])\s*")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"')\]]*$")


@dataclass(frozen=True)
class Chunk:
    position: int   # 0-based order within the abstract
    text: str       # the passage itself (what is shown and highlighted)
    title: str = ""

    @property
    def embed_text(self) -> str:
        """What is embedded and keyword-indexed: the title, then the passage."""
        if not self.title:
            return self.text
        sep = " " if self.title.rstrip()[-1:] in ".?!:" else ". "
        return f"{self.title.strip()}{sep}{self.text}"


def chunk_sentences(text: str) -> list[str]:
    """Sentences of `text`, in order, whitespace-normalised; abbreviations do not end a sentence."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start:m.start()].strip()
        if not piece:
            continue
        last = _LAST_WORD.search(piece)
        if last and last.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue  # "e.g. ResNet": keep going, the sentence has not ended
        sentences.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _word_windows(sentence: str, max_words: int) -> list[str]:
    """Cut an over-long sentence into windows of max_words words overlapping by a quarter."""
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    step = max(1, max_words - max_words // 4)
    windows = []
    for i in range(0, len(words), step):
        windows.append(" ".join(words[i:i + max_words]))
        if i + max_words >= len(words):
            break
    return windows


def _pack(units: list[str], max_words: int, overlap: int) -> list[list[str]]:
    """Greedy packing of sentence units into groups of at most max_words words, with overlap."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for unit in units:
        n = len(unit.split())
        if current and size + n > max_words:
            groups.append(current)
            kept = current[-overlap:] if overlap and len(current) > overlap else []
            if sum(len(u.split()) for u in kept) + n > max_words:
                kept = []  # the overlap would push the next chunk over the limit on its own
            current, size = list(kept), sum(len(u.split()) for u in kept)
        current.append(unit)
        size += n
    if current:
        groups.append(current)
    return groups


def chunk_abstract(abstract: str, title: str | None = None, *, max_words: int = MAX_WORDS,
                   overlap: int = OVERLAP_SENTENCES, min_tail: int = MIN_TAIL_WORDS) -> list[Chunk]:
    """The abstract as a list of chunks (at least one, unless the abstract is empty)."""
    units = [w for s in chunk_sentences(abstract) for w in _word_windows(s, max_words)]
    groups = _pack(units, max_words, overlap)
    if len(groups) > 1:
        tail_new = [u for u in groups[-1] if u not in groups[-2]]
        if sum(len(u.split()) for u in tail_new) < min_tail:
            groups[-2] = groups[-2] + tail_new  # a short tail reads better with its predecessor
            groups.pop()
    title = " ".join((title or "").split())
    return [Chunk(i, " ".join(g), title) for i, g in enumerate(groups)]


def chunk_key(content_hash: str) -> str:
    """Short key naming one version of a paper's chunks: its content and the chunking parameters."""
    return hashlib.sha1(f"{content_hash}|{CHUNKER_VERSION}".encode()).hexdigest()[:12]


def chunk_id(paper_id: str, key: str, position: int) -> str:
    return f"{paper_id}:{key}:{position}"
