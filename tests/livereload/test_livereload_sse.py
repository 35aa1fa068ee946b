"""The event stream and the client script over real uvicorn; live_reload = false."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from livereload_support import Server
from starlette.applications import Starlette

from devstatic import Settings, StaticFilesMiddleware
from devstatic.livereload.events import QUEUE_SIZE, Broadcaster, format_event

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


# -- in-process: live_reload = false and the endpoints ---------------------------------
# (The stream, heartbeat, disconnects and the service's lifecycle on asyncio and trio:
# test_livereload_loops.py.)


def middleware(folder: Path, **overrides: Any) -> StaticFilesMiddleware:
    settings = Settings(dirs=[folder], debug=True, **overrides)
    return StaticFilesMiddleware(Starlette(debug=True), settings=settings)


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")


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


async def test_a_page_too_slow_for_its_queue_has_its_stream_ended_not_an_event_dropped() -> None:
    """A page that missed a change must not stay stale: its stream ends (after what it
    holds), so reload.js reconnects and reloads; other pages keep theirs."""
    broadcaster = Broadcaster()
    with broadcaster.subscribe() as slow, broadcaster.subscribe() as fast:
        for i in range(QUEUE_SIZE):
            broadcaster.publish([f"{i}.css"])
            assert await fast.receive() == format_event([f"{i}.css"])
        broadcaster.publish(["one-too-many.css"])
        assert await fast.receive() == format_event(["one-too-many.css"])
        held = [await slow.receive() for _ in range(QUEUE_SIZE)]
        assert held == [format_event([f"{i}.css"]) for i in range(QUEUE_SIZE)]
        with pytest.raises(anyio.EndOfStream):
            slow.receive_nowait()  # ended, not merely empty (that is WouldBlock)
        assert broadcaster.subscribers == 1
