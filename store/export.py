"""Export stored papers and their latest extraction: JSON Lines, CSV or BibTeX. Nothing is
re-extracted; what the store holds is what is written."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator

from core.claim_columns import CLAIM_COLUMNS, claim_cells
from core.errors import UsageError, output_error
from core.models import Extraction
from store.extractions import latest_extraction
from store.papers import PaperFilter, PaperStore
from store.records import Paper
from core.text import label, named_system, visible_text

FORMATS = (".jsonl", ".csv", ".bib")
# The claim columns are those of `extract -o x.csv`; record_ids are the ids the input records gave the
# paper (JSONL/JSON/CSV `id`), "; "-joined.
CSV_FIELDS = ["id", "arxiv_id", "title", "authors", "year", "date", "venue", "category", "url", *CLAIM_COLUMNS,
              "record_ids"]


def export_records(store: PaperStore, flt: PaperFilter | None = None) -> Iterator[dict[str, Any]]:
    for paper in store.list(flt or PaperFilter()):
        yield export_record(paper, latest_extraction(store, paper.id or ""))


def export_record(paper: Paper, extraction: Extraction | None) -> dict[str, Any]:
    ext = extraction.to_json() if extraction is not None else {}
    speedups = ext.get("speedups", [])
    top = max((s for s in speedups if s.get("unit") == "x"), key=lambda s: s["value"], default=None)
    return {
        "id": paper.id, "record_ids": paper.record_ids or [], "arxiv_id": paper.arxiv_id, "title": visible_text(paper.title) or None,
        "authors": [visible_text(a) for a in paper.authors], "year": paper.year, "date": paper.date,
        "venue": paper.venue, "category": paper.category,
        "url": f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else paper.code_url,
        "abstract": paper.abstract,
        "max_speedup": top["value"] if top else None, "max_speedup_metric": top["metric"] if top else None,
        "speedups": speedups, "datasets": ext.get("datasets", []), "hardware": ext.get("hardware", []),
        "topics": ext.get("topics", []), "tldr": ext.get("tldr"), "engine": ext.get("engine"),
        "extracted": bool(ext),
    }


def write_export(path: Path, records: Iterable[dict[str, Any]], *, force: bool = False) -> int:
    """Write every record to `path` (format from its suffix); returns how many were written.
    The file appears complete or not at all."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"cannot export to {path.name}", hint="use a .jsonl, .csv or .bib file name")
    if path.exists() and not force:
        raise UsageError(f"{path} exists", hint="choose another file name, or add --force to overwrite it")
    rows = list(records)
    text = {".jsonl": _jsonl, ".csv": _csv, ".bib": _bibtex}[suffix](rows)
    tmp = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True) if tmp.is_file() else None
        raise output_error(path, exc) from exc
    return len(rows)


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        claims = {k: r[k] for k in ("tldr", "speedups", "datasets", "hardware", "topics", "engine")} if r["extracted"] else {}
        writer.writerow(dict(r, authors="; ".join(r["authors"]), record_ids="; ".join(r["record_ids"]),
                             **claim_cells(claims)))
    return buf.getvalue()


# -- BibTeX ---------------------------------------------------------------------------------------
_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in text)


def _bibtex(rows: list[dict]) -> str:
    used: set[str] = set()
    return "\n".join(_bib_entry(r, used) for r in rows)


def _bib_entry(r: dict, used: set[str]) -> str:
    """arXiv-style @misc (eprint + archivePrefix when the arXiv id is known), as arXiv itself exports."""
    # A paper whose pages show no title is named as `ask` names it (the system it introduces), and says so.
    title = r["title"] or label(None, r.get("abstract") or "", r["arxiv_id"])
    untitled_note = None if r["title"] else "title not shown on the source page"
    fields = [("title", "{" + _bib_escape(title) + "}"),
              ("author", " and ".join(_bib_escape(a) for a in r["authors"]) or None),
              ("year", str(r["year"]) if r["year"] else None)]
    if r["arxiv_id"]:
        fields += [("eprint", r["arxiv_id"]), ("archivePrefix", "arXiv")]
    note = "; ".join(filter(None, (r["venue"], untitled_note)))
    fields += [("url", r["url"]), ("note", _bib_escape(note) if note else None)]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@misc{{{_bib_key(r, used)},\n{body}\n}}\n"


def _bib_key(r: dict, used: set[str]) -> str:
    """surname + year + first title word, ASCII only ('zhou2023monoatt'); a/b/c... on clashes."""
    surname = r["authors"][0].split()[-1] if r["authors"] else "anon"
    title = r["title"] or named_system(r.get("abstract") or "") or ""
    first_word = next((w for w in re.findall(r"[A-Za-z0-9]+", _ascii(title)) if len(w) > 2), "paper")
    base = re.sub(r"[^a-z0-9]", "", f"{_ascii(surname)}{r['year'] or ''}{first_word}".lower()) or "paper"
    key, n = base, 0
    while key in used:
        n += 1
        key = f"{base}{chr(ord('a') + (n - 1) % 26)}{'' if n <= 26 else n}"
    used.add(key)
    return key


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
