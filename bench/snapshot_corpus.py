"""A SYNTHETIC corpus in the arXiv metadata snapshot format (not real papers), for the scale bench.

Abstracts recombine sentences of the seed abstracts and of the SciTLDR *train* split
(/work/shared/data/scitldr_train.jsonl; never dev or test); titles recombine title words. Every
record has the snapshot's shape and quirks: hard-wrapped title and abstract (newline + indentation),
`authors` and `authors_parsed`, space-separated `categories` (primary first, cs.DC / cs.AR /
cs.LG and others), `comments`, an occasional `journal-ref`, `versions[]` with RFC 2822 dates and a
later `update_date`; 1 in 40 ids is old-style (`cs/0112017`). Deterministic for a given seed and n:
the file is written line by line, so memory stays flat at any n.
"""

from __future__ import annotations

import json
import random
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

SCITLDR_TRAIN = Path("/work/shared/data/scitldr_train.jsonl")
CATEGORIES = ["cs.LG", "cs.DC", "cs.AR", "cs.CV", "cs.CL", "cs.PF", "cs.NE", "cs.AI", "stat.ML", "eess.SP"]
PRIMARY_WEIGHTS = [30, 15, 8, 15, 10, 3, 3, 8, 5, 3]
FIRST = "Wei Li Anna Maria John Chen Sara Ahmed Yuki Pavel Elena Omar Ravi Lucia Tom Mei Jonas Priya".split()
LAST = "Zhang Smith Garcia Wang Kim Novak Rossi Ivanov Chen Khan Tanaka Dubois Silva Brown Patel Kowalski".split()
VENUES = ["MLSys 2023", "ISCA 2022", "MICRO 2021", "SC 2023", "NeurIPS 2022", "ICML 2021", "HPCA 2024",
          "ASPLOS 2023", "OSDI 2022", "EuroSys 2023", "ICLR 2024", "DAC 2022"]
JOURNALS = ["IEEE Trans. Parallel Distrib. Syst. 34 (2023) 1-14", "J. Mach. Learn. Res. 22 (2021) 1-30",
            "ACM Trans. Archit. Code Optim. 19 (2022)", "Proc. VLDB Endow. 16 (2023) 2011-2024"]


def sentence_pool() -> tuple[list[str], list[int], list[str]]:
    """(sentences, abstract lengths in sentences, title words) from the seeds and SciTLDR train."""
    from bench.common import seed_abstracts
    from core.text import split_sentences

    seeds = seed_abstracts()
    sentences = [s for _, a in seeds for s in split_sentences(a)]
    lengths = [max(3, len(split_sentences(a))) for _, a in seeds]
    titles = [t for t, _ in seeds if t]
    if SCITLDR_TRAIN.exists():
        for line in SCITLDR_TRAIN.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            source = [" ".join(s.split()) for s in row.get("source", []) if s.strip()]
            sentences += source
            lengths.append(max(3, len(source)))
            if row.get("title"):
                titles.append(row["title"])
    words = [w for t in titles for w in t.split() if w.isalpha() or "-" in w]
    return sentences, lengths, words


def _wrap(text: str, width: int) -> str:
    """Hard-wrapped the way snapshot text is: newlines with a two-space indent."""
    return "\n  ".join(textwrap.wrap(text, width))


def _rfc2822(when: datetime) -> str:
    return when.strftime("%a, %-d %b %Y %H:%M:%S GMT")


def records(n: int, seed: int = 20260102) -> Iterator[dict]:
    rng = random.Random(seed)
    sentences, lengths, words = sentence_pool()
    start = datetime(2000, 1, 1, tzinfo=timezone.utc)
    for i in range(n):
        created = start + timedelta(seconds=rng.randrange(26 * 365 * 86400))
        abstract = " ".join(rng.sample(sentences, min(len(sentences), rng.choice(lengths))))
        title = " ".join(rng.sample(words, rng.randint(5, 11))).capitalize() + f" ({i})"
        people = [(rng.choice(LAST), rng.choice(FIRST)) for _ in range(rng.randint(1, 6))]
        primary = rng.choices(CATEGORIES, PRIMARY_WEIGHTS)[0]
        cats = [primary] + [c for c in rng.sample(CATEGORIES, rng.randint(0, 2)) if c != primary]
        old_style = i % 40 == 7
        versions = [{"version": "v1", "created": _rfc2822(created)}]
        if rng.random() < 0.4:
            versions.append({"version": "v2", "created": _rfc2822(created + timedelta(days=rng.randint(1, 400)))})
        yield {
            "id": f"cs/0{i:06d}" if old_style else f"{1501 + i // 100000}.{i % 100000:05d}",
            "submitter": f"{people[0][1]} {people[0][0]}",
            "authors": ", ".join(f"{f} {last}" for last, f in people),
            "title": _wrap(title, rng.randint(50, 80)),
            "comments": rng.choice([None, "12 pages, 8 figures", f"Accepted at {rng.choice(VENUES)}"]),
            "journal-ref": rng.choice(JOURNALS) if rng.random() < 0.1 else None,
            "doi": None, "report-no": None, "categories": " ".join(cats), "license": None,
            "abstract": "  " + _wrap(abstract, 78) + "\n",
            "versions": versions,
            "update_date": (created + timedelta(days=rng.randint(0, 900))).strftime("%Y-%m-%d"),
            "authors_parsed": [[last, first, ""] for last, first in people],
        }


def write_snapshot(path: Path, n: int, seed: int = 20260102) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records(n, seed):
            fh.write(json.dumps(record) + "\n")
    return path
