"""What the index derives and keeps fixed between index changes, persisted in the home.

BM25 (bm25.npz): the statistics of every chunk; the first process that needs them after a change
builds and writes them, later processes load them instead of re-tokenizing every chunk.

Dense snapshot (dense.npz): the chunk vectors, so a new process need not import chromadb.

`import chromadb` costs ~0.8 CPU-s, more than everything else a cold `papers search` does once the
embedder runs on ONNX. Between two index changes the vectors are fixed, so the first process that
has Chroma open after a change (a sync, or a search that had to open it) writes them to the home as
one float32 matrix in the lexical index's row order (dense.npz), keyed like bm25.npz by the index
generation and the chunk ids, plus the Chroma fingerprint and the size of Chroma's database file.
A later process whose key matches answers dense queries by exact cosine over the matrix
(n x 384 float32: 37 MB per 25k chunks, a few ms per query) and never opens Chroma. Anything else
(a sync needed, a recreated, missing or rewritten Chroma directory, a Chroma server) takes the
Chroma path in store/index.py, which reports or repairs as before.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from core.settings import Settings
from store.atomic import atomic_write
from store.bm25 import BM25
from store.bm25 import FORMAT as BM25_FORMAT
from store.retrieval import LexicalIndex

FILE = "dense.npz"
BM25_FILE = "bm25.npz"
QUERY_CACHE = 256  # query vectors remembered (agents repeat queries)


def load_lexical(settings: Settings, rows: list, generation: str) -> LexicalIndex:
    """The BM25 statistics are fixed between index changes, so the first process to need them after
    a change writes them next to the index (bm25.npz) and later processes load instead of
    re-tokenizing every chunk. Keyed by the chunk ids (which encode content), not trusted blindly."""
    import numpy as np

    digest = hashlib.sha256(f"{BM25_FORMAT}|{generation}|".encode())
    for r in rows:
        digest.update(r["id"].encode() + b"\n")
    key = digest.hexdigest()
    path = Path(settings.home) / BM25_FILE
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["key"]) == key:
                lex = LexicalIndex(rows, generation, BM25.from_arrays(dict(saved)))
                lex.key = key
                return lex
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # absent, stale or damaged: rebuild below
    lex = LexicalIndex(rows, generation)
    lex.key = key
    try:
        atomic_write(path, lambda fh: np.savez(fh, key=np.asarray(key), **lex.bm25.to_arrays()))
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return lex


def chroma_size(settings: Settings) -> int:
    """Size of Chroma's database file (-1 when missing): it changes when Chroma is rewritten or
    replaced. (Its mtime is no use: Chroma touches the file on every open.)"""
    try:
        return (Path(settings.chroma_path) / "chroma.sqlite3").stat().st_size
    except OSError:
        return -1


class DenseSnapshot:
    """Exact cosine search over every chunk vector; the same interface as VectorStore's reads."""

    def __init__(self, ids: list[str], paper_ids: list[str], matrix: Any, variant: str | None = None):
        self.ids, self.paper_ids, self.matrix = ids, paper_ids, matrix
        self.variant = variant   # the local model's variant the vectors came from (queries must match)
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings: Settings, key: str, fingerprint: str | None, ids: list[str],
             paper_ids: list[str]) -> "DenseSnapshot | None":
        """The snapshot in the home if it is the one for this index state, else None."""
        import numpy as np

        try:
            with np.load(Path(settings.home) / FILE, allow_pickle=False) as saved:
                if (str(saved["key"]) != key or str(saved["fingerprint"]) != str(fingerprint)
                        or int(saved["chroma_size"]) != chroma_size(settings)):
                    return None
                matrix = saved["matrix"]
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return None
        if matrix.shape[0] != len(ids):
            return None
        from store.vectors import embedding_spec

        return cls(ids, paper_ids, matrix, embedding_spec(settings)[1])

    @staticmethod
    def is_current(settings: Settings, key: str) -> bool:
        import numpy as np

        try:
            with np.load(Path(settings.home) / FILE, allow_pickle=False) as saved:
                return str(saved["key"]) == key and int(saved["chroma_size"]) == chroma_size(settings)
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return False

    @staticmethod
    def save(settings: Settings, key: str, fingerprint: str, matrix: Any) -> None:
        import numpy as np

        try:
            atomic_write(Path(settings.home) / FILE, lambda fh: np.savez(
                fh, key=np.asarray(key), fingerprint=np.asarray(fingerprint),
                chroma_size=np.asarray(chroma_size(settings)), matrix=matrix))
        except OSError:
            pass  # a read-only home only means the next process opens Chroma

    def embed_query(self, text: str) -> Any:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        from store.embeddings import embed

        vector = embed([text], threads=1, variant=self.variant)[0]
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector

    def query(self, vector: Any, n: int, where: dict | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (id, cosine similarity), best first; `where` as store/retrieval.py
        builds it (paper_id $in ...)."""
        import numpy as np

        sims = self.matrix @ np.asarray(vector, dtype=np.float32)
        candidates = np.arange(len(self.ids))
        if where:
            allowed = set(where["paper_id"]["$in"])
            candidates = np.flatnonzero([p in allowed for p in self.paper_ids])
        n = min(max(1, n), len(candidates))
        if n == 0:
            return []
        top = candidates[np.argpartition(-sims[candidates], n - 1)[:n]] if n < len(candidates) else candidates
        order = top[np.lexsort((top, -sims[top]))]
        return [(self.ids[i], float(sims[i])) for i in order]
