"""Store health: integrity checks, backups, restore and salvage, none of which ever deletes a copy.

`papers.db` is the store of record; `chroma/` holds chunk vectors *and* chunk texts, so it is a
second (partial) copy of every abstract; `backups/` holds online-backup copies of papers.db; the
source files named in papers.db can be ingested again. `diagnose` says which of these are intact,
what can be recovered from which, and the exact commands. Every operation that replaces
papers.db first moves the old file (with its -wal/-shm) aside under a new name.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import StoreError, output_error
from core.settings import Settings

DOCTOR_HINT = "run `papers doctor`: it checks the store and names the command that recovers it"
SIDE_FILES = ("-wal", "-shm")


@dataclass
class DbHealth:
    path: Path
    exists: bool
    ok: bool
    detail: str
    papers: int | None = None
    source_files: list[str] = field(default_factory=list)  # paths recorded in the `files` table


def connect(path: Path, create: bool = False) -> sqlite3.Connection:
    """A connection to an existing SQLite file: a missing one is `sqlite3.OperationalError` (a
    `DatabaseError`), never a new empty file, so a check that only reads cannot create the store it
    looks at (a second `doctor` then saw an empty file as damage). `create=True` for a copy's target."""
    target = path if create else f"{Path(path).absolute().as_uri()}?mode=rw"
    conn = sqlite3.connect(target, timeout=60, isolation_level=None, uri=not create)
    conn.row_factory = sqlite3.Row
    return conn


def check_database(path: Path) -> DbHealth:
    """Integrity of one SQLite file, without creating or changing anything in it."""
    path = Path(path)
    if not path.exists():
        return DbHealth(path, False, True, "no store yet")
    try:
        conn = connect(path)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                summary = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
                return DbHealth(path, True, False, f"damaged: {summary[:200]}",
                                source_files=_readable_source_files(conn))
            papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
            return DbHealth(path, True, True, f"ok, {papers} papers", papers, _readable_source_files(conn))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return DbHealth(path, True, False, f"damaged: {exc}", source_files=_files_behind_header(path))


def _files_behind_header(path: Path) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = header_repaired_copy(path, Path(tmp))
        if copy is None:
            return []
        conn = connect(copy)
        try:
            return _readable_source_files(conn)
        finally:
            conn.close()


SQLITE_MAGIC = b"SQLite format 3\x00"
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536)


def header_repaired_copy(path: Path, folder: Path) -> Path | None:
    """A copy of `path` with a rebuilt 24-byte file header, when the header is what is broken (the
    fixed fields are known and the page size can be found by trying); None when that does not help.
    The damaged file itself is never written."""
    data = Path(path).read_bytes()
    if len(data) < 512 or data[:16] == SQLITE_MAGIC and data[21:24] == b"\x40\x20\x20":
        return None
    for size in PAGE_SIZES:
        if len(data) % size:
            continue
        candidate = folder / f"{Path(path).name}.header-{size}"
        fixed = SQLITE_MAGIC + (size if size < 65536 else 1).to_bytes(2, "big") + b"\x01\x01\x00\x40\x20\x20"
        candidate.write_bytes(fixed + data[24:])
        try:
            conn = connect(candidate)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return candidate
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            candidate.unlink()
    return None


def _readable_source_files(conn: sqlite3.Connection) -> list[str]:
    try:
        return [r[0] for r in conn.execute("SELECT path FROM files ORDER BY path")]
    except sqlite3.DatabaseError:
        return []


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000:06d}"


def move_aside(path: Path, label: str) -> Path | None:
    """Rename papers.db (and its -wal/-shm, which hold committed data too) to papers.db.LABEL-TIME."""
    if not path.exists():
        return None
    target = path.with_name(f"{path.name}.{label}-{_stamp()}")
    for suffix in SIDE_FILES:
        side = Path(str(path) + suffix)
        if side.exists():
            os.replace(side, Path(str(target) + suffix))
    os.replace(path, target)
    return target


# -- backup / restore -----------------------------------------------------------------------------
def backup_dir(settings: Settings) -> Path:
    return settings.home / "backups"


def list_backups(settings: Settings) -> list[Path]:
    folder = backup_dir(settings)
    return sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []


def backup_store(settings: Settings, dest: Path | None = None) -> tuple[Path, int]:
    """A consistent copy of papers.db taken with SQLite's online backup API (safe while other
    processes read and write). Returns (path, papers in it)."""
    health = check_database(settings.db_path)
    if not health.exists:
        raise StoreError(f"there is no store at {settings.db_path} to back up", hint="run `papers ingest` first")
    if not health.ok:
        raise StoreError(f"the store at {settings.db_path} is {health.detail}", hint=DOCTOR_HINT)
    dest = Path(dest) if dest else backup_dir(settings) / f"papers-{_stamp()}.db"
    if dest.exists():
        raise StoreError(f"{dest} already exists", hint="choose another file name")
    try:  # a bad -o is the user's path, not a damaged store: say so before copying anything
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.with_name(dest.name + ".partial").touch()
    except OSError as exc:
        raise output_error(dest, exc) from exc
    _copy_db(settings.db_path, dest)
    return dest, check_database(dest).papers or 0


def _copy_db(source: Path, dest: Path) -> None:
    tmp = dest.with_name(dest.name + ".partial")
    src, dst = connect(source), connect(tmp, create=True)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot copy {source}: {exc}", hint=DOCTOR_HINT) from None
    finally:
        dst.close()
        src.close()
    os.replace(tmp, dest)  # a backup interrupted half-way never looks like a finished one


def restore_store(settings: Settings, source: Path) -> tuple[Path | None, int]:
    """Make `source` (a backup) the store of record. The current papers.db is moved aside, never
    deleted. Returns (where the old store went, papers restored)."""
    source = Path(source)
    health = check_database(source)
    if not health.exists:
        raise StoreError(f"no backup at {source}", hint="`papers doctor` lists the backups it finds")
    if not health.ok:
        raise StoreError(f"the backup {source} is {health.detail}", hint="pick another backup (`papers doctor`)")
    close_index_handles()
    staged = settings.db_path.with_name(settings.db_path.name + ".restoring")
    _copy_db(source, staged)
    old = move_aside(settings.db_path, "replaced")
    os.replace(staged, settings.db_path)
    return old, health.papers or 0


def close_index_handles() -> None:
    import sys

    index = sys.modules.get("store.index")  # only if this process opened the index at all
    if index is not None:
        index.close_all()
