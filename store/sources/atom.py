"""arXiv API Atom feeds (the format of export.arxiv.org/api/query responses)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from store.records import Paper
from core.text import clean_line, strip_controls
from store.sources.common import code_url, normalise_category, venue_from_comment
from store.sources.structured import MAX_ABSTRACT_CHARS, MAX_FIELD_CHARS, arxiv_id_in, date_in

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
# Characters XML 1.0 forbids: one of them anywhere would make the whole feed unparseable.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_atom(text: str) -> tuple[list[Paper], list[tuple[int | None, str]]]:
    if "<!ENTITY" in text[:5000]:
        # Entity definitions are how XML bombs work; arXiv responses never carry them.
        raise ValueError("XML with entity definitions is not accepted")
    text, issues = _drop_illegal_chars(text)
    root = ET.fromstring(text)
    papers: list[Paper] = []
    entries = root.findall("atom:entry", NS)
    lines = _entry_lines(text, len(entries))
    for i, entry in enumerate(entries):
        where, line = f"entry {i + 1}", lines[i]
        try:
            title = clean_line(entry.findtext("atom:title", "", NS))
            abstract = strip_controls(entry.findtext("atom:summary", "", NS) or "").strip()
            if not abstract:
                issues.append((line, f"{where} ({title[:60]!r}) has no summary; skipped"))
                continue
            if len(abstract) > MAX_ABSTRACT_CHARS:
                issues.append((line, f"{where}: summary of {len(abstract):,} characters; skipped"))
                continue
            if len(title) > MAX_FIELD_CHARS:
                issues.append((line, f"{where}: title of {len(title):,} characters; field ignored"))
                title = ""
            papers.append(_entry_paper(entry, title, abstract, len(papers)))
        except Exception as exc:  # isolation boundary: one entry must never take the feed down
            issues.append((line, f"{where} not understood ({type(exc).__name__}); skipped"))
    return papers, issues


def _entry_lines(text: str, n: int) -> list[int | None]:
    """The line each <entry> starts on (None for all when the tags cannot be matched up)."""
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<(?:atom:)?entry[\s>]", text)]
    return starts if len(starts) == n else [None] * n


def _drop_illegal_chars(text: str) -> tuple[str, list[tuple[int | None, str]]]:
    issues: list[tuple[int | None, str]] = []
    if not XML_ILLEGAL.search(text):
        return text, issues
    lines = text.split("\n")
    for no, line in enumerate(lines, start=1):
        if XML_ILLEGAL.search(line):
            issues.append((no, "control characters (not allowed in XML) removed"))
            lines[no - 1] = XML_ILLEGAL.sub(" ", line)
    return "\n".join(lines), issues


def _entry_paper(entry: ET.Element, title: str, abstract: str, position: int) -> Paper:
    comment = _field(entry, "arxiv:comment")
    journal = _field(entry, "arxiv:journal_ref")
    category = entry.find("arxiv:primary_category", NS)
    if category is None:
        category = entry.find("atom:category", NS)
    term = clean_line(category.get("term") or "") if category is not None else ""
    return Paper(
        title=title or None,
        authors=[n for n in (clean_line(a.findtext("atom:name", "", NS)) for a in entry.findall("atom:author", NS))
                 if n and len(n) <= 300],
        abstract=" ".join(abstract.split()),
        arxiv_id=arxiv_id_in(clean_line(entry.findtext("atom:id", "", NS))),
        date=date_in(clean_line(entry.findtext("atom:published", "", NS))[:10]),
        category=normalise_category(term.split()[0]) if term else None,
        venue=venue_from_comment(journal) or venue_from_comment(comment),
        comment="; ".join(c for c in (comment, journal) if c) or None,
        code_url=code_url(abstract),
        position=position, format="atom",
    )


def _field(entry: ET.Element, name: str) -> str | None:
    text = clean_line(entry.findtext(name, "", NS))
    return text if text and len(text) <= MAX_FIELD_CHARS else None
