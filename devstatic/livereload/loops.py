"""Handing a call to the running event loop, asyncio or trio, from a signal or a thread.

Live reload is written with anyio, so it runs on asyncio and trio alike, except for
this one call anyio does not offer. A signal handler runs between two bytecodes of
whatever the loop was doing, and the watch thread runs beside it; neither may touch
the loop's streams itself. ``loop.call_soon_threadsafe`` and ``TrioToken.run_sync_soon``
are both safe there; ``anyio.from_thread`` would wait for the loop, which from a
signal handler is the very thread that waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

Soon = Callable[[Callable[[], None]], None]


def soon_on_this_loop() -> Soon:
    """A function that runs a callback on the current loop, from a signal handler or thread.

    Once the loop has ended the callback is dropped (there is nothing left to tell).
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio, the other loop anyio speaks to
        import trio

        token = trio.lowlevel.current_trio_token()

        def on_trio(callback: Callable[[], None]) -> None:
            with contextlib.suppress(trio.RunFinishedError):
                token.run_sync_soon(callback)

        return on_trio

    def on_asyncio(callback: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed
            loop.call_soon_threadsafe(callback)

    return on_asyncio
