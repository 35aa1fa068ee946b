"""The Server-Sent Events stream: one event per burst of changes, to every open page.

Every page holds one stream. Three things end it: the page going away (noticed on
``receive()``, so dead clients are dropped at once), the server stopping (the
broadcaster closes, so an open tab never delays a restart), or the client script
reconnecting. A comment every 15 s keeps proxies and the browser from timing it out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HEARTBEAT_SECONDS = 15.0
#: Bursts queued for a client that reads slowly; more are dropped (the page reloads anyway).
QUEUE_SIZE = 64

HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-content-type-options", b"nosniff"),
    # nginx and similar proxies would otherwise buffer the stream.
    (b"x-accel-buffering", b"no"),
]


def format_event(paths: list[str]) -> bytes:
    """One SSE event: ``data: {"paths": [...]}`` and the blank line that ends it."""
    return b"data: " + json.dumps({"paths": paths}).encode("utf-8") + b"\n\n"


class Broadcaster:
    """Fans each burst out to every subscribed stream; ``close`` ends them all."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[list[str] | None]] = set()
        self.closed = False

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[list[str] | None]]:
        queue: asyncio.Queue[list[str] | None] = asyncio.Queue(QUEUE_SIZE)
        if self.closed:
            queue.put_nowait(None)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    def publish(self, paths: list[str]) -> None:
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(paths)

    def close(self) -> None:
        """End every stream, now and later (streams opened after this end at once)."""
        self.closed = True
        for queue in self._queues:
            while queue.full():
                queue.get_nowait()
            queue.put_nowait(None)

    def reopen(self) -> None:
        """Accept streams again (a server that starts its lifespan anew in one process)."""
        self.closed = False


async def wait_for_disconnect(receive: Receive) -> None:
    """Return when the client has gone (request body messages are read and dropped)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def stream_events(
    receive: Receive,
    send: Send,
    broadcaster: Broadcaster,
    *,
    head: bool = False,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> None:
    """Answer ``GET __devstatic__/events`` until the client leaves or the server stops."""
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    with broadcaster.subscribe() as queue:
        # A first line lets the browser fire ``open`` at once, whatever the server buffers.
        await send({"type": "http.response.body", "body": b": devstatic\n\n", "more_body": True})
        gone = asyncio.ensure_future(wait_for_disconnect(receive))
        burst: asyncio.Future[list[str] | None] = asyncio.ensure_future(queue.get())
        try:
            while True:
                waiting: set[asyncio.Future[Any]] = {gone, burst}
                done, _ = await asyncio.wait(
                    waiting, timeout=heartbeat, return_when=asyncio.FIRST_COMPLETED
                )
                if gone in done:
                    return
                if burst not in done:
                    await send(
                        {"type": "http.response.body", "body": b": ping\n\n", "more_body": True}
                    )
                    continue
                paths = burst.result()
                if paths is None:
                    break
                await send(
                    {"type": "http.response.body", "body": format_event(paths), "more_body": True}
                )
                burst = asyncio.ensure_future(queue.get())
            await send({"type": "http.response.body", "body": b""})
        finally:
            gone.cancel()
            burst.cancel()
