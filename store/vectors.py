"""The Chroma side of the index: one collection of chunk vectors, embedded or on a Chroma server.

Only this module talks to chromadb. Every call goes through `_guard`, which turns Chroma, network
and Rust-binding failures into `StoreError`s that say where the index is and how to fix it. Waits on
a Chroma server are bounded: a heartbeat with a short connect timeout before the client is built,
then a read timeout on every request (Chroma's own HTTP client would otherwise wait forever).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

from core.errors import ConfigError, PapersError, StoreError
from core.settings import Settings

LOCAL_COLLECTION = "papers-minilm-l6-v2"
CONNECT_TIMEOUT = 5.0
PAGE = 5000  # ids per request when listing the whole collection
QUERY_CACHE = 256  # query vectors remembered per collection
REINDEX_HINT = "run `papers reindex` to rebuild it from the store of record (`papers doctor` checks both)"


LOCAL_VARIANTS = {"local": None, "minilm": None, "minilm-int8": "int8"}   # name -> store.embeddings variant


def embedding_spec(settings: Settings) -> tuple[str, str | None]:
    """('local', variant) with variant None (float MiniLM) or 'int8', or ('openai', model), from
    settings.embedding."""
    spec = (settings.embedding or "local").strip()
    if spec in LOCAL_VARIANTS:
        return "local", LOCAL_VARIANTS[spec]
    if spec.startswith("openai:") and spec[len("openai:"):].strip():
        return "openai", spec[len("openai:"):].strip()
    raise ConfigError(f"unknown embedding {spec!r}", hint="set PAPERS_EMBEDDING to 'local', 'minilm-int8' or "
                                                          "'openai:<model>', e.g. openai:text-embedding-3-small")


def embedding_name(settings: Settings) -> str:
    """The canonical name of the vectors' space: 'local' and 'minilm' are the same float model."""
    kind, model = embedding_spec(settings)
    if kind == "local":
        return "minilm-int8" if model == "int8" else "local"
    return f"openai:{model}"


def collection_name(settings: Settings) -> str:
    kind, model = embedding_spec(settings)
    if kind == "local":
        return LOCAL_COLLECTION + ("-int8" if model == "int8" else "")
    return "papers-openai-" + re.sub(r"[^A-Za-z0-9._-]+", "-", model or "").strip("-._")[:200]


def location(settings: Settings) -> str:
    return settings.chroma_url.rstrip("/") if settings.chroma_url else str(settings.chroma_path)


def embedding_function(settings: Settings) -> Any:
    kind, model = embedding_spec(settings)
    if kind == "local":
        from store.minilm_chroma import chroma_embedding_function

        return chroma_embedding_function(variant=model)
    from store.openai_embeddings import openai_embedding_function

    return openai_embedding_function(model, timeout=settings.request_timeout, max_retries=settings.max_retries,
                                     backoff_base=settings.backoff_base, backoff_max=settings.backoff_max,
                                     db_path=settings.db_path)


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic (e.g. a truncated HNSW file) into PanicException, a BaseException.
    return type(exc).__name__ == "PanicException"


class VectorStore:
    """The chunk collection at `location(settings)`; build with `open()`."""

    def __init__(self, settings: Settings, client: Any, collection: Any, ef: Any):
        self.settings = settings
        self.location = location(settings)
        self.client = client
        self.collection = collection
        self.ef = ef
        self._query_cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, *, create: bool = True) -> "VectorStore":
        """Connect and get (or create) the collection; StoreError when that is not possible."""
        ef = embedding_function(settings)
        with _guard(settings, "open the search index"):
            client = _server_client(settings) if settings.chroma_url else _embedded_client(settings, create)
            try:
                collection = client.get_or_create_collection(
                    collection_name(settings), embedding_function=ef,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"papers_embedding": embedding_name(settings)})
            except BaseException:
                client.close()
                raise
        return cls(settings, client, collection, ef)

    @property
    def fingerprint(self) -> str:
        """Which collection this is: a recreated collection (deleted directory) gets a new id."""
        return f"{self.location}|{self.collection.name}|{self.collection.id}"

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing is best effort: the process may be exiting or the server gone
            pass

    # -- reading ------------------------------------------------------------------------------
    def count(self) -> int:
        with _guard(self.settings, "count index entries"):
            return int(self.collection.count())

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        with _guard(self.settings, "list index entries"):
            offset = 0
            while True:
                page = self.collection.get(include=[], limit=PAGE, offset=offset)["ids"]
                ids.update(page)
                if len(page) < PAGE:
                    return ids
                offset += PAGE

    def all_chunks(self) -> list[tuple[str, str, dict]]:
        """Every (id, document, metadata): the index's own copy of the abstracts (store salvage)."""
        out: list[tuple[str, str, dict]] = []
        with _guard(self.settings, "read index entries"):
            offset = 0
            while True:
                page = self.collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
                out += list(zip(page["ids"], page["documents"] or [], page["metadatas"] or []))
                if len(page["ids"]) < PAGE:
                    return out
                offset += PAGE

    def embed_query(self, text: str) -> Any:
        """The query's vector; the last QUERY_CACHE queries are remembered (agents repeat them)."""
        with self._cache_lock:
            if text in self._query_cache:
                self._query_cache.move_to_end(text)
                return self._query_cache[text]
        with _guard(self.settings, "embed the query"):
            kind, variant = embedding_spec(self.settings)
            if kind == "local":
                from store.embeddings import embed

                vector = embed([text], threads=1, variant=variant)[0]  # see embed(): steadier latency under load
            else:
                vector = self.ef.embed_query([text])[0]
        with self._cache_lock:
            self._query_cache[text] = vector
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vector

    def vectors(self, ids: list[str]) -> dict[str, Any]:
        """Stored vectors of these chunk ids (absent ids are left out)."""
        out: dict[str, Any] = {}
        with _guard(self.settings, "read index vectors"):
            for i in range(0, len(ids), PAGE):
                got = self.collection.get(ids=ids[i:i + PAGE], include=["embeddings"])
                out.update(zip(got["ids"], got["embeddings"]))
        return out

    def query(self, vector: Any, n: int, where: dict | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (id, cosine similarity), best first."""
        with _guard(self.settings, "query the index"):
            result = self.collection.query(query_embeddings=[vector], n_results=max(1, n),
                                           where=where or None, include=["distances"])
        ids, dists = result["ids"][0], result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists)]

    # -- writing ------------------------------------------------------------------------------
    def embed(self, texts: list[str]) -> list[Any]:
        with _guard(self.settings, "embed chunks"):
            return list(self.ef(texts)) if texts else []

    def upsert(self, ids: list[str], vectors: list[Any], documents: list[str], metadatas: list[dict]) -> None:
        if not ids:
            return
        with _guard(self.settings, "write to the index"):
            step = max(1, min(len(ids), self._max_batch()))
            for i in range(0, len(ids), step):
                self.collection.upsert(ids=ids[i:i + step], embeddings=vectors[i:i + step],
                                       documents=documents[i:i + step], metadatas=metadatas[i:i + step])

    def delete_papers(self, paper_ids: list[str]) -> None:
        with _guard(self.settings, "delete from the index"):
            for i in range(0, len(paper_ids), 500):
                self.collection.delete(where={"paper_id": {"$in": paper_ids[i:i + 500]}})

    def delete_ids(self, ids: list[str]) -> None:
        with _guard(self.settings, "delete from the index"):
            for i in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[i:i + 1000])

    def _max_batch(self) -> int:
        try:
            return int(self.client.get_max_batch_size())
        except Exception:
            return 1000


def drop_collection(settings: Settings) -> None:
    """Delete the collection on a Chroma server, even one too broken to open (used by reindex)."""
    with _guard(settings, "delete the index collection"):
        client = _server_client(settings)
        try:
            names = {getattr(c, "name", c) for c in client.list_collections()}
            if collection_name(settings) in names:
                client.delete_collection(collection_name(settings))
        finally:
            client.close()


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _embedded_client(settings: Settings, create: bool) -> Any:
    import chromadb

    path = Path(settings.chroma_path)
    if not create and not (path / "chroma.sqlite3").is_file():
        raise StoreError(f"the search index at {path} is missing", hint=REINDEX_HINT)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def _parse_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"cannot read PAPERS_CHROMA_URL {url!r}",
                          hint="use http://host:port, e.g. http://127.0.0.1:8000")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise ConfigError(f"bad port in PAPERS_CHROMA_URL {url!r}", hint="use http://host:port") from None
    return parsed.hostname, port, parsed.scheme == "https"


def _server_client(settings: Settings) -> Any:
    import chromadb
    import httpx

    host, port, ssl = _parse_url(settings.chroma_url or "")
    timeout = httpx.Timeout(settings.request_timeout, connect=min(CONNECT_TIMEOUT, settings.request_timeout))
    # Probe first: chromadb's client has no timeout at all, so a hung server would hang us.
    url = f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat"
    httpx.get(url, timeout=timeout).raise_for_status()
    client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None:  # private attribute; if a chromadb upgrade moves it, we lose only the bound
        session.timeout = timeout
    return client


def _friendly(settings: Settings, action: str, exc: BaseException) -> PapersError:
    import httpx

    if isinstance(exc, PapersError):
        return exc  # type: ignore[return-value]  # already says what to do (embedding model, API key...)
    if settings.chroma_url:
        hint = ("start the server (`chroma run --path DIR --host HOST --port PORT`), "
                "or unset PAPERS_CHROMA_URL to use the embedded index")
        if isinstance(exc, httpx.TimeoutException):
            return StoreError(f"the Chroma server at {settings.chroma_url} did not answer within "
                              f"{settings.request_timeout:g}s (while trying to {action})", hint=hint)
        if isinstance(exc, httpx.TransportError):
            reason = str(exc) or type(exc).__name__
            return StoreError(f"cannot reach the Chroma server at {settings.chroma_url} ({reason})", hint=hint)
        if isinstance(exc, httpx.HTTPStatusError):
            return StoreError(f"the Chroma server at {settings.chroma_url} answered "
                              f"{exc.response.status_code} (while trying to {action})", hint=hint)
        return StoreError(f"the Chroma server at {settings.chroma_url} failed to {action}: {_short(exc)}",
                          hint="run `papers reindex` to rebuild the collection from the store of record")
    return StoreError(f"the search index at {settings.chroma_path} is unreadable "
                      f"(could not {action}: {_short(exc)})", hint=REINDEX_HINT)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


@contextmanager
def _guard(settings: Settings, action: str) -> Iterator[None]:
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        err = _friendly(settings, action, exc)
        if err is exc:
            raise
        raise err from exc
