"""The Server-Sent Events stream: one event per burst of changes, to every open page.

Every page holds one stream. Three things end it: the page going away (noticed on
``receive()``, so dead clients are dropped at once), the server stopping (the
broadcaster closes, so an open tab never delays a restart), or the client script
reconnecting. A comment every 15 s keeps proxies and the browser from timing it out.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Bursts = MemoryObjectReceiveStream[bytes]

HEARTBEAT_SECONDS = 15.0
#: Bursts queued for a client that reads slowly. One more ends its stream: the page,
#: which has missed a change, reconnects and reloads (reload.js reloads on a reconnect).
QUEUE_SIZE = 64

HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-content-type-options", b"nosniff"),
    # nginx and similar proxies would otherwise buffer the stream.
    (b"x-accel-buffering", b"no"),
]

PING = b": ping\n\n"


def format_event(paths: list[str], urls: Mapping[str, str] | None = None) -> bytes:
    """One SSE event: ``data: {"paths": [...]}`` and the blank line that ends it.

    With hashed URLs, ``urls`` maps served paths to their new URLs: the changed files and
    the files renamed because they refer to one, so the client can swap a ``<link>``
    whose href is an old hashed name for the new one.
    """
    payload: dict[str, Any] = {"paths": paths}
    if urls:
        payload["urls"] = dict(urls)
    return b"data: " + json.dumps(payload).encode("utf-8") + b"\n\n"


class Broadcaster:
    """Fans each burst out to every subscribed stream; ``close`` ends them all.

    Each stream reads its own anyio memory stream (asyncio and trio alike); closing the
    sending end is what tells a reader the server is stopping.
    """

    def __init__(self) -> None:
        self._streams: dict[MemoryObjectSendStream[bytes], Bursts] = {}
        self.closed = False

    @property
    def subscribers(self) -> int:
        return len(self._streams)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[Bursts]:
        """A stream of bursts that ends (``anyio.EndOfStream``) when the broadcaster closes."""
        sender, bursts = anyio.create_memory_object_stream[bytes](QUEUE_SIZE)
        if self.closed:
            sender.close()
        else:
            self._streams[sender] = bursts
        try:
            yield bursts
        finally:
            self._streams.pop(sender, None)
            sender.close()
            bursts.close()

    def publish(self, paths: list[str], urls: Mapping[str, str] | None = None) -> None:
        """Send one event (formatted once) to every stream."""
        event = format_event(paths, urls)
        for sender in list(self._streams):
            try:
                sender.send_nowait(event)
            except anyio.WouldBlock:
                # Dropping the event would leave the page stale without a word: end its
                # stream instead (it relays what it holds, then reconnects and reloads).
                self._streams.pop(sender, None)
                sender.close()
            except anyio.BrokenResourceError:
                pass

    def close(self) -> None:
        """End every stream, now and later (streams opened after this end at once).

        Bursts still queued are dropped: a page told the server is going reconnects and
        reloads anyway.
        """
        self.closed = True
        streams, self._streams = self._streams, {}
        for sender, bursts in streams.items():
            while bursts.statistics().current_buffer_used:
                bursts.receive_nowait()
            sender.close()

    def reopen(self) -> None:
        """Accept streams again (a server that starts its lifespan anew in one process)."""
        self.closed = False


async def wait_for_disconnect(receive: Receive) -> None:
    """Return when the client has gone (request body messages are read and dropped)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _cancel_when_gone(receive: Receive, scope: anyio.CancelScope) -> None:
    await wait_for_disconnect(receive)
    scope.cancel()


async def _relay(bursts: Bursts, send: Send, heartbeat: float) -> None:
    """Send each burst as an event, and a comment after ``heartbeat`` idle seconds."""
    while True:
        event: bytes | None = None
        with anyio.move_on_after(heartbeat):
            try:
                event = await bursts.receive()
            except anyio.EndOfStream:  # the server is stopping
                break
        body = PING if event is None else event
        await send({"type": "http.response.body", "body": body, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def stream_events(
    receive: Receive,
    send: Send,
    broadcaster: Broadcaster,
    *,
    head: bool = False,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> None:
    """Answer ``GET __devstatic__/events`` until the client leaves or the server stops.

    Two tasks of one task group: one relays bursts, the other waits for
    ``http.disconnect`` and cancels both, so a closed tab is dropped at once.
    """
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    with broadcaster.subscribe() as bursts:
        # A first line lets the browser fire ``open`` at once, whatever the server buffers.
        await send({"type": "http.response.body", "body": b": devstatic\n\n", "more_body": True})
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_cancel_when_gone, receive, tasks.cancel_scope)
            # ASGI servers raise OSError on a send to a client that has gone: done.
            with contextlib.suppress(OSError):
                await _relay(bursts, send, heartbeat)
            tasks.cancel_scope.cancel()
