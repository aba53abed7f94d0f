"""Everyday words of a question that no paper uses, but whose meaning the corpus has.

A paraphrase in a user's own words ("chatbot", "picture", "quick", "jobs") uses words no abstract
uses, although the corpus says the same thing ("chat", "images", "fast", "tasks"). Such words must
not count as evidence that the question is off-corpus (the `unknown` feature of answerability.py),
while a topic word the corpus has nothing near ("weather", "protein", "fraud") and a name or
product code ("Set5", "MI300", "YOLOv8") still do. "Near" is decided by the offline MiniLM model:
the word's embedding has cosine >= SYNONYM_MIN with a word that at least VOCAB_MIN_DF papers use.
SYNONYM_MIN is the middle of the range (0.65-0.75) where the leave-one-out figures of
`python -m bench.qa_calibrate --home` are best and stable.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

SYNONYM_MIN = 0.70
VOCAB_MIN_DF = 2        # a word only one abstract uses is no evidence of what the corpus talks about
VOCAB_MAX = 4000        # the most used words only: a 100k-paper corpus must not embed 50k words on its
                        # first paraphrase (the seed corpus has about 1,900; everyday synonyms are common words)
VOCAB_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
_NAME_LIKE = re.compile(r"\d|.[A-Z]")   # "Set5", "YOLOv8", "ShanghaiTech": a name, never a paraphrase


def vocabulary(docs: list[str], stop: frozenset) -> tuple[str, ...]:
    """The lower-case words at least VOCAB_MIN_DF of `docs` use (stopwords left out; the VOCAB_MAX most
    used), sorted."""
    df: Counter = Counter()
    for doc in docs:
        df.update({w.lower() for w in VOCAB_WORD.findall(doc)})
    return top_vocabulary(df, stop)


def top_vocabulary(df: dict[str, int], stop: frozenset = frozenset()) -> tuple[str, ...]:
    """From word -> document frequency: the VOCAB_MAX most used words that VOCAB_MIN_DF papers use, sorted."""
    kept = [(n, w) for w, n in df.items() if n >= VOCAB_MIN_DF and w not in stop]
    return tuple(sorted(w for _, w in sorted(kept, key=lambda nw: (-nw[0], nw[1]))[:VOCAB_MAX]))


def everyday(word: str, vocab: tuple[str, ...]) -> bool:
    """`word` (as the question writes it) is a plain word the corpus vocabulary has a near synonym of:
    by the embedding model, or by the lay vocabulary (agent/data/lay_terms.yaml: "chatbot" ~ "LLM")."""
    if not vocab or _NAME_LIKE.search(word):
        return False
    if any(all(w in vocab for w in sense.split()) for sense in lay_senses(word)):
        return True
    return _nearest(word.lower(), vocab) >= SYNONYM_MIN


LAY_TERMS = Path(__file__).resolve().parents[1] / "data" / "lay_terms.yaml"


@lru_cache(maxsize=1)
def _lay_table() -> dict[str, tuple[str, ...]]:
    import yaml

    data = yaml.safe_load(LAY_TERMS.read_text()) or {}
    return {str(k).lower(): tuple(str(v).lower() for v in vs) for k, vs in data.items()}


def lay_senses(word: str) -> tuple[str, ...]:
    """The technical senses of an everyday word ("chatbot's" -> "llm", "chat", ...), () when none."""
    key = re.sub(r"(?:'s|’s|')$", "", word.lower()).replace("-", "")
    return _lay_table().get(key, ())


@lru_cache(maxsize=4096)
def near_words(word: str, vocab: tuple[str, ...]) -> tuple[str, ...]:
    """The vocabulary words within SYNONYM_MIN of `word` by the embedding model (the word itself aside);
    () for a name-like word or an empty vocabulary."""
    if not vocab or _NAME_LIKE.search(word):
        return ()
    from store.embeddings import embed

    sims = _matrix(vocab) @ embed([word.lower()], threads=1)[0]
    return tuple(vocab[i] for i in (sims >= SYNONYM_MIN).nonzero()[0] if vocab[i] != word.lower())


def near_terms(words: list[str], vocab: tuple[str, ...], within: set[str], index) -> dict[str, set[str]]:
    """Each word -> the stemmed terms of its near words (as `near_words`) that are among `within`.

    The same answer as `near_words` read against `within`, at a fraction of its cost: only the vocabulary
    words with a term in `within` (the few candidate papers' terms) are compared with the words, in one
    product, and a word of the vocabulary reuses its row instead of being embedded again. A full pass per
    new question word (~8 ms of CPU each on the seed corpus) was most of the round-10 candidate's ask cost.
    `index` is (term -> vocabulary rows, each row's terms), agent/qa/answer_features.py `vocab_terms`."""
    out: dict[str, set[str]] = {w: set() for w in words}
    kept = [w for w in words if not _NAME_LIKE.search(w)]
    asked = [w.lower() for w in kept]
    if not vocab or not within or not asked:
        return out
    import numpy as np

    by_term, terms_of = index
    rows = sorted({i for t in within for i in by_term.get(t, ())})
    if not rows:
        return out
    # einsum, not BLAS: a product this small costs less than waking (and spinning) BLAS threads
    sims = np.einsum("ij,kj->ik", _matrix(vocab)[rows], _word_vectors(asked, vocab))     # rows x words
    for j, (word, low) in enumerate(zip(kept, asked)):
        hit = (sims[:, j] >= SYNONYM_MIN).nonzero()[0]
        out[word] = {t for k in hit if vocab[rows[k]] != low for t in terms_of[rows[k]]}
    return out


_VECTORS: dict[str, object] = {}     # word -> embedding, for question words outside the vocabulary
_VECTORS_MAX = 4096


def _word_vectors(words: list[str], vocab: tuple[str, ...]):
    """The words' embeddings (words x dim): a vocabulary word's matrix row, others embedded in one batch
    (the model gives a word the same vector alone or in a batch) and kept."""
    import numpy as np
    from store.embeddings import embed

    index = _vocab_index(vocab)
    new = sorted({w for w in words if w not in index and w not in _VECTORS})
    if new:
        if len(_VECTORS) > _VECTORS_MAX:
            _VECTORS.clear()
        _VECTORS.update(zip(new, embed(new, threads=1)))
    matrix = _matrix(vocab)
    return np.stack([matrix[index[w]] if w in index else _VECTORS[w] for w in words])


@lru_cache(maxsize=2)
def _vocab_index(vocab: tuple[str, ...]) -> dict[str, int]:
    return {w: i for i, w in enumerate(vocab)}


@lru_cache(maxsize=4096)
def _nearest(word: str, vocab: tuple[str, ...]) -> float:
    return float((_matrix(vocab) @ _word_vectors([word], vocab)[0]).max())


@lru_cache(maxsize=2)
def _matrix(vocab: tuple[str, ...]):
    from store.embeddings import embed_cached

    return embed_cached(list(vocab), "corpus-vocabulary")
