"""A small real corpus for the ask/chat tests, built once per test session and copied per test.

About thirty seed abstracts (chosen so that the QA fixtures' KITTI / FPGA / KV-cache / MoE sets,
some look-ups and the numeric questions are answerable) are parsed from seeds/, ingested and
indexed with the real embedding model, and extracted by the local engine (rules only, so it is
quick) into a template home. Each test gets a copy: nothing a test does can leak into another, and
the embedding model loads once per session. Seed references (`file#i`) still resolve in the copy.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
PICK = {
    "000_8528321f52109f11.txt": [0, 2, 5, 7, 8, 14, 15, 16, 17, 18, 20, 34, 39, 42],
    "003_a2f809acec3995b1.txt": [1],
    "004_74f5bfe55f112bb8.txt": [16, 20, 23, 36, 39, 40, 51, 55],
    "002_7d32a3e5c875130f.txt": [14, 48],
}
KITTI = ["000_8528321f52109f11.txt#0", "000_8528321f52109f11.txt#5", "000_8528321f52109f11.txt#7",
         "000_8528321f52109f11.txt#18"]

_lock = threading.Lock()
_template: Path | None = None


def _build(root: Path) -> Path:
    from agent.corpus import ingest, parse
    from agent.engines.local.engine import LocalEngine
    from agent.extract import extract_batch
    from core.settings import Settings

    pages = root / "pages"
    pages.mkdir()
    for name, positions in PICK.items():
        records, _, _ = parse([SEEDS / name])
        keep = [r for r in records if r["position"] in positions]
        # one JSONL file per seed page, named like it, so `file#i` refs resolve through occurrences
        with open(pages / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in keep:
                fh.write(json.dumps({k: v for k, v in r.items() if k not in ("source", "position", "line", "format")})
                         + "\n")
    home = root / "home"
    settings = Settings(home=home, seeds_dir=pages)
    ingest([pages], settings)
    extract_batch(LocalEngine(use_embeddings=False), input_path=None, use_all=True, output=None, settings=settings)
    _close_index()
    return home


def _close_index() -> None:
    try:
        from store.index import close_all
    except ModuleNotFoundError:
        return
    close_all()
    # SQLite connections held in reference cycles close (and delete their WAL files) at the next GC;
    # collect now so that never happens while a test copies the template.
    import gc

    gc.collect()


def template_home() -> Path:
    """Build the template once per process (thread-safe); removed at exit."""
    global _template
    with _lock:
        if _template is None:
            root = Path(tempfile.mkdtemp(prefix="papers-qa-template-"))
            atexit.register(shutil.rmtree, root, True)
            _template = _build(root)
        return _template


def copy_home(dest: Path) -> Path:
    """The template's store and index, copied into `dest` (the test's PAPERS_HOME)."""
    src = template_home()
    for item in src.iterdir():
        if item.is_dir():
            shutil.copytree(item, dest / item.name, dirs_exist_ok=True)
        elif item.suffix not in (".lock",):
            shutil.copy2(item, dest / item.name)
    return dest


def ref_id(store, ref: str) -> str:
    """The paper id of a seed reference, through the test corpus's occurrence positions."""
    file, _, pos = ref.rpartition("#")
    positions = PICK[file]
    return store.resolve(f"{file}.jsonl#{positions.index(int(pos))}").id


@pytest.fixture
def qa_home(papers_home):
    """PAPERS_HOME holding the QA test corpus (ingested, indexed, extracted)."""
    copy_home(papers_home)
    yield papers_home
    _close_index()


@pytest.fixture
def qa_settings(qa_home):
    from core.settings import Settings

    return Settings(home=qa_home)


@pytest.fixture
def qa_store(qa_settings):
    from agent.corpus import open_store

    return open_store(qa_settings)
