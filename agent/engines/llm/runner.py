"""A private event loop in a daemon thread, so synchronous callers (the CLI, batch.py, evals) can
drive the engine's async work, and results of a batch reach them one by one as they finish.

Signals stay in the main thread: Ctrl-C interrupts the caller's wait, and `iterate` then cancels
the work on the loop, hands over every result that had already finished, and re-raises.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


class LoopThread:
    def __init__(self, name: str = "papers-llm"):
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name=self._name, daemon=True)
                self._thread.start()
            return self._loop

    def run(self, coro: Awaitable[T]) -> T:
        """Run `coro` on the loop and wait for it; Ctrl-C cancels it."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def iterate(self, make: Callable[[], AsyncIterator[T]], cancel_wait: float = 10.0) -> Iterator[T]:
        """Items of the async iterator `make()`, as they come; closing the generator cancels it.
        The work starts now, not at the first `next()`: a caller can set up its output (progress bar,
        store) while the first requests are in flight."""
        items: queue.Queue[Any] = queue.Queue()

        async def pump() -> None:
            source = make()
            try:
                async for item in source:
                    items.put((True, item))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
                if not isinstance(exc, asyncio.CancelledError):
                    items.put((False, exc))
                raise
            finally:
                await source.aclose()   # runs the source's own clean-up (cancels its tasks)
                items.put((True, _DONE))

        future = asyncio.run_coroutine_threadsafe(pump(), self.loop)
        return self._drain(items, future, cancel_wait)

    @staticmethod
    def _drain(items: queue.Queue, future, cancel_wait: float) -> Iterator[Any]:
        try:
            while True:
                try:
                    ok, item = items.get(timeout=0.5)
                except queue.Empty:
                    if future.done() and items.empty():   # the loop went away without a word
                        future.result()
                        break
                    continue
                if item is _DONE:
                    break
                if not ok:
                    raise item
                yield item
        except (KeyboardInterrupt, GeneratorExit) as exc:
            future.cancel()
            _wait(future, cancel_wait)
            if isinstance(exc, GeneratorExit):
                raise
            yield from _finished(items)   # finished before the interrupt: still the caller's to keep
            raise
        finally:
            if not future.done():
                future.cancel()
                _wait(future, cancel_wait)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        if not loop.is_running():
            loop.close()


def _wait(future, timeout: float) -> None:
    try:
        future.result(timeout=timeout)
    except BaseException:  # noqa: BLE001 - cancelled or failed: either way it has stopped
        pass


def _finished(items: queue.Queue) -> Iterator[Any]:
    while True:
        try:
            ok, item = items.get_nowait()
        except queue.Empty:
            return
        if ok and item is not _DONE:
            yield item
