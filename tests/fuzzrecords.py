"""Seeded generators for the record fuzz test: good records, every input format, typed mutations."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

WORDS = ("sparse attention kernel latency throughput quantization memory accelerator pruning cache "
         "scheduler compiler tensor inference training pipeline operator fusion graph partition batch "
         "serving transformer convolution energy bandwidth systolic array placement offloading").split()
CATS = ("LG", "CV", "DC", "AR", "CL")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIELDS = ("title", "abstract", "authors", "arxiv_id", "date", "category", "venue", "score", "upvotes")
PAGE_FORMATS = ("alphaxiv", "profile", "arxiv", "hf-daily")
FORMATS = ("jsonl", "json", "csv", "atom") + PAGE_FORMATS
SUFFIX = {"jsonl": ".jsonl", "json": ".json", "csv": ".csv", "atom": ".xml"}


@dataclass
class Record:
    uid: int
    title: str
    abstract: str
    authors: list = field(default_factory=list)
    arxiv_id: str = ""
    year: int = 2023
    month: int = 1
    day: int = 1
    category: str = "LG"
    venue: str = "NeurIPS 2023"
    score: float = 1.5
    upvotes: int = 3
    mutated: dict = field(default_factory=dict)  # field -> mutated value

    def value(self, name: str):
        if name in self.mutated:
            return self.mutated[name]
        return {"date": f"{self.year}-{self.month:02d}-{self.day:02d}", "category": f"cs.{self.category}"}.get(
            name, getattr(self, name, None))


def good_record(rng: random.Random, uid: int) -> Record:
    words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))
    title = f"{words(5).title()} Number {uid}"
    abstract = (f"We study {words(12)} and present method{uid} for {words(10)}. "
                f"Our design keeps {words(14)} while cutting {words(8)} on real workloads.")
    return Record(uid=uid, title=title, abstract=abstract, authors=["Alice Smith", "Bob Jones"],
                  arxiv_id=f"23{rng.randint(1, 12):02d}.{uid:05d}", year=rng.randint(2015, 2024),
                  month=rng.randint(1, 12), day=rng.randint(1, 28), category=rng.choice(CATS),
                  score=round(rng.uniform(0, 9), 1), upvotes=rng.randint(0, 300))


def typed_mutation(rng: random.Random, structured: bool):
    """A value of the wrong type, whitespace only, huge, or full of control / invisible characters."""
    kinds = ["whitespace", "huge", "control", "empty", "number"]
    if structured:
        kinds += ["int", "float", "bool", "null", "list_of_ints", "object", "nested", "nan", "surrogate"]
    kind = rng.choice(kinds)
    return kind, {
        "whitespace": lambda: rng.choice([" ", "   \t ", "\u00a0\u2003 "]),
        "huge": lambda: "Z" * rng.choice([3_000, 60_000, 200_000]),
        "control": lambda: "A\x00b\x01c\x1b[31m\u202e\u200bd\x7f\u0085e",
        "empty": lambda: "",
        "number": lambda: rng.choice(["12345", "-1", "1e999", "NaN", "0x1F"]),
        "int": lambda: rng.choice([0, -7, 2**70]),
        "float": lambda: rng.choice([1.5, -1e308, 2023.0]),
        "bool": lambda: rng.choice([True, False]),
        "null": lambda: None,
        "list_of_ints": lambda: [1, 2, 3],
        "object": lambda: {"name": 7, "x": [1]},
        "nested": lambda: [[1, [2, {"a": None}]], {"b": []}],
        "nan": lambda: float("nan"),
        "surrogate": lambda: "broken \ud800 text",
    }[kind]()


# -- renderers ------------------------------------------------------------------------------------
def render_jsonl(records: list[Record]) -> str:
    return "\n".join(json.dumps({f: r.value(f) for f in FIELDS}) for r in records) + "\n"


def render_json(records: list[Record]) -> str:
    return "[\n" + ",\n".join(json.dumps({f: r.value(f) for f in FIELDS}) for r in records) + "\n]\n"


def render_csv(records: list[Record]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for r in records:
        writer.writerow([_csv_cell(r.value(f)) for f in FIELDS])
    return buf.getvalue()


def _csv_cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def render_atom(records: list[Record]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">']
    for r in records:
        authors = r.value("authors")
        authors = authors if isinstance(authors, list) else [authors]
        out += ["  <entry>", f"    <id>http://arxiv.org/abs/{_x(r.value('arxiv_id'))}v1</id>",
                f"    <published>{_x(r.value('date'))}T10:00:00Z</published>",
                f"    <title>{_x(r.value('title'))}</title>", f"    <summary>{_x(r.value('abstract'))}</summary>"]
        out += [f"    <author><name>{_x(a)}</name></author>" for a in authors]
        out += [f'    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">{_x(r.value("venue"))}'
                "</arxiv:comment>",
                f'    <category term="{_x(r.value("category"))}" scheme="http://arxiv.org/schemas/atom"/>',
                "  </entry>"]
    return "\n".join(out + ["</feed>"]) + "\n"


def _x(value) -> str:
    return escape("" if value is None else str(value), {'"': "&quot;"})


def _date_text(r: Record) -> str:
    return r.mutated.get("date", f"{MONTHS[r.month - 1]} {r.day}, {r.year}")


def render_alphaxiv(records: list[Record]) -> str:
    lines = []
    for r in records:
        lines.append(r.mutated.get("category", f"{r.score}{r.category}{_date_text(r)}"))
        authors = r.mutated.get("authors", ", ".join(r.authors) + " et al. · pku")
        lines += [f"{r.value('title')}{authors}", r.value("abstract")]
    return "\n".join(str(x) for x in lines) + "\n"


def render_profile(records: list[Record]) -> str:
    lines = ["h-index31", "60papers", "", "60 Papers", ""]
    for r in records:
        lines += [r.mutated.get("category", f"{r.category}{_date_text(r)}Code"), r.value("title"), "",
                  r.mutated.get("authors", ", ".join(r.authors) + " et al."), "", r.value("abstract"), ""]
    return "\n".join(str(x) for x in lines) + "\n"


def render_arxiv(records: list[Record]) -> str:
    lines = []
    for r in records:
        lines += [r.value("abstract"), "", r.value("venue"), "", f"arXiv:{r.value('arxiv_id')}",
                  f"Created: {r.value('date')}", ""]
    return "\n".join(str(x) for x in lines) + "\n"


def render_hf_daily(records: list[Record]) -> str:
    lines = ["new", "", "Daily Papers", "", "Dec 9", ""]
    for r in records:
        lines += [r.value("title"), "", r.value("abstract"), "", r.mutated.get("authors", "• 3 authors"), "·",
                  r.mutated.get("date", f"{MONTHS[r.month - 1]} {r.day} {r.upvotes}"), ""]
    return "\n".join(str(x) for x in lines) + "\n"


RENDER = {"jsonl": render_jsonl, "json": render_json, "csv": render_csv, "atom": render_atom,
          "alphaxiv": render_alphaxiv, "profile": render_profile, "arxiv": render_arxiv, "hf-daily": render_hf_daily}
PAGE_FIELDS = {"alphaxiv": ("title", "authors", "abstract", "category", "date"),
               "profile": ("title", "authors", "abstract", "category", "date"),
               "arxiv": ("abstract", "venue", "arxiv_id", "date"),
               "hf-daily": ("title", "abstract", "authors", "date")}
TITLED = {"jsonl", "json", "csv", "atom", "alphaxiv", "profile", "hf-daily"}


def make_file(rng: random.Random, fmt: str, first_uid: int, n_records: int, n_mutated: int) -> list[Record]:
    records = [good_record(rng, first_uid + i) for i in range(n_records)]
    fields = PAGE_FIELDS.get(fmt, FIELDS)
    for r in rng.sample(records, n_mutated):
        name = rng.choice(fields)
        _, value = typed_mutation(rng, structured=fmt in ("jsonl", "json"))
        if fmt not in ("jsonl", "json") and not isinstance(value, str):
            value = _csv_cell(value)
        if fmt in ("atom",) + PAGE_FORMATS and isinstance(value, str):
            value = value.replace("\ud800", "")  # a lone surrogate cannot be written as UTF-8 text
        r.mutated[name] = value
    return records
