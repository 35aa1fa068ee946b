"""The one way devstatic runs blocking file work off the event loop.

On asyncio a hop goes straight to a thread pool through ``loop.run_in_executor``'s
machinery: measured in bench/ it costs about half of ``anyio.to_thread.run_sync``,
whose capacity limiter, cancel scope and worker bookkeeping run on every call. Any
other event loop (trio) goes through anyio, which speaks to all of them, with a limiter
of the same size as the pool (``threads.SERVE_IO``), not anyio's default of 40.

Cancellation keeps anyio's promise that nothing is lost: a thread cannot be stopped,
so when the waiting task is cancelled the work still finishes, and a result that
holds a resource (an open file) is closed rather than dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from anyio.lowlevel import RunVar

from devstatic.disk.threads import SERVE_IO, executor

T = TypeVar("T")

#: The pool's size (``devstatic.disk.threads.SERVE_IO``).
MAX_WORKERS = SERVE_IO

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
#: Off asyncio: one limiter per event loop run (a limiter belongs to its loop).
_limiter: RunVar[anyio.CapacityLimiter] = RunVar("devstatic_serve_io")


def _loop_limiter() -> anyio.CapacityLimiter:
    try:
        return _limiter.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(MAX_WORKERS)
        _limiter.set(limiter)
        return limiter


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = executor(MAX_WORKERS, "io")
    return _pool


def _close_result(done: concurrent.futures.Future[Any]) -> None:
    """Close what a cancelled call returned (an open file), since nobody will."""
    if done.cancelled() or done.exception() is not None:
        return
    close = getattr(done.result(), "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


async def run_blocking(func: Callable[..., T], *args: object) -> T:
    """Run ``func(*args)`` in a worker thread (asyncio or trio alike) and return its result."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio): anyio knows every loop
        return await anyio.to_thread.run_sync(func, *args, limiter=_loop_limiter())
    work = _executor().submit(func, *args)
    try:
        return await asyncio.wrap_future(work, loop=loop)
    except asyncio.CancelledError:
        work.add_done_callback(_close_result)
        raise
