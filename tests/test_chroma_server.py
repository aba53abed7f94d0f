"""The index on a real Chroma server (`chroma run`), and clear errors when the server is down or hung."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.chroma_server import free_port, stop, wait_for_heartbeat
from core.errors import StoreError
from test_index import PAPERS_A, PAPERS_B, make_settings, titles, write_jsonl

CHROMA = Path(sys.executable).with_name("chroma")
START_TIMEOUT = 60.0


@pytest.fixture
def chroma_server(tmp_path):
    """A `chroma run` on a free local port; always stopped at teardown."""
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} not found: the chromadb package provides it")
    port = free_port()
    log = tmp_path / "chroma.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_heartbeat(proc, url, START_TIMEOUT)
        except RuntimeError as exc:
            pytest.fail(f"{exc}:\n{log.read_text(errors='replace')[-2000:]}")
        yield url, proc
    finally:
        from store.index import close_all

        close_all()
        stop(proc)


@pytest.mark.slow
def test_ingest_search_remove_reindex_on_a_chroma_server(chroma_server, tmp_path, monkeypatch):
    from agent.corpus import ingest, open_store, remove
    from store.index import search
    from store.rebuild import reindex

    url, proc = chroma_server
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "a.jsonl", PAPERS_A[:3])
    write_jsonl(src / "b.jsonl", PAPERS_B[:1])
    settings = make_settings(tmp_path / "home", chroma_url=url)
    report = ingest([src], settings).index
    assert report.added == 4
    assert not settings.chroma_path.exists(), "server mode must not create an embedded index"
    store = open_store(settings)
    for mode in ("hybrid", "dense", "bm25"):
        assert titles(search(store, settings, "FPGA accelerator for CNNs", k=1, mode=mode)) == ["FlexCNN"]
    assert remove("b.jsonl", settings) == 1
    hits = search(store, settings, "3D Gaussian splatting", k=10)
    assert "SplatLite" not in titles(hits) and len(hits) == 3
    assert reindex(store, settings).added == 3
    assert titles(search(store, settings, "federated learning on phones", k=1)) == ["FedPhone"]

    stop(proc)  # the server goes away under a running process: a clear error, not a hang
    with pytest.raises(StoreError, match="Chroma server"):
        search(store, settings, "federated learning on phones", k=1)


@pytest.fixture
def small_store(tmp_path):
    """Papers stored without embedding (no model, no server needed)."""
    from agent.corpus import ingest, open_store

    settings = make_settings(tmp_path / "home")
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS_A[:2])], settings, index=False)
    return open_store(settings)


def test_server_down_is_a_clear_error(small_store, tmp_path, runner, monkeypatch):
    from agent.cli import app
    from core.settings import reset_settings_cache
    from store.index import search

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = make_settings(tmp_path / "home", chroma_url=url)
    start = time.monotonic()
    with pytest.raises(StoreError, match="cannot reach the Chroma server") as info:
        search(small_store, settings, "federated learning")
    assert time.monotonic() - start < 10 and "chroma run" in info.value.hint
    monkeypatch.setenv("PAPERS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAPERS_CHROMA_URL", url)
    reset_settings_cache()
    result = runner.invoke(app, ["search", "federated learning"])
    assert result.exit_code == 1 and "cannot reach" in result.stderr and "Traceback" not in result.output


def test_hung_server_times_out(small_store, tmp_path):
    from store.index import search

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept_and_ignore():  # accept connections, never answer
        listener.settimeout(0.2)
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_ignore, daemon=True)
    thread.start()
    try:
        settings = make_settings(tmp_path / "home", chroma_url=f"http://127.0.0.1:{listener.getsockname()[1]}",
                                 request_timeout=1.0)
        start = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 1s"):
            search(small_store, settings, "federated learning")
        assert time.monotonic() - start < 10
    finally:
        done.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_bad_chroma_url_is_a_config_error(small_store, tmp_path):
    from core.errors import ConfigError
    from store.index import search

    settings = make_settings(tmp_path / "home", chroma_url="ftp://somewhere")
    with pytest.raises(ConfigError, match="PAPERS_CHROMA_URL"):
        search(small_store, settings, "federated learning")
