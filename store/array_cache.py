"""Numeric arrays derived from fixed inputs, kept in the cache directory (like embed_cached's vectors).

For models fitted at run time on shipped data (the topic text model): the first process fits and
stores an .npz; later ones read it. The key is the caller's digest of everything the arrays depend
on (inputs, parameters, a format version). Any read or write failure falls back to computing.
"""

from __future__ import annotations

from typing import Any, Callable


def arrays_cached(namespace: str, digest: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()` (a dict of numpy arrays), or the copy stored under (namespace, digest)."""
    import numpy as np

    from store.atomic import atomic_write
    from store.embeddings import cache_root

    try:
        path = cache_root() / "arrays" / f"{namespace}-{digest[:24]}.npz"
        with np.load(path, allow_pickle=False) as stored:
            return {k: stored[k] for k in stored.files}
    except (OSError, ValueError, KeyError):
        pass
    arrays = compute()
    try:
        atomic_write(path, lambda fh: np.savez(fh, **arrays))
    except (OSError, NameError):     # NameError: cache_root() itself failed, no path to write
        pass
    return arrays
