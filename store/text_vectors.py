"""Whole-text vectors kept in the store, so a text is embedded once per model, not once per run.

The local topic tagger embeds each paper's title + abstract (agent/engines/local/topics.py). Those
are not the vectors the search index holds: the index embeds sentence-packed chunks of at most 120
words with the title prepended (store/chunking.py), and a whole abstract is one chunk for only 10 of
the 173 seed papers. Even then the bits differ (up to ~1e-7): the index embeds chunks in padded
length buckets, and padding changes the float arithmetic. So nothing is borrowed from the index;
instead the tagger's own vectors are stored here, keyed by

- the model key: the embedding recipe (`recipe`, e.g. "minilm-unpadded"), the ONNX graph's content
  hash (weights + builder version) and the onnxruntime and tokenizers versions, since any of them
  can change the bits; and
- the SHA-256 of the stripped text (what the embedder sees).

A vector is only reused when both match, and the recipe embeds every text on its own (no padding),
so a stored vector is bit for bit the one the tagger would compute now (tests/test_text_vectors.py).
The table is a cache: `papers doctor` does not salvage it, and a miss only costs the embedding.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Callable

from store.papers import PaperStore

if TYPE_CHECKING:
    import numpy as np

Embed = Callable[[list[str]], "np.ndarray"]
_ID_CHUNK = 500   # SQLite bound-parameter budget per statement


def model_key(recipe: str) -> str:
    """Names everything a vector's bits depend on besides the text (no model load)."""
    from importlib.metadata import version

    from store.embeddings import cache_root, model_path, weights_key

    return f"{recipe}:{weights_key(model_path(), cache_root())}:ort{version('onnxruntime')}" \
           f":tok{version('tokenizers')}"


def text_sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def stored_embedder(store: PaperStore, embed: Embed, recipe: str, read_only_ok: bool = False) -> Embed:
    """`embed`, with every vector looked up in and saved to the store under (model key, text hash).

    `embed` must compute each text's vector independently of the others in its call (the tagger's
    unpadded embedding does), or a stored vector could differ from a fresh one in the last bits.
    The model key is computed once per embedder. `read_only_ok`: a store that cannot be written still
    answers (the fresh vectors are only not kept), for readers such as `ask`; the tagger, which
    writes the store anyway, wants the error."""
    key: list[str] = []

    def keep(vectors: dict) -> None:
        from core.errors import StoreError

        try:
            save(store, key[0], vectors)
        except (StoreError, OSError):   # store.db.write turns every sqlite error into a StoreError
            if not read_only_ok:
                raise

    def embed_texts(texts: list[str]) -> "np.ndarray":
        import numpy as np

        if not key:
            key.append(model_key(recipe))
        shas = [text_sha(t) for t in texts]
        found = lookup(store, key[0], set(shas))
        missing = list(dict.fromkeys(s for s in shas if s not in found))
        if missing:
            first = {s: t for s, t in zip(reversed(shas), reversed(texts))}
            fresh = embed([first[s] for s in missing])
            keep(dict(zip(missing, fresh)))
            found.update(zip(missing, fresh))
        if not texts:
            return embed([])
        return np.stack([found[s] for s in shas])

    return embed_texts


def lookup(store: PaperStore, model: str, shas: set[str]) -> dict[str, "np.ndarray"]:
    import numpy as np

    wanted, out = sorted(shas), {}
    for i in range(0, len(wanted), _ID_CHUNK):
        part = wanted[i:i + _ID_CHUNK]
        rows = store.db.rows(f"SELECT text_sha, vec FROM text_vectors WHERE model = ? AND text_sha IN "
                             f"({','.join('?' * len(part))})", [model, *part])
        out.update((sha, np.frombuffer(blob, dtype=np.float32)) for sha, blob in rows)
    return out


def save(store: PaperStore, model: str, vectors: dict[str, "np.ndarray"]) -> None:
    import numpy as np

    with store.db.write() as conn:
        conn.executemany("INSERT OR REPLACE INTO text_vectors (model, text_sha, vec) VALUES (?, ?, ?)",
                         [(model, sha, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                          for sha, v in vectors.items()])


def count(store: PaperStore) -> int:
    return int(store.db.column("SELECT count(*) FROM text_vectors")[0])
