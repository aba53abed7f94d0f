"""store/array_cache.py: arrays of a fixed input, stored once, read later, computed when the cache fails."""

from __future__ import annotations

import numpy as np
import pytest

from core.settings import reset_settings_cache
from store.array_cache import arrays_cached


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERS_CACHE_DIR", str(tmp_path / "cache"))
    reset_settings_cache()
    yield tmp_path / "cache"
    reset_settings_cache()


def test_stored_then_read(cache_dir):
    calls = []

    def compute():
        calls.append(1)
        return {"a": np.arange(3.0), "words": np.array(["x", "y z"])}

    first, second = arrays_cached("t", "d" * 32, compute), arrays_cached("t", "d" * 32, compute)
    assert len(calls) == 1 and np.array_equal(first["a"], second["a"]) and list(second["words"]) == ["x", "y z"]
    arrays_cached("t", "e" * 32, compute)                   # another digest: computed again
    assert len(calls) == 2


def test_an_unusable_cache_directory_falls_back_to_computing(cache_dir):
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("not a directory")
    assert arrays_cached("t", "f" * 32, lambda: {"a": np.ones(2)})["a"].tolist() == [1.0, 1.0]
