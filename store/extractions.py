"""Extraction results in the store: one record per (paper, engine), plus flat claim tables that
`papers list --dataset/--hardware-class/--topic/--min-speedup` filter on (the latest extraction
of a paper, whichever engine wrote it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from core.models import Extraction
from store.papers import PaperStore


def save_extraction(store: PaperStore, record: Extraction, abstract: str | None = None) -> bool:
    """Save one extraction record; False when the paper is not in the store. `abstract` (an input
    file's record) finds the stored paper that record became, whatever `id` the record gave itself;
    the stored copy then carries the store's id."""
    pid = (store.id_of_abstract(abstract) if abstract else None) or record.id
    if pid != record.id:
        record = record.model_copy(update={"id": pid})
    with store.db.write() as conn:
        conn.execute("DELETE FROM extraction_failures WHERE paper_id = ?", (pid,))   # it worked this time
        if not conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
            return False
        conn.execute("INSERT OR REPLACE INTO extractions (paper_id, engine, data) VALUES (?, ?, ?)",
                     (pid, record.engine, json.dumps(record.to_json(), ensure_ascii=False)))
        for table in ("claim_speedups", "claim_datasets", "claim_hardware", "claim_topics"):
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))
        conn.executemany("INSERT INTO claim_speedups VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (pid, s.value, s.unit, s.metric, s.direction, s.baseline, s.qualifier, s.evidence)
            for s in record.speedups])
        conn.executemany("INSERT INTO claim_datasets VALUES (?, ?)", [(pid, d) for d in record.datasets])
        conn.executemany("INSERT INTO claim_hardware VALUES (?, ?, ?, ?)", [
            (pid, h.name, h.hw_class, h.level) for h in record.hardware])
        conn.executemany("INSERT INTO claim_topics VALUES (?, ?, ?)", [
            (pid, t, rank) for rank, t in enumerate(record.topics)])
    return True


def record_failure(store: PaperStore, failure: dict[str, Any]) -> None:
    """Remember that a paper failed (id, stage, error class, message); `extract --retry-failed` redoes it."""
    with store.db.write() as conn:
        conn.execute("INSERT OR REPLACE INTO extraction_failures (paper_id, stage, error, message, engine) "
                     "VALUES (?, ?, ?, ?, ?)", (failure["id"], failure["stage"], failure["error"],
                                                failure["message"], failure.get("engine")))


def failed_ids(store: PaperStore) -> set[str]:
    return {r["paper_id"] for r in store.db.query("SELECT paper_id FROM extraction_failures")}


def extracted_ids(store: PaperStore) -> set[str]:
    """Papers with at least one saved extraction (`extract --all --new` skips them)."""
    return {r["paper_id"] for r in store.db.query("SELECT DISTINCT paper_id FROM extractions")}


def count_unextracted(store: PaperStore) -> int:
    """Papers with no saved extraction, in a store where something was extracted (0 in one where nothing
    was: there every paper is unextracted and saying so would be noise)."""
    rows = store.db.query("SELECT count(*) AS n FROM papers WHERE EXISTS (SELECT 1 FROM extractions) "
                          "AND id NOT IN (SELECT paper_id FROM extractions)")
    return int(rows[0]["n"])


def latest_extraction(store: PaperStore, paper_id: str, engine: str | None = None) -> Extraction | None:
    sql = "SELECT data FROM extractions WHERE paper_id = ?" + (" AND engine = ?" if engine else "")
    rows = store.db.query(sql + " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                          (paper_id, engine) if engine else (paper_id,))
    return Extraction.from_json(json.loads(rows[0]["data"])) if rows else None


@dataclass(frozen=True)
class ClaimQuery:
    """Which speedup claims `claims_rows` returns; every field left None matches everything."""

    paper_ids: Sequence[str] | None = None   # only claims of these papers (an empty list matches none)
    unit: str | None = None                  # "x", "%", ...
    metrics: Sequence[str] | None = None     # any of these metric names (empty or None: any metric)


_ID_CHUNK = 500   # SQLite bound-parameter budget per statement


def claims_rows(store: PaperStore, query: ClaimQuery = ClaimQuery()) -> list[dict[str, Any]]:
    """Speedup claims joined with their paper, largest value first ("top speedups on FPGAs")."""
    ids = None if query.paper_ids is None else list(query.paper_ids)
    if ids is not None and not ids:
        return []
    chunks = [None] if ids is None else [ids[i:i + _ID_CHUNK] for i in range(0, len(ids), _ID_CHUNK)]
    rows = [row for chunk in chunks for row in _claims_rows(store, query, chunk)]
    if len(chunks) > 1:
        rows.sort(key=lambda r: r["value"], reverse=True)   # stable: each chunk is already in order
    return rows


def _claims_rows(store: PaperStore, query: ClaimQuery, ids: list[str] | None) -> list[dict[str, Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.unit is not None:
        where.append("s.unit = ?")
        params.append(query.unit)
    if query.metrics:
        where.append("s.metric IN (%s)" % ",".join("?" * len(query.metrics)))
        params += list(query.metrics)
    if ids is not None:
        where.append("s.paper_id IN (%s)" % ",".join("?" * len(ids)))
        params += ids
    rows = store.db.query(
        "SELECT s.*, p.title, p.year, p.arxiv_id FROM claim_speedups s JOIN papers p ON p.id = s.paper_id "
        f"WHERE {' AND '.join(where) or '1'} ORDER BY s.value DESC", tuple(params))
    return [dict(r) for r in rows]


@dataclass
class ClaimVocabulary:
    """What the claims tables name: the QA router recognises these words in questions."""

    datasets: list[str] = field(default_factory=list)
    hardware_names: list[str] = field(default_factory=list)     # specific products only, not classes
    tag_sizes: dict[str, int] = field(default_factory=dict)     # topic tag -> papers tagged with it


def claim_vocabulary(store: PaperStore) -> ClaimVocabulary:
    return ClaimVocabulary(
        datasets=[r[0] for r in store.db.query("SELECT DISTINCT name FROM claim_datasets")],
        hardware_names=[r[0] for r in store.db.query(
            "SELECT DISTINCT name FROM claim_hardware WHERE level = 'specific'")],
        tag_sizes={r[0]: r[1] for r in store.db.query(
            "SELECT tag, count(DISTINCT paper_id) FROM claim_topics GROUP BY tag")})
