"""Extraction results in the store: one record per (paper, engine), plus flat claim tables that
`papers list --dataset/--hardware-class/--topic/--min-speedup` filter on (the latest extraction
of a paper, whichever engine wrote it)."""

from __future__ import annotations

import json
from typing import Any

from store.papers import PaperStore


def save_extraction(store: PaperStore, record: dict[str, Any]) -> bool:
    """Save one extraction record (Extraction.to_json()); False when the paper is not in the store."""
    pid = record["id"]
    with store.db.write() as conn:
        if not conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
            return False
        conn.execute("INSERT OR REPLACE INTO extractions (paper_id, engine, data) VALUES (?, ?, ?)",
                     (pid, record.get("engine", "local"), json.dumps(record, ensure_ascii=False)))
        for table in ("claim_speedups", "claim_datasets", "claim_hardware", "claim_topics"):
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))
        conn.executemany("INSERT INTO claim_speedups VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (pid, s["value"], s["unit"], s["metric"], s["direction"], s.get("baseline"), s.get("qualifier"),
             s["evidence"]) for s in record.get("speedups", [])])
        conn.executemany("INSERT INTO claim_datasets VALUES (?, ?)", [(pid, d) for d in record.get("datasets", [])])
        conn.executemany("INSERT INTO claim_hardware VALUES (?, ?, ?, ?)", [
            (pid, h["name"], h["class"], h["level"]) for h in record.get("hardware", [])])
        conn.executemany("INSERT INTO claim_topics VALUES (?, ?, ?)", [
            (pid, t, rank) for rank, t in enumerate(record.get("topics", []))])
    return True


def latest_extraction(store: PaperStore, paper_id: str, engine: str | None = None) -> dict[str, Any] | None:
    sql = "SELECT data FROM extractions WHERE paper_id = ?" + (" AND engine = ?" if engine else "")
    rows = store.db.query(sql + " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                          (paper_id, engine) if engine else (paper_id,))
    return json.loads(rows[0]["data"]) if rows else None


def extracted_ids(store: PaperStore, engine: str | None = None) -> set[str]:
    sql = "SELECT paper_id FROM extractions" + (" WHERE engine = ?" if engine else "")
    return {r["paper_id"] for r in store.db.query(sql, (engine,) if engine else ())}


def claims_rows(store: PaperStore, sql_where: str = "1", params: tuple = ()) -> list[dict[str, Any]]:
    """Speedup claims joined with their paper, for aggregate questions ("top speedups on FPGAs")."""
    rows = store.db.query(
        "SELECT s.*, p.title, p.year, p.arxiv_id FROM claim_speedups s JOIN papers p ON p.id = s.paper_id "
        f"WHERE {sql_where} ORDER BY s.value DESC", params)
    return [dict(r) for r in rows]
