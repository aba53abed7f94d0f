"""De-duplication: which occurrences are the same paper, and what the merged paper looks like.

Two occurrences are the same paper when they share an arXiv id, the same abstract (ignoring case,
spacing and punctuation) or the same title. Shared authors or a shared closing sentence are not
enough (MonoATT and MoGDE end with the same sentence and are different papers).
"""

from __future__ import annotations

import functools
import hashlib
import re

from store.records import Paper, SourceRef

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
MIN_TITLE_WORDS = 3


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4096)  # one ingest asks for it ~3x per record (group, look-up, recompute)
def abstract_key(abstract: str) -> str:
    return "abs:" + _digest(_NON_ALNUM.sub("", abstract.lower()))


def title_key(title: str | None) -> str | None:
    if not title or len(title.split()) < MIN_TITLE_WORDS:
        return None  # short titles ("Survey") are too generic to identify a paper
    return "title:" + _NON_ALNUM.sub(" ", title.lower()).strip()


def dedup_keys(paper: Paper) -> list[str]:
    keys = [abstract_key(paper.abstract)]
    if paper.arxiv_id:
        keys.append("arxiv:" + paper.arxiv_id)
    tk = title_key(paper.title)
    if tk:
        keys.append(tk)
    return keys


def content_hash(paper: Paper) -> str:
    """What the index embeds: a change here means the paper must be re-embedded."""
    return _digest(f"{paper.title or ''}\n{paper.abstract}")


def new_paper_id(group: list[Paper]) -> str:
    """arXiv id when any occurrence knows it, else a hash of the (first) abstract."""
    for occ in group:
        if occ.arxiv_id:
            return occ.arxiv_id
    return "p" + _digest(_NON_ALNUM.sub("", group[0].abstract.lower()))[:10]


def group_occurrences(occurrences: list[Paper]) -> list[list[Paper]]:
    """Union-find over shared keys; arXiv ids that disagree never merge."""
    parent = list(range(len(occurrences)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    arxiv_of: dict[int, set[str]] = {i: ({o.arxiv_id} if o.arxiv_id else set()) for i, o in enumerate(occurrences)}
    owner: dict[str, int] = {}
    for i, occ in enumerate(occurrences):
        for key in dedup_keys(occ):
            j = owner.setdefault(key, i)
            a, b = find(i), find(j)
            if a != b and not _conflicting(arxiv_of[a], arxiv_of[b]):
                parent[b] = a
                arxiv_of[a] |= arxiv_of.pop(b)
    groups: dict[int, list[Paper]] = {}
    for i, occ in enumerate(occurrences):
        groups.setdefault(find(i), []).append(occ)
    return list(groups.values())


def _conflicting(a: set[str], b: set[str]) -> bool:
    return bool(a) and bool(b) and not (a & b)


def merge(paper_id: str, occurrences: list[Paper], refs: list[SourceRef]) -> Paper:
    """Union of the fields of every occurrence; earlier occurrences win ties."""
    merged = Paper(id=paper_id, abstract=occurrences[0].abstract, sources=refs)
    for field in ("title", "org", "arxiv_id", "category", "venue", "comment", "score", "upvotes",
                  "n_authors", "code_url", "has_code"):
        setattr(merged, field, next((getattr(o, field) for o in occurrences
                                     if getattr(o, field) is not None), None))
    merged.authors = max((o.authors for o in occurrences), key=len, default=[])
    merged.date = _best_date(occurrences)
    merged.categories = list(dict.fromkeys(c for o in occurrences for c in o.categories or [])) or None
    merged.record_ids = [i for i in dict.fromkeys(o.id for o in occurrences if o.id)
                         if i not in (paper_id, merged.arxiv_id)] or None
    return merged


def _best_date(occurrences: list[Paper]) -> str | None:
    """arXiv's own submission date beats a listing's date; a full date beats a year-less `--05-06`."""
    dated = [o for o in occurrences if o.date]
    for candidates in ([o for o in dated if o.format in ("arxiv", "atom") and not o.date.startswith("--")],
                       [o for o in dated if not o.date.startswith("--")], dated):
        if candidates:
            return candidates[0].date
    return None
