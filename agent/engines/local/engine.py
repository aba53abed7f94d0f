"""The local engine: rules + gazetteers for claims, extractive TL;DR, keyword+embedding topics."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from agent.engines.base import ExtractionFailure
from core.models import Claims, Extraction, PaperText, TopicTag


class LocalEngine:
    name = "local"

    def __init__(self, use_embeddings: bool = True, embed_texts: Callable[[list[str]], Any] | None = None):
        # Embeddings only sharpen topic tags; without them everything stays rule-based and instant.
        self.use_embeddings = use_embeddings
        # Where topic vectors come from: None embeds them (topics.embed_each); a caller with a store
        # passes one that reuses the vectors stored by earlier runs (store/text_vectors.py).
        self.embed_texts = embed_texts

    def using_store(self, store: Any) -> "LocalEngine":
        """The same engine, with its topic vectors kept in `store` (a PaperStore): a text embedded by an
        earlier run is read back, bit for bit the vector it would embed again, instead of re-embedded."""
        if not self.use_embeddings:
            return self
        from agent.engines.local.topics import EMBED_RECIPE, embed_each
        from store.text_vectors import stored_embedder

        return LocalEngine(self.use_embeddings, stored_embedder(store, embed_each, EMBED_RECIPE))

    def tldr(self, paper: PaperText) -> str:
        from agent.engines.local.tldr import make_tldr

        return make_tldr(paper.abstract, paper.title)

    def claims(self, paper: PaperText) -> Claims:
        from agent.engines.local.entities import extract_datasets, extract_hardware
        from agent.engines.local.speedups import extract_speedups

        return Claims(speedups=extract_speedups(paper.abstract),
                      datasets=extract_datasets(paper.abstract),
                      hardware=extract_hardware(paper.abstract))

    def tag(self, paper: PaperText) -> list[TopicTag]:
        from agent.engines.local.topics import tag_topics

        return tag_topics(paper.title, paper.abstract, use_embeddings=self.use_embeddings,
                          embed_texts=self.embed_texts)

    def extract(self, paper: PaperText) -> Extraction:
        return self._record(paper, self.tag(paper))

    def extract_many(self, papers: Iterable[PaperText], batch_size: int = 64) -> Iterator[Extraction | ExtractionFailure]:
        """Batches topic tagging so the embedding model encodes many abstracts per call."""
        from agent.engines.local.topics import default_tagger

        batch: list[PaperText] = []
        for paper in papers:
            if not paper.abstract.strip():
                yield ExtractionFailure(paper.id, "empty abstract")
                continue
            batch.append(paper)
            if len(batch) == batch_size:
                yield from self._extract_batch(default_tagger(), batch)
                batch = []
        if batch:
            yield from self._extract_batch(default_tagger(), batch)

    def _extract_batch(self, tagger, batch: list[PaperText]) -> Iterator[Extraction]:
        tag_lists = tagger.tag_many([(p.title, p.abstract) for p in batch], use_embeddings=self.use_embeddings,
                                    embed_texts=self.embed_texts)
        for paper, tags in zip(batch, tag_lists):
            yield self._record(paper, tags)

    def _record(self, paper: PaperText, tags: list[TopicTag]) -> Extraction:
        claims = self.claims(paper)
        return Extraction(
            id=paper.id, title=paper.title, tldr=self.tldr(paper),
            speedups=claims.speedups, datasets=claims.datasets, hardware=claims.hardware,
            topics=[t.tag for t in tags], engine=self.name,
            provenance={"topics": {t.tag: {"score": round(t.score, 3), "signals": t.signals} for t in tags}},
        )
