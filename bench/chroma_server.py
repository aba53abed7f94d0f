"""A `chroma run` server on a free local port for the bench (stopped on exit, whatever happens)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_heartbeat(proc: subprocess.Popen, url: str, timeout: float = START_TIMEOUT) -> None:
    """Return once `chroma run` answers at `url`; RuntimeError when it exits or is silent for `timeout` s."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"chroma run did not answer within {timeout:g} s")
        time.sleep(0.2)


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Terminate a running server (kill it if it does not go); a no-op once it has exited."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


@contextmanager
def chroma_server(data_dir: Path) -> Iterator[str]:
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = open(data_dir.parent / f"{data_dir.name}.log", "wb")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_heartbeat(proc, url)
        yield url
    finally:
        stop(proc)
        log.close()
