"""Which of the index's papers a search filter admits, as a boolean mask, cached between writes.

At 100k papers, turning `--category cs.DC` into a set of paper-id strings (sqlite3.Row objects,
then a Python set, then a per-chunk lookup) cost ~270 ms per query. Here the filter is one SQL query
returning rowids (plain ints), mapped through a rowid -> paper-index array to a mask over the
lexical index's papers; BM25 and the dense post-filter index that mask with the chunk -> paper
array. Both the rowid map and each filter's mask are fixed until something is written, so they are
kept on the LexicalIndex keyed by the store's change signature (PaperStore.change_signature).
"""

from __future__ import annotations

from dataclasses import astuple, replace
from typing import TYPE_CHECKING, Any

from store.papers import PaperFilter, PaperStore

if TYPE_CHECKING:
    import numpy as np

LexicalIndex = Any   # store.retrieval.LexicalIndex (which imports this module)

MAX_CACHED_FILTERS = 32


def filter_is_empty(flt: PaperFilter | None) -> bool:
    return flt is None or all(v is None for k, v in vars(flt).items() if k != "limit")


class FilterCache:
    """Per LexicalIndex: the rowid -> paper-index map and recent filters' masks, for one store state."""

    def __init__(self) -> None:
        self.signature: tuple = ()
        self.rowid_to_paper: "np.ndarray | None" = None
        self.masks: dict[tuple, "np.ndarray"] = {}

    def reset_if_changed(self, signature: tuple) -> None:
        if signature != self.signature:
            self.signature, self.rowid_to_paper, self.masks = signature, None, {}


def paper_mask(store: PaperStore, lex: "LexicalIndex", flt: PaperFilter | None) -> "np.ndarray | None":
    """Boolean array over `lex.papers`: True where the filter admits the paper; None without a filter."""
    if filter_is_empty(flt):
        return None
    assert flt is not None
    flt = replace(flt, limit=None)
    cache: FilterCache = lex.filter_cache
    cache.reset_if_changed(store.change_signature())
    key = astuple(flt)
    mask = cache.masks.get(key)
    if mask is None:
        mask = _compute(store, lex, cache, flt)
        if len(cache.masks) >= MAX_CACHED_FILTERS:
            cache.masks.pop(next(iter(cache.masks)))
        cache.masks[key] = mask
    return mask


def _compute(store: PaperStore, lex: "LexicalIndex", cache: FilterCache, flt: PaperFilter) -> "np.ndarray":
    import numpy as np

    keep = np.zeros(len(lex.papers), dtype=bool)
    if flt.grep:   # matched in Python over the papers' text: map ids directly
        keep[[lex.paper_index[p] for p in store.ids(flt, ordered=False) if p in lex.paper_index]] = True
        return keep
    if cache.rowid_to_paper is None:
        cache.rowid_to_paper = _rowid_map(store, lex)
    rowids = np.asarray(store.rowids(flt), dtype=np.int64)
    table = cache.rowid_to_paper
    rowids = rowids[rowids < len(table)]   # a paper added since the map was built is not indexed yet
    papers = table[rowids]
    keep[papers[papers >= 0]] = True
    return keep


def _rowid_map(store: PaperStore, lex: "LexicalIndex") -> "np.ndarray":
    """rowid -> index into lex.papers (-1: the paper has no indexed chunks)."""
    import numpy as np

    pairs = store.rowid_ids()
    table = np.full(max((r for r, _ in pairs), default=-1) + 1, -1, dtype=np.int64)
    index = lex.paper_index
    for rowid, paper_id in pairs:
        pi = index.get(paper_id)
        if pi is not None:
            table[rowid] = pi
    return table


def admitted_ids(lex: "LexicalIndex", keep: "np.ndarray") -> list[str]:
    """The admitted papers' ids (for a Chroma `where` clause), sorted."""
    import numpy as np

    return sorted(lex.papers[i] for i in np.flatnonzero(keep))


def chunk_mask(lex: "LexicalIndex", keep: "np.ndarray") -> Any:
    """Boolean array over chunks: True where the chunk's paper is admitted."""
    return keep[lex.paper_of_array]
