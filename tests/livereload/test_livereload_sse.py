"""The event stream and the client script over real uvicorn, and the service's lifecycle."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from livereload_support import Server
from starlette.applications import Starlette

from devstatic import Settings, StaticFilesMiddleware
from devstatic.livereload.events import Broadcaster, format_event, stream_events

SAFETY = 10.0  # seconds: a bound on a hung test, never a speed assertion
RELOAD_SAFETY = 30.0  # seconds: the same for a whole uvicorn --reload cycle

APP = """\
from starlette.applications import Starlette
from devstatic import Settings, StaticFilesMiddleware

app = StaticFilesMiddleware(
    Starlette(debug=True),
    settings=Settings(dirs=[{dirs}], debug=True),
)
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "dist").mkdir()
    (tmp_path / "assets" / "site.css").write_text("body {}")
    dirs = f"{str(tmp_path / 'assets')!r}, ('vendor', {str(tmp_path / 'dist')!r})"
    (tmp_path / "lr_sse_app.py").write_text(APP.format(dirs=dirs))
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    running = Server(site, app="lr_sse_app:app")
    running.start()
    try:
        yield running
    finally:
        running.stop()


async def read_event(lines: AsyncIterator[str]) -> dict[str, Any]:
    async for line in lines:
        if line.startswith("data: "):
            parsed: dict[str, Any] = json.loads(line[len("data: ") :])
            return parsed
    raise AssertionError("the stream ended without an event")


async def test_writing_a_file_sends_one_event_with_its_served_path(
    server: Server, site: Path
) -> None:
    url = server.url + "/static/__devstatic__/events"
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", url) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        assert response.headers["cache-control"] == "no-cache"
        lines = response.aiter_lines()
        assert await asyncio.wait_for(anext(lines), SAFETY) == ": devstatic"

        (site / "dist" / "lib").mkdir()
        (site / "dist" / "lib" / "app.js").write_text("console.log(1)")
        event = await asyncio.wait_for(read_event(lines), SAFETY)

    assert event == {"paths": ["vendor/lib/app.js"]}


async def test_server_shutdown_ends_every_open_stream(server: Server) -> None:
    url = server.url + "/static/__devstatic__/events"
    async with httpx.AsyncClient(timeout=SAFETY) as http:
        streams = [await http.send(http.build_request("GET", url), stream=True) for _ in range(3)]
        assert server.proc is not None
        server.proc.send_signal(signal.SIGINT)

        async def drain(response: httpx.Response) -> None:
            async for _ in response.aiter_bytes():
                pass

        await asyncio.wait_for(asyncio.gather(*(drain(r) for r in streams)), SAFETY)
        for response in streams:
            await response.aclose()
    started = time.monotonic()
    status = server.proc.wait(SAFETY)
    # SIGINT is re-raised by uvicorn once it has shut down cleanly (no SIGKILL needed).
    assert status in (0, -signal.SIGINT), time.monotonic() - started


async def test_reload_js_is_served_as_javascript(server: Server) -> None:
    async with httpx.AsyncClient(timeout=SAFETY) as http:
        response = await http.get(server.url + "/static/__devstatic__/reload.js")
        again = await http.get(
            server.url + "/static/__devstatic__/reload.js",
            headers={"if-none-match": response.headers["etag"]},
        )
        weak = await http.get(
            server.url + "/static/__devstatic__/reload.js",
            headers={"if-none-match": f'"other", W/{response.headers["etag"]}'},
        )
        star = await http.get(
            server.url + "/static/__devstatic__/reload.js", headers={"if-none-match": "*"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"new EventSource(" in response.content
    assert again.status_code == 304
    # RFC 9110 13.1.2: weak comparison, lists and "*" (the same rules as every file).
    assert weak.status_code == 304
    assert star.status_code == 304


# -- in-process: the service's lifecycle and live_reload = false -------------------------


def middleware(folder: Path, **overrides: Any) -> StaticFilesMiddleware:
    settings = Settings(dirs=[folder], debug=True, **overrides)
    return StaticFilesMiddleware(Starlette(debug=True), settings=settings)


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def run_lifespan(app: Any, *messages: str) -> list[str]:
    """Send lifespan ``messages`` to ``app`` and return what it answered."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for message in messages:
        inbox.put_nowait({"type": message})
    answers: list[str] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        answers.append(message["type"])

    await asyncio.wait_for(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send), SAFETY
    )
    return answers


async def test_lifespan_startup_starts_the_watcher_and_shutdown_stops_it(tmp_path: Path) -> None:
    app = middleware(tmp_path)
    assert app.live is not None
    ended: list[bool] = []

    async def receive() -> dict[str, Any]:
        if not app.live.watcher.running:  # type: ignore[union-attr]
            return {"type": "lifespan.startup"}
        ended.append(app.live.broadcaster.closed)  # type: ignore[union-attr]
        return {"type": "lifespan.shutdown"}

    sent: list[str] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message["type"])

    await asyncio.wait_for(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send), SAFETY
    )
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert ended == [False]
    assert not app.live.watcher.running
    assert app.live.broadcaster.closed


async def test_without_lifespan_the_first_script_request_starts_the_watcher(tmp_path: Path) -> None:
    app = middleware(tmp_path)
    assert app.live is not None and not app.live.watcher.running
    async with client(app) as http:
        await http.get("/")
        # An app request alone (an API call, a test client) starts no watcher ...
        assert not app.live.watcher.running
        # ... the first page that loads the reload script does.
        await http.get("/static/__devstatic__/reload.js")
    assert app.live.watcher.running
    await app.live.stop()


async def test_a_client_that_goes_away_is_dropped() -> None:
    broadcaster = Broadcaster()
    gone = asyncio.Event()
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    stream = asyncio.ensure_future(stream_events(receive, send, broadcaster))
    while broadcaster.subscribers == 0:
        await asyncio.sleep(0.01)
    broadcaster.publish(["a.css"])
    while len(sent) < 3:
        await asyncio.sleep(0.01)
    gone.set()
    await asyncio.wait_for(stream, SAFETY)

    assert broadcaster.subscribers == 0
    assert sent[2]["body"] == format_event(["a.css"]) == b'data: {"paths": ["a.css"]}\n\n'


async def test_closing_the_broadcaster_ends_streams_and_later_ones() -> None:
    broadcaster = Broadcaster()

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # the client never leaves
        raise AssertionError

    async def send(message: MutableMapping[str, Any]) -> None:
        pass

    stream = asyncio.ensure_future(stream_events(receive, send, broadcaster))
    while broadcaster.subscribers == 0:
        await asyncio.sleep(0.01)
    broadcaster.close()
    await asyncio.wait_for(stream, SAFETY)
    await asyncio.wait_for(stream_events(receive, send, broadcaster), SAFETY)


async def test_heartbeat_comment_is_sent_while_idle() -> None:
    broadcaster = Broadcaster()
    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message.get("body", b""))
        if b": ping\n\n" in sent:
            broadcaster.close()

    await asyncio.wait_for(stream_events(receive, send, broadcaster, heartbeat=0.01), SAFETY)
    assert b": ping\n\n" in sent


async def test_live_reload_false_has_no_watcher_and_no_endpoints(tmp_path: Path) -> None:
    app = middleware(tmp_path, live_reload=False)
    assert app.live is None
    async with client(app) as http:
        events = await http.get("/static/__devstatic__/events")
        script = await http.get("/static/__devstatic__/reload.js")
    assert events.status_code == 404
    assert script.status_code == 404


async def test_insecure_serving_without_debug_has_no_live_reload(tmp_path: Path) -> None:
    settings = Settings(dirs=[tmp_path], debug=False, insecure=True)
    app = StaticFilesMiddleware(Starlette(), settings=settings)
    assert app.live is None
    forced = StaticFilesMiddleware(Starlette(), settings=settings.replace(live_reload=True))
    assert forced.live is not None


async def test_other_internal_paths_are_not_found(tmp_path: Path) -> None:
    app = middleware(tmp_path)
    async with client(app) as http:
        response = await http.get("/static/__devstatic__/other")
    assert response.status_code == 404
    assert app.live is not None
    await app.live.stop()


async def test_non_get_methods_on_the_event_stream_get_405(tmp_path: Path) -> None:
    app = middleware(tmp_path)
    async with client(app) as http:
        response = await http.post("/static/__devstatic__/events")
    assert response.status_code == 405


async def test_uvicorn_reload_ends_open_streams_and_comes_back(site: Path) -> None:
    running = Server(site, app="lr_sse_app:app")
    running.args = ["--reload", "--reload-dir", str(site)]
    running.start()
    url = running.url + "/static/__devstatic__/events"
    try:
        async with httpx.AsyncClient(timeout=SAFETY) as http:
            async with http.stream("GET", url) as response:
                lines = response.aiter_lines()
                assert await asyncio.wait_for(anext(lines), SAFETY) == ": devstatic"
                app_module = site / "lr_sse_app.py"
                source = app_module.read_text()

                async def drain() -> None:
                    async for _ in lines:
                        pass

                ended = asyncio.ensure_future(drain())
                # Edit the module until the stream ends: an edit the reloader's watcher
                # missed (it starts watching while the worker comes up) must not hang here.
                for edit in range(int(RELOAD_SAFETY)):
                    app_module.write_text(f"{source}\n# changed {edit}\n")
                    done, _ = await asyncio.wait({ended}, timeout=1.0)
                    if done:
                        break
                else:
                    ended.cancel()
                    raise AssertionError(f"the stream never ended:\n{running.output()}")
                ended.result()
            for _ in range(200):  # the new worker answers again
                try:
                    script = await http.get(
                        running.url + "/static/__devstatic__/reload.js", timeout=RELOAD_SAFETY
                    )
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert script.status_code == 200
    finally:
        running.stop()
