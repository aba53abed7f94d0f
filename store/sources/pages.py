"""Parsers for the scraped listing pages in seeds/ (one function per page layout).

Layouts (see the seed files):
- `alphaxiv`  (000): [score][CAT][date] line, then title with the author list glued on, then abstract.
- `profile`   (002): author-profile header; per paper [score]CAT date[Code], title, authors, abstract.
- `arxiv`     (001, 003): abstract first, then comment, `arXiv:ID` (in 001 glued to the start of the
  next abstract) and `Created: YYYY-MM-DD`.
- `hf-daily`  (004): Hugging Face daily papers: title, abstract, `• N authors`, `·`, date [upvotes].

Metadata lines bind to the paper their layout says they belong to; a title with no abstract
after it is reported, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.records import Paper
from store.sources.common import (
    ARXIV_LINE, ARXIV_PREFIX, CREATED_LINE, DATE_TEXT_RE, code_url, is_abstract_line,
    looks_like_authors, normalise_category, parse_date, split_authors, split_title_authors,
    venue_from_comment,
)

META_LINE = re.compile(
    rf"^(?P<score>\d+(?:\.\d+)?)?(?P<cat>[A-Z]{{2}})(?P<date>{DATE_TEXT_RE})(?P<code>Code)?$")
META_PREFIX = re.compile(
    rf"^(?P<score>\d+(?:\.\d+)?)?(?P<cat>[A-Z]{{2}})(?P<date>{DATE_TEXT_RE})(?P<code>Code)?(?=[A-Z])")
HF_AUTHORS = re.compile(r"^•\s*(\d+)\s+authors?$")
HF_DATE = re.compile(rf"^(?P<date>{DATE_TEXT_RE})(?:\s+(?P<upvotes>\d+))?$")
PROFILE_HEADER = re.compile(r"^(h-index\d+|\d+papers|[\d,]+citations|Novelty\d+%|AI Score\d+|\d+ Papers)$")
HF_HEADER = {"new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
             "byAK and the research community"}


@dataclass
class PageParse:
    papers: list[Paper] = field(default_factory=list)
    issues: list[tuple[int | None, str]] = field(default_factory=list)  # (line, reason)

    def orphan_title(self, line: int, title: str) -> None:
        self.issues.append((line, f"no abstract found for listing {title[:70]!r} (truncated page?)"))


def _lines(text: str) -> list[tuple[int, str]]:
    # split on newlines only: str.splitlines also splits on \u2028 and friends, which would put
    # every later paper on the wrong line number
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [(i, ln.strip()) for i, ln in enumerate(lines, start=1) if ln.strip()]


def _new_paper(abstract: str, line: int, position: int, fmt: str) -> Paper:
    return Paper(abstract=abstract, line=line, position=position, format=fmt,
                 code_url=code_url(abstract))


def _apply_meta(paper: Paper, m: re.Match) -> None:
    if m.group("score"):
        paper.score = float(m.group("score"))
    paper.category = normalise_category(m.group("cat"))
    paper.date = parse_date(m.group("date"))
    if m.groupdict().get("code"):
        paper.has_code = True


def parse_alphaxiv(text: str) -> PageParse:
    out, meta, title_line = PageParse(), None, None
    for no, s in _lines(text):
        if is_abstract_line(s):
            paper = _new_paper(s, no, len(out.papers), "alphaxiv")
            if title_line:
                paper.title, paper.authors, paper.org = split_title_authors(title_line[1])
            if meta:
                _apply_meta(paper, meta)
            out.papers.append(paper)
            meta = title_line = None
            continue
        m = META_LINE.match(s) or META_PREFIX.match(s)
        if m:
            if title_line:
                out.orphan_title(*title_line)
                title_line = None
            meta = m
            s = s[m.end():].strip()
            if not s:
                continue
        if title_line:
            out.orphan_title(*title_line)
        title_line = (no, s)
    if title_line:
        out.orphan_title(*title_line)
    return out


def parse_profile(text: str) -> PageParse:
    out, meta, pending = PageParse(), None, []
    for no, s in _lines(text):
        if PROFILE_HEADER.match(s):
            continue
        if is_abstract_line(s):
            paper = _new_paper(s, no, len(out.papers), "profile")
            _bind_title_authors(paper, pending)
            if meta:
                _apply_meta(paper, meta)
            out.papers.append(paper)
            meta, pending = None, []
            continue
        m = META_LINE.match(s)
        if m:
            _report_orphans(out, pending)
            meta, pending = m, []
            continue
        pending.append((no, s))
    _report_orphans(out, pending)
    return out


def _bind_title_authors(paper: Paper, pending: list[tuple[int, str]]) -> None:
    """Layout is title / authors / abstract; either line may be missing."""
    if pending and looks_like_authors(pending[-1][1]) and len(pending) >= 2:
        paper.authors, paper.org = split_authors(pending[-1][1])
        paper.title = pending[-2][1]
    elif pending:
        paper.title = pending[-1][1]


def _report_orphans(out: PageParse, pending: list[tuple[int, str]]) -> None:
    titles = [p for p in pending if not looks_like_authors(p[1])]
    if titles:
        out.orphan_title(*titles[0])


def parse_arxiv(text: str) -> PageParse:
    out: PageParse = PageParse()
    current: Paper | None = None
    for no, s in _lines(text):
        glued = ARXIV_PREFIX.match(s)
        body = s[glued.end():] if glued else s
        if glued and is_abstract_line(body):
            _set_arxiv(out, current, glued.group(1), no)
        if is_abstract_line(body):
            current = _new_paper(body, no, len(out.papers), "arxiv")
            out.papers.append(current)
            continue
        if (m := ARXIV_LINE.match(s)):
            _set_arxiv(out, current, m.group(1), no)
        elif (m := CREATED_LINE.match(s)):
            if current is not None:
                current.date = m.group(1)
        elif current is not None:
            current.comment = f"{current.comment}; {s}" if current.comment else s
            current.venue = current.venue or venue_from_comment(s)
    return out


def _set_arxiv(out: PageParse, paper: Paper | None, arxiv_id: str, line: int) -> None:
    if paper is None:
        out.issues.append((line, f"arXiv:{arxiv_id} appears before any abstract; ignored"))
    elif paper.arxiv_id and paper.arxiv_id != arxiv_id:
        out.issues.append((line, f"second arXiv id {arxiv_id} for one abstract; kept {paper.arxiv_id}"))
    else:
        paper.arxiv_id = arxiv_id


def parse_hf_daily(text: str) -> PageParse:
    out, current, title = PageParse(), None, None
    for no, s in _lines(text):
        if s in HF_HEADER or s == "·":
            continue
        if is_abstract_line(s):
            current = _new_paper(s, no, len(out.papers), "hf-daily")
            current.title = title[1] if title else None
            out.papers.append(current)
            title = None
        elif (m := HF_AUTHORS.match(s)) and current is not None and title is None:
            current.n_authors = int(m.group(1))
        elif (m := HF_DATE.match(s)):
            if current is not None and title is None and current.date is None:
                current.date = parse_date(m.group("date"))
                current.upvotes = int(m.group("upvotes")) if m.group("upvotes") else None
            # a date before the first paper is the page's own date, not a paper's
        elif s.isdigit() and current is not None and title is None and current.date and current.upvotes is None:
            current.upvotes = int(s)   # the upvote count copied onto a line of its own, after the date
        else:
            if title and current is not None:
                out.orphan_title(*title)
            title = (no, s)
    if title:
        out.orphan_title(*title)
    return out


PAGE_PARSERS = {
    "alphaxiv": parse_alphaxiv,
    "profile": parse_profile,
    "arxiv": parse_arxiv,
    "hf-daily": parse_hf_daily,
}


def detect_page_format(text: str) -> str | None:
    """Score each layout by its signature lines; None when nothing looks like a listing."""
    lines = [ln.strip() for ln in text.splitlines()[:5000] if ln.strip()]
    if not any(is_abstract_line(ln) for ln in lines):
        return None
    scores = {
        "hf-daily": sum(bool(HF_AUTHORS.match(ln)) for ln in lines) + 3 * ("Daily Papers" in lines),
        "profile": sum(bool(META_LINE.match(ln)) and ln.endswith(("Code",)) or bool(PROFILE_HEADER.match(ln))
                       for ln in lines) + _profile_layout_votes(lines),
        "alphaxiv": sum(bool(re.match(r"^\d+(?:\.\d+)?[A-Z]{2}", ln)) and bool(META_LINE.match(ln))
                        for ln in lines) + sum(ln.endswith("et al.") or " et al. · " in ln for ln in lines
                                               if not looks_like_authors(ln)),
        "arxiv": sum(bool(ARXIV_LINE.match(ln) or CREATED_LINE.match(ln) or ARXIV_PREFIX.match(ln))
                     for ln in lines),
    }
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else None


def _profile_layout_votes(lines: list[str]) -> int:
    """A meta line followed by a title and an authors line of their own is the profile layout."""
    return sum(1 for i in range(len(lines) - 2)
               if META_LINE.match(lines[i]) and looks_like_authors(lines[i + 2]))
