"""The local engine: rules + gazetteers for claims, extractive TL;DR, keyword+embedding topics."""

from __future__ import annotations

from agent.models import Claims, Extraction, PaperText, TopicTag


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
        claims = self.claims(paper)
        tags = self.tag(paper)
        return Extraction(
            id=paper.id, title=paper.title, tldr=self.tldr(paper),
            speedups=claims.speedups, datasets=claims.datasets, hardware=claims.hardware,
            topics=[t.tag for t in tags], engine=self.name,
            provenance={"topics": {t.tag: {"score": round(t.score, 3), "signals": t.signals} for t in tags}},
        )
