"""The two things live reload needs from the event loop that anyio does not offer.

Live reload is written with anyio, so it runs on asyncio and trio alike, except for:

- a task that outlives the call that starts it: the watcher starts inside a lifespan
  message or a request (a server without lifespan) and must keep running after that
  call returns. anyio only has task groups, which end with their ``async with``; so
  asyncio gets ``loop.create_task`` and trio a system task (``spawn_system_task``, which
  trio cancels when the run ends);
- a call handed to the loop from a signal handler: the handler runs between two
  bytecodes of whatever the loop was doing, so it must not touch streams itself.
  ``loop.call_soon_threadsafe`` and ``TrioToken.run_sync_soon`` are both safe there;
  ``anyio.from_thread`` would wait for the loop, which is the thread the handler holds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

Soon = Callable[[Callable[[], None]], None]


def _asyncio_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio, the other loop anyio speaks to
        return None


def spawn(run: Callable[[], Awaitable[None]]) -> asyncio.Task[None] | None:
    """Run ``run()`` beside the server's tasks; on asyncio returns the task to keep alive.

    ``run`` must catch its own errors: on trio an exception escaping a system task ends
    the whole server. It is cancelled when the event loop ends.
    """
    loop = _asyncio_loop()
    if loop is not None:

        async def main() -> None:
            await run()

        # asyncio holds tasks weakly: the caller keeps the handle.
        return loop.create_task(main())
    import trio

    async def system_task() -> None:
        await run()

    trio.lowlevel.spawn_system_task(system_task, name="devstatic live reload")
    return None


def soon_on_this_loop() -> Soon:
    """A function that runs a callback on the current loop, from a signal handler or thread.

    Once the loop has ended the callback is dropped (there is nothing left to tell).
    """
    loop = _asyncio_loop()
    if loop is not None:
        running = loop

        def on_asyncio(callback: Callable[[], None]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed
                running.call_soon_threadsafe(callback)

        return on_asyncio
    import trio

    token = trio.lowlevel.current_trio_token()

    def on_trio(callback: Callable[[], None]) -> None:
        with contextlib.suppress(trio.RunFinishedError):
            token.run_sync_soon(callback)

    return on_trio
