"""Live reload on asyncio and on trio: the stream, its heartbeat, disconnects, shutdown.

Each test runs once per event loop through ``anyio.run``, driving the ASGI app with
plain ``receive``/``send`` callables (an in-process client would buffer the endless
event stream). The servers themselves are in tests/servers/test_server_matrix.py.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.streams.memory import MemoryObjectReceiveStream
from starlette.applications import Starlette

from devstatic import Settings, StaticFilesMiddleware
from devstatic.livereload.events import Broadcaster, format_event, stream_events
from devstatic.livereload.loops import soon_on_this_loop

SAFETY = 10.0  # seconds: a bound on a hung test, never a speed assertion
LOOPS = ["asyncio", "trio"]

Message = MutableMapping[str, Any]


@pytest.fixture(params=LOOPS)
def loop(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def run(loop: str, scenario: Callable[..., Awaitable[None]], *args: Any) -> None:
    async def bounded() -> None:
        with anyio.fail_after(SAFETY):
            await scenario(*args)

    anyio.run(bounded, backend=loop)


def messages() -> tuple[Callable[[Message], Awaitable[None]], MemoryObjectReceiveStream[Message]]:
    """A ``send`` for the app and the stream of what it sent."""
    sender, received = anyio.create_memory_object_stream[Message](100)

    async def send(message: Message) -> None:
        await sender.send(dict(message))

    return send, received


async def body_of(received: MemoryObjectReceiveStream[Message]) -> tuple[bytes, bool]:
    """The next body chunk and whether more follow (skips the response start)."""
    message = await received.receive()
    while message["type"] != "http.response.body":
        message = await received.receive()
    return message.get("body", b""), bool(message.get("more_body", False))


async def never_leaves() -> Message:
    await anyio.sleep_forever()
    raise AssertionError


# -- the stream alone ------------------------------------------------------------------


async def client_goes_away() -> None:
    broadcaster = Broadcaster()
    gone = anyio.Event()
    send, received = messages()

    async def receive() -> Message:
        await gone.wait()
        return {"type": "http.disconnect"}

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(stream_events, receive, send, broadcaster)
        assert await body_of(received) == (b": devstatic\n\n", True)
        broadcaster.publish(["a.css"])
        assert await body_of(received) == (format_event(["a.css"]), True)
        assert format_event(["a.css"]) == b'data: {"paths": ["a.css"]}\n\n'
        gone.set()
    assert broadcaster.subscribers == 0


def test_a_client_that_goes_away_is_dropped(loop: str) -> None:
    run(loop, client_goes_away)


async def send_fails() -> None:
    broadcaster = Broadcaster()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        if len(sent) > 2:  # the client went away between two events
            raise OSError("connection closed")

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(stream_events, never_leaves, send, broadcaster)
        while broadcaster.subscribers == 0:
            await anyio.sleep(0.01)
        broadcaster.publish(["a.css"])
    assert broadcaster.subscribers == 0
    assert sent[-1]["body"] == format_event(["a.css"])


def test_a_send_to_a_client_that_has_gone_ends_the_stream_quietly(loop: str) -> None:
    run(loop, send_fails)


async def heartbeat() -> None:
    broadcaster = Broadcaster()
    send, received = messages()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(partial(stream_events, heartbeat=0.01), never_leaves, send, broadcaster)
        assert await body_of(received) == (b": devstatic\n\n", True)
        assert await body_of(received) == (b": ping\n\n", True)
        broadcaster.publish(["a.css"])
        while (chunk := await body_of(received)) == (b": ping\n\n", True):
            pass
        assert chunk == (format_event(["a.css"]), True)
        broadcaster.close()


def test_heartbeat_comment_is_sent_while_idle_and_events_still_arrive(loop: str) -> None:
    run(loop, heartbeat)


async def close_ends_streams() -> None:
    broadcaster = Broadcaster()
    send, received = messages()
    async with anyio.create_task_group() as tasks:
        for _ in range(3):
            tasks.start_soon(stream_events, never_leaves, send, broadcaster)
        for _ in range(3):
            assert await body_of(received) == (b": devstatic\n\n", True)
        broadcaster.close()
    assert [await body_of(received) for _ in range(3)] == [(b"", False)] * 3
    assert broadcaster.subscribers == 0
    # A stream opened after the close ends at once.
    await stream_events(never_leaves, send, broadcaster)
    assert await body_of(received) == (b": devstatic\n\n", True)
    assert await body_of(received) == (b"", False)


def test_closing_the_broadcaster_ends_open_streams_and_later_ones(loop: str) -> None:
    run(loop, close_ends_streams)


# -- the middleware's service -----------------------------------------------------------


def middleware(folder: Path) -> StaticFilesMiddleware:
    settings = Settings(dirs=[folder], debug=True)
    return StaticFilesMiddleware(Starlette(debug=True), settings=settings)


def http_scope(path: str) -> Message:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def next_event(received: MemoryObjectReceiveStream[Message], folder: Path) -> bytes:
    """Edit ``folder/site.css`` until an event arrives (the watcher may still be starting)."""
    for attempt in range(100):
        (folder / "site.css").write_text(f"body {{ order: {attempt} }}")
        with anyio.move_on_after(0.5):
            chunk, more = await body_of(received)
            assert more
            return chunk
    raise AssertionError("no event")


async def lifespan_cycle(folder: Path) -> None:
    app = middleware(folder)
    assert app.live is not None
    to_app, lifespan_inbox = anyio.create_memory_object_stream[Message](10)
    lifespan_send, lifespan_answers = messages()
    stream_send, stream = messages()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(app, {"type": "lifespan", "asgi": {"version": "3.0"}},
                         lifespan_inbox.receive, lifespan_send)  # fmt: skip
        await to_app.send({"type": "lifespan.startup"})
        assert (await lifespan_answers.receive())["type"] == "lifespan.startup.complete"
        assert app.live.watcher.running

        tasks.start_soon(app, http_scope("/static/__devstatic__/events"), never_leaves, stream_send)
        assert (await stream.receive())["status"] == 200
        assert await body_of(stream) == (b": devstatic\n\n", True)
        assert await next_event(stream, folder) == format_event(["site.css"])

        await to_app.send({"type": "lifespan.shutdown"})
        assert (await lifespan_answers.receive())["type"] == "lifespan.shutdown.complete"
        while (chunk := await body_of(stream)) != (b"", False):
            assert chunk[1], chunk  # more events, then the end of the stream
    assert not app.live.watcher.running
    assert app.live.broadcaster.closed


def test_lifespan_starts_the_watcher_and_shutdown_ends_open_streams(
    loop: str, tmp_path: Path
) -> None:
    run(loop, lifespan_cycle, tmp_path)


async def no_lifespan(folder: Path) -> None:
    app = middleware(folder)
    assert app.live is not None
    send, received = messages()
    await app(http_scope("/static/__devstatic__/reload.js"), never_leaves, send)
    start = await received.receive()
    assert start["status"] == 200
    assert app.live.watcher.running
    await app.live.stop()
    assert not app.live.watcher.running


def test_without_lifespan_the_script_request_starts_the_watcher_and_stop_ends_it(
    loop: str, tmp_path: Path
) -> None:
    run(loop, no_lifespan, tmp_path)


# -- what anyio does not offer: loops.py ------------------------------------------------


async def callback_from_a_signal_handler() -> None:
    on_loop = threading.get_ident()
    ran = anyio.Event()
    seen: list[int] = []
    soon = soon_on_this_loop()

    def callback() -> None:
        seen.append(threading.get_ident())
        ran.set()

    previous = signal.signal(signal.SIGUSR1, lambda _signum, _frame: soon(callback))
    try:
        signal.raise_signal(signal.SIGUSR1)
        await ran.wait()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    thread = threading.Thread(target=soon, args=(callback,))
    ran = anyio.Event()
    thread.start()
    await ran.wait()
    thread.join()
    assert seen == [on_loop, on_loop]


def test_a_signal_handler_or_thread_hands_its_callback_to_the_loop(loop: str) -> None:
    run(loop, callback_from_a_signal_handler)


def test_a_callback_handed_over_after_the_loop_ended_is_dropped(loop: str) -> None:
    async def capture() -> Callable[[Callable[[], None]], None]:
        return soon_on_this_loop()

    soon = anyio.run(capture, backend=loop)
    soon(lambda: None)  # no error: there is nothing left to tell
