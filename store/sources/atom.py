"""arXiv API Atom feeds (the format of export.arxiv.org/api/query responses)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from store.records import Paper
from store.sources.common import code_url, normalise_category, venue_from_comment
from store.sources.structured import arxiv_id_in

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def parse_atom(text: str) -> tuple[list[Paper], list[tuple[int | None, str]]]:
    if "<!ENTITY" in text[:5000]:
        # Entity definitions are how XML bombs work; arXiv responses never carry them.
        raise ValueError("XML with entity definitions is not accepted")
    root = ET.fromstring(text)
    papers, issues = [], []
    for i, entry in enumerate(root.findall("atom:entry", NS)):
        title = _clean(entry.findtext("atom:title", "", NS))
        abstract = (entry.findtext("atom:summary", "", NS) or "").strip()
        if not abstract:
            issues.append((None, f"entry {i + 1} ({title[:60]!r}) has no summary; skipped"))
            continue
        papers.append(_entry_paper(entry, title, abstract, len(papers)))
    return papers, issues


def _entry_paper(entry: ET.Element, title: str, abstract: str, position: int) -> Paper:
    comment = _clean(entry.findtext("arxiv:comment", "", NS)) or None
    journal = _clean(entry.findtext("arxiv:journal_ref", "", NS)) or None
    category = entry.find("arxiv:primary_category", NS)
    if category is None:
        category = entry.find("atom:category", NS)
    return Paper(
        title=title or None,
        authors=[_clean(a.findtext("atom:name", "", NS)) for a in entry.findall("atom:author", NS)],
        abstract=" ".join(abstract.split()),
        arxiv_id=arxiv_id_in(entry.findtext("atom:id", "", NS)),
        date=(entry.findtext("atom:published", "", NS) or "")[:10] or None,
        category=normalise_category(category.get("term") if category is not None else None),
        venue=venue_from_comment(journal) or venue_from_comment(comment),
        comment="; ".join(c for c in (comment, journal) if c) or None,
        code_url=code_url(abstract),
        position=position, format="atom",
    )


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
