"""The local engine: rules + gazetteers for claims, extractive TL;DR, keyword+embedding topics."""

from __future__ import annotations

from typing import Iterable, Iterator

from agent.engines.base import ExtractionFailure
from core.models import Claims, Extraction, PaperText, TopicTag


class LocalEngine:
    name = "local"

    def __init__(self, use_embeddings: bool = True):
        # Embeddings only sharpen topic tags; without them everything stays rule-based and instant.
        self.use_embeddings = use_embeddings

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

        return tag_topics(paper.title, paper.abstract, use_embeddings=self.use_embeddings)

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
        tag_lists = tagger.tag_many([(p.title, p.abstract) for p in batch], use_embeddings=self.use_embeddings)
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
