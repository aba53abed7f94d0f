"""Papers in the store of record: look-up, listing with filters, statistics."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from core.errors import EmptyStoreError, NotFoundError, UsageError
from store.categories import category_clause
from store.db import Database
from store.records import Paper, StoreStats

SEED_REF = re.compile(r"^(?P<file>[^#]+)#(?P<pos>\d+)$")


@dataclass
class PaperFilter:
    year: str | None = None            # 2023, 2021-2023, >=2023, <2020
    category: str | None = None
    source: str | None = None          # substring of a source file name
    grep: str | None = None            # case-insensitive text in title or abstract
    dataset: str | None = None
    hardware: str | None = None        # substring of a hardware name
    hardware_class: str | None = None
    topic: str | None = None
    min_speedup: float | None = None   # any `x` speedup item at least this large
    metric: str | None = None
    limit: int | None = None
    # --hardware / --hardware-class admit papers that use it, not those naming it only as a baseline
    # or in background (store/hardware_mentions.py); False admits every paper whose claims name it.
    # None (not True) by default: code that reads "no filter" as every field None keeps working
    hardware_use: bool | None = None

    def __post_init__(self) -> None:
        # a slice would make 0 mean "all" and -1 "all but one"
        if self.limit is not None and self.limit < 1:
            raise UsageError(f"a limit of {self.limit} papers makes no sense", hint="give -n 1 or more")


class PaperStore:
    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, db_path: Path) -> "PaperStore":
        return cls(Database(db_path))

    # -- reading ------------------------------------------------------------------------------
    def count(self) -> int:
        return self.db.query("SELECT count(*) FROM papers")[0][0]

    def change_signature(self) -> tuple:
        """Changes whenever anything commits to the database: other connections bump data_version,
        this connection bumps total_changes. Connections are per thread, so the connection is part of
        it. A cache key for what is fixed between writes (search filter masks, the index's freshness)."""
        conn = self.db.conn
        return id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def last_change(self) -> str:
        """When any paper last changed (a cache key for corpus-wide statistics)."""
        rows = self.db.query("SELECT max(updated_at) FROM papers")
        return str(rows[0][0]) if rows else ""

    def get(self, paper_id: str) -> Paper | None:
        rows = self.db.query("SELECT data FROM papers WHERE id = ?", (paper_id,))
        return Paper.model_validate_json(rows[0]["data"]) if rows else None

    def get_many(self, ids: list[str]) -> list[Paper]:
        found = {p.id: p for p in self._select("id IN (%s)" % ",".join("?" * len(ids)), ids)} if ids else {}
        return [found[i] for i in ids if i in found]

    def all(self) -> list[Paper]:
        return self._select("1", [])

    def resolve(self, ref: str) -> Paper:
        """A paper by id, arXiv id (with or without `arXiv:`), seed ref `file#i`, the id an input
        record gave it (JSONL/JSON/CSV `id`), or id prefix; in that order, so store ids win."""
        ref = ref.strip()
        bare = re.sub(r"^(?:arxiv:|https?://arxiv\.org/abs/)", "", ref, flags=re.I)
        bare = re.sub(r"v\d+$", "", bare) if re.match(r"^\d{4}\.\d{4,5}v\d+$", bare) else bare
        paper = self.get(ref) or self.get(bare)
        if paper:
            return paper
        rows = self.db.query("SELECT id FROM papers WHERE arxiv_id = ?", (bare,))
        if not rows and (m := SEED_REF.match(ref)):
            rows = self.db.query("SELECT paper_id AS id FROM occurrences WHERE (file = ? OR path = ?) "
                                 "AND position = ?", (m["file"], m["file"], int(m["pos"])))
        ids = sorted({r["id"] for r in rows}) or self.ids_of_record(ref)
        if len(ids) > 1 and not rows:
            raise UsageError(f"{ref!r} is the record id of {len(ids)} papers ({', '.join(ids[:5])})",
                             hint="input files share that id; give the paper id (`papers list --grep` finds it)")
        if not ids and len(ref) >= 4:
            rows = self.db.query("SELECT id FROM papers WHERE id LIKE ? ESCAPE '\\'",
                                 (ref.replace("%", "\\%").replace("_", "\\_") + "%",))
            ids = sorted({r["id"] for r in rows})
        if len(ids) > 1:
            raise UsageError(f"{ref!r} matches {len(ids)} papers ({', '.join(ids[:5])}...)",
                             hint="give more of the id")
        if not ids:
            raise self._not_found(ref)
        return self.get(ids[0])  # type: ignore[return-value]

    def _not_found(self, ref: str) -> NotFoundError:
        """An empty store is the usual cause for a new user (nothing ingested yet, or PAPERS_HOME
        pointing elsewhere): say so and where, rather than suggest listing an empty store."""
        if not self.count():
            return EmptyStoreError(self.db.path.parent, f"no paper {ref!r}")
        return NotFoundError(f"no paper {ref!r} in the store",
                             hint="find its id with `papers list --grep WORD` (a title or abstract word) or "
                                  "`papers search \"…\"`")

    def id_of_abstract(self, abstract: str) -> str | None:
        """The paper an abstract was merged into (the de-duplication key), if it is stored."""
        from store.merge import abstract_key

        rows = self.db.query("SELECT paper_id FROM paper_keys WHERE key = ?", (abstract_key(abstract),))
        return rows[0]["paper_id"] if rows else None

    def ids_of_record(self, record_id: str) -> list[str]:
        """The papers whose input records gave them this `id` of their own (sorted; usually one)."""
        return self.db.column("SELECT DISTINCT paper_id FROM occurrences WHERE json_extract(data, '$.id') = ? "
                              "ORDER BY paper_id", (record_id,))

    def list(self, flt: PaperFilter | None = None) -> list[Paper]:
        family = self._family(flt)
        where, params = _where(flt or PaperFilter(), family)
        papers = self._select(where, params)
        if flt and flt.grep:
            pattern = re.compile(re.escape(flt.grep), re.I)
            papers = [p for p in papers if pattern.search(p.title or "") or pattern.search(p.abstract)]
        if flt and flt.hardware_use is not False and (flt.hardware or flt.hardware_class):
            keep = self._hardware_users(flt, [(p.id, p.abstract) for p in papers], family)
            papers = [p for p in papers if p.id in keep]
        return papers[: flt.limit] if flt and flt.limit else papers

    def _hardware_users(self, flt: PaperFilter, rows: list[tuple[str, str]], family: list[str]) -> set[str]:
        """The ids of `rows` (id, abstract) that use the filter's hardware rather than only name it
        in background or as a baseline (store/hardware_mentions.py)."""
        from store.hardware_mentions import DESIGN_CLASSES, names_only

        if not flt.hardware and set(topic_forms(flt.hardware_class or "")) & DESIGN_CLASSES:
            return {pid for pid, _ in rows}
        names: dict[str, list[str]] = {}
        for pid, name in self._filter_hardware_names(flt, family):
            names.setdefault(pid, []).append(name)
        return {pid for pid, abstract in rows if not names_only(abstract, names.get(pid, []))}

    def _family(self, flt: PaperFilter | None) -> list[str]:
        """Stored hardware names of `flt.hardware`'s product family that do not write it
        ("NVIDIA TX2" for jetson; store/hardware_family.py)."""
        if not flt or not flt.hardware:
            return []
        return self.hardware_family(flt.hardware)

    def hardware_family(self, query: str) -> list[str]:
        """The stored hardware names of `query`'s product family that do not write it (the family
        view `--hardware` uses; `ask`'s list answers read the same one)."""
        from store.hardware_family import family_names

        return family_names(self.db.rows("SELECT name, COUNT(DISTINCT paper_id) FROM claim_hardware GROUP BY name"),
                            query)

    def _filter_hardware_names(self, flt: PaperFilter, family: list[str]) -> list[tuple]:
        """(paper_id, name) of the stored hardware the filter matches; `family` is `_family(flt)`,
        read once per query (a GROUP BY over every stored name)."""
        clauses, params = [], []
        if flt.hardware:
            clauses.append("(name LIKE ?" + "".join(" OR name = ?" for _ in family) + ")")
            params += [f"%{flt.hardware}%", *family]
        if flt.hardware_class:
            clauses.append("class IN (?, ?)")
            params += topic_forms(flt.hardware_class)
        return self.db.rows(f"SELECT paper_id, name FROM claim_hardware WHERE {' AND '.join(clauses)}", params)

    def ids(self, flt: PaperFilter | None = None, ordered: bool = True) -> list[str]:
        """Ids of the papers `list(flt)` returns, without loading them (search filters). Unordered
        is several times faster on a large store: the id index answers without reading the rows."""
        if flt and flt.grep:
            return [p.id for p in self.list(flt)]  # grep is matched in Python
        family = self._family(flt)
        where, params = _where(flt or PaperFilter(), family)
        order = " ORDER BY COALESCE(year, 0) DESC, date DESC, id" if ordered else ""
        if flt and flt.hardware_use is not False and (flt.hardware or flt.hardware_class):
            rows = self.db.rows(f"SELECT id, abstract FROM papers WHERE {where}{order}", params)
            keep = self._hardware_users(flt, rows, family)
            ids = [r[0] for r in rows if r[0] in keep]
        else:
            ids = self.db.column(f"SELECT id FROM papers WHERE {where}{order}", params)
        return ids[: flt.limit] if flt and flt.limit else ids

    def rowids(self, flt: PaperFilter) -> list[int]:
        """SQLite rowids of the papers `flt` admits, unordered and unlimited: one query returning ints
        (search filters map them to the index's papers through `rowid_ids`). Not for `grep`."""
        if flt.grep:
            raise ValueError("grep is matched in Python; use ids()")
        family = self._family(flt)
        where, params = _where(flt, family)
        if flt.hardware_use is not False and (flt.hardware or flt.hardware_class):
            rows = self.db.rows(f"SELECT rowid, id, abstract FROM papers WHERE {where}", params)
            keep = self._hardware_users(flt, [(r[1], r[2]) for r in rows], family)
            return [r[0] for r in rows if r[1] in keep]
        return self.db.column(f"SELECT rowid FROM papers WHERE {where}", params)

    def rowid_ids(self) -> list[tuple[int, str]]:
        """(rowid, id) of every paper."""
        return self.db.rows("SELECT rowid, id FROM papers")

    def _select(self, where: str, params: list) -> list[Paper]:
        rows = self.db.query(f"SELECT data FROM papers WHERE {where} "
                             "ORDER BY COALESCE(year, 0) DESC, date DESC, id", params)
        return [Paper.model_validate_json(r["data"]) for r in rows]

    # -- statistics ---------------------------------------------------------------------------
    def stats(self) -> StoreStats:
        """Counts over the whole store, by SQL aggregates over the papers' columns (loading 100k papers
        to count them took seconds). Categories with equal counts are listed by name."""
        occurrences = self.db.query("SELECT file, count(*) AS n FROM occurrences GROUP BY file ORDER BY file")
        n_occ = sum(r["n"] for r in occurrences)
        groups = self.db.rows(   # one scan of the papers table, grouped by (year, category)
            "SELECT CASE WHEN year IS NULL OR year = 0 THEN 'unknown' ELSE CAST(year AS TEXT) END, "
            "CASE WHEN category IS NULL OR category = '' THEN 'unknown' ELSE category END, count(*), "
            "count(CASE WHEN json_array_length(data, '$.sources') > 1 THEN 1 END), "
            "count(CASE WHEN arxiv_id IS NOT NULL AND arxiv_id != '' THEN 1 END), "
            "count(CASE WHEN title IS NOT NULL AND title != '' THEN 1 END) FROM papers GROUP BY 1, 2")
        years: Counter = Counter()
        categories: Counter = Counter()
        for year, category, n, *_ in groups:
            years[year] += n
            categories[category] += n
        totals = [sum(g[i] for g in groups) for i in range(2, 6)]
        files = self.db.query("SELECT name, format, n_papers, n_issues, ingested_at FROM files ORDER BY name")
        issues = self.db.query("SELECT file, line, reason FROM issues ORDER BY file, line")
        return StoreStats(
            papers=totals[0],
            occurrences=n_occ,
            duplicates_merged=n_occ - totals[0],
            multi_source_papers=totals[1],
            per_source={r["file"]: r["n"] for r in occurrences},
            per_year=dict(sorted(years.items())),
            per_category=dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
            with_arxiv_id=totals[2],
            with_title=totals[3],
            extracted=self.db.query("SELECT count(DISTINCT paper_id) FROM extractions")[0][0],
            extraction_failures=self.db.query("SELECT count(*) FROM extraction_failures")[0][0],
            files=[dict(r) for r in files],
            issues=[dict(r) for r in issues],
        )


def _year_clause(spec: str) -> tuple[str, list]:
    spec = spec.replace(" ", "")
    if m := re.fullmatch(r"(\d{4})-(\d{4})", spec):
        return "year BETWEEN ? AND ?", [int(m[1]), int(m[2])]
    if m := re.fullmatch(r"(>=|<=|>|<|=)?(\d{4})", spec):
        return f"year {m[1] or '='} ?", [int(m[2])]
    raise UsageError(f"cannot read year filter {spec!r}", hint="use 2023, 2021-2023, >=2023 or <2020")


def check_year_spec(spec: str) -> None:
    """A usage error for a year filter typed on the command line that cannot be read, or whose range
    runs backwards (it could only match nothing). Filters built from questions do not call this."""
    _, values = _year_clause(spec)
    if len(values) == 2 and values[0] > values[1]:
        raise UsageError(f"the year range {spec!r} runs backwards", hint=f"write {values[1]}-{values[0]}")


def _where(flt: PaperFilter, family: list[str] = ()) -> tuple[str, list]:
    """SQL for `flt`; `family` are hardware names that match `flt.hardware` by product family."""
    clauses, params = ["1"], []
    if flt.year:
        clause, values = _year_clause(flt.year)
        clauses.append(clause)
        params += values
    if flt.category:
        clause, values = category_clause(flt.category)
        clauses.append(clause)
        params += values
    for value, subquery, wrap, names in (
            (flt.source, "SELECT paper_id FROM occurrences WHERE file LIKE ?", "%{}%", ()),
            (flt.dataset, "SELECT paper_id FROM claim_datasets WHERE name = ? COLLATE NOCASE", "{}", ()),
            (flt.hardware, "SELECT paper_id FROM claim_hardware WHERE name LIKE ?", "%{}%", family)):
        if value:
            clauses.append(f"id IN ({subquery}{' OR name = ?' * len(names)})")
            params += [wrap.format(value), *names]
    if flt.hardware_class:   # a class in any case, singular or plural ("GPUs" = gpu), like --topic
        clauses.append("id IN (SELECT paper_id FROM claim_hardware WHERE class IN (?, ?))")
        params += topic_forms(flt.hardware_class)
    if flt.topic:
        clauses.append("id IN (SELECT paper_id FROM claim_topics WHERE tag IN (?, ?))")
        params += topic_forms(flt.topic)
    if flt.min_speedup is not None or flt.metric:
        sub = ["unit = 'x'"] if flt.min_speedup is not None else []
        sub_params: list = []
        if flt.min_speedup is not None:
            sub.append("value >= ?")
            sub_params.append(flt.min_speedup)
        if flt.metric:
            sub.append("metric = ?")
            sub_params.append(flt.metric)
        clauses.append(f"id IN (SELECT paper_id FROM claim_speedups WHERE {' AND '.join(sub)})")
        params += sub_params
    return " AND ".join(clauses), params


def topic_forms(value: str) -> list[str]:
    """The two tag spellings a --topic value may mean: tags are lower-case, hyphenated and mostly
    singular ("LLM serving" -> llm-serving, "KV_caches" -> kv-cache, "operating system" ->
    operating-systems)."""
    key = re.sub(r"[\s_]+", "-", value.strip().lower())
    return [key, key[:-1] if key.endswith("s") else key + "s"]


def paper_summary(paper: Paper) -> dict:
    return {"id": paper.id, "title": paper.title, "year": paper.year, "date": paper.date,
            "category": paper.category, "arxiv_id": paper.arxiv_id, "venue": paper.venue,
            "sources": [s.ref for s in paper.sources]}


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)
