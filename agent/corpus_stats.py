"""Corpus statistics for question answering from the counts the store keeps (store/term_stats.py).

`CorpusStats.build` tokenizes every paper: seconds at 100k papers, paid by every new `papers ask`
process and after every change. `corpus_stats(store)` gives the same CorpusStats (every field) from
document frequencies the store brings up to date incrementally: the first call after an ingest
tokenizes only the new papers, a new process only reads the counts.
"""

from __future__ import annotations

from collections import Counter

from agent.qa.synonyms import VOCAB_WORD, top_vocabulary
from agent.qa.text import STOP, CorpusStats, acronyms_in, term_set
from store.papers import PaperStore
from store.term_stats import document_frequencies

# one count table holds them all: IDF terms (stemmed), vocabulary words, acronyms as written
TERM, WORD, ACRONYM = "t:", "w:", "a:"


def qa_terms(text: str) -> list[str]:
    """What `CorpusStats.build` counts in one document: its stemmed terms, vocabulary words and acronyms."""
    words = {w.lower() for w in VOCAB_WORD.findall(text)} - STOP
    return [TERM + t for t in term_set(text)] + [WORD + w for w in words] + \
        [ACRONYM + a for a in set(acronyms_in(text))]


def corpus_stats(store: PaperStore) -> CorpusStats:
    """`CorpusStats.build` over every stored paper's title and abstract, from the stored counts."""
    n_docs, counts = document_frequencies(store, qa_terms, name="qa")
    df: Counter = Counter()
    acronyms: Counter = Counter()
    words: dict[str, int] = {}
    for key, n in counts.items():
        kind, term = key[:2], key[2:]
        if kind == TERM:
            df[term] = n
        elif kind == WORD:
            words[term] = n
        else:
            acronyms[term] = n
    return CorpusStats(n_docs, df, top_vocabulary(words), acronym_df=acronyms)
