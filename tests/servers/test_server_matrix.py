"""The demo end to end under every ASGI server we support, as a user runs each.

One start per server (uvicorn, hypercorn on asyncio and on trio, granian, daphne), then
in order: the page, a stylesheet's 200/304/206, a multi-megabyte file, whether
``http.response.pathsend`` was used, a live reload event after an edit, and Ctrl+C
(SIGINT to the server's process group) with an event stream open, last.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from matrix_support import KINDS, Kind, Running, demo_site

SAFETY = 10.0  # seconds: a bound on a hung server, never a speed assertion
#: Bigger than any chunk, any in-memory file and any socket buffer.
BIG = bytes(range(256)) * (5 * 1024 * 1024 // 256)
STYLESHEET = "demo/static/css/global.css"
EVENTS = "/static/__devstatic__/events"


@pytest.fixture(scope="module", params=KINDS, ids=lambda kind: kind.name)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    kind = request.param
    running = Running(kind, demo_site(tmp_path_factory.mktemp(kind.name), BIG))
    try:
        yield running
    finally:
        running.kill()


def get(server: Running, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    response = httpx.get(server.url + path, headers=headers, timeout=SAFETY)
    assert response.status_code < 500, server.output()
    return response


def test_the_page_links_its_stylesheet_and_the_reload_script(server: Running) -> None:
    page = get(server, "/")
    script = get(server, "/static/__devstatic__/reload.js")

    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/global.css">' in page.text
    assert '<script src="/static/__devstatic__/reload.js"></script>' in page.text
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"new EventSource(" in script.content


def test_a_stylesheet_answers_200_then_304_then_206(server: Running) -> None:
    source = (server.cwd / STYLESHEET).read_bytes()
    full = get(server, "/static/css/global.css")
    again = get(server, "/static/css/global.css", {"if-none-match": full.headers["etag"]})
    part = get(server, "/static/css/global.css", {"range": "bytes=3-12"})

    assert (full.status_code, full.content) == (200, source)
    assert full.headers["content-type"] == "text/css; charset=utf-8"
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == full.headers["etag"]
    assert (part.status_code, part.content) == (206, source[3:13])
    assert part.headers["content-range"] == f"bytes 3-12/{len(source)}"


def test_a_multi_megabyte_file_arrives_whole(server: Running) -> None:
    response = get(server, "/static/big.bin")

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(BIG))
    assert response.content == BIG


def test_pathsend_is_used_where_the_server_offers_it(server: Running) -> None:
    get(server, "/static/big.bin")
    record = get(server, "/__matrix__/sent").json()["/static/big.bin"]

    if server.kind.pathsend:
        assert "http.response.pathsend" in record["offered"]
        assert record["sent"] == ["http.response.start", "http.response.pathsend"]
    else:
        assert "http.response.pathsend" not in record["offered"]
        assert record["sent"][0] == "http.response.start"
        assert set(record["sent"][1:]) == {"http.response.body"}
        assert len(record["sent"]) > 2  # bounded chunks, not the whole file at once


async def first_line(lines: AsyncIterator[str]) -> str:
    return await asyncio.wait_for(anext(lines), SAFETY)


async def next_event(lines: AsyncIterator[str]) -> dict[str, list[str]]:
    async for line in lines:
        if line.startswith("data: "):
            event: dict[str, list[str]] = json.loads(line[len("data: ") :])
            return event
    raise AssertionError("the stream ended without an event")


async def test_an_edit_sends_a_live_reload_event(server: Running) -> None:
    stylesheet = server.cwd / STYLESHEET
    source = stylesheet.read_text()
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", server.url + EVENTS) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        lines = response.aiter_lines()
        assert await first_line(lines) == ": devstatic"
        waiting = asyncio.ensure_future(next_event(lines))
        # Without lifespan (daphne) the watcher starts with the first stream and may
        # miss an edit made while it starts: edit again until the event comes.
        for attempt in range(int(SAFETY / 0.5)):
            stylesheet.write_text(f"{source}\n/* edit {attempt} */\n")
            done, _ = await asyncio.wait({waiting}, timeout=0.5)
            if done:
                break
        else:
            waiting.cancel()
            raise AssertionError(f"no event after edits:\n{server.output()}")
    assert waiting.result() == {"paths": ["css/global.css"]}


async def test_ctrl_c_with_an_open_event_stream_ends_the_server(server: Running) -> None:
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", server.url + EVENTS) as response,
    ):
        lines = response.aiter_lines()
        assert await first_line(lines) == ": devstatic"
        os.killpg(server.proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal sends

        async def drain() -> None:
            async for _ in lines:
                pass

        if server.kind.hears_sigint:
            # The app hears the signal and ends its streams cleanly (the last chunk).
            await asyncio.wait_for(drain(), SAFETY)
        else:
            # The server cancels open responses after its graceful timeout.
            with pytest.raises(httpx.TransportError):
                await asyncio.wait_for(drain(), SAFETY)
    status = await asyncio.to_thread(server.proc.wait, SAFETY)
    assert status in (0, -signal.SIGINT, 128 + signal.SIGINT), server.output()
    # No traceback from devstatic (hypercorn logs its own cancelled read at its timeout).
    assert f"{os.sep}devstatic{os.sep}" not in server.output(), server.output()


@pytest.mark.parametrize(
    "kind", [kind for kind in KINDS if not kind.hears_sigint], ids=lambda kind: kind.name
)
async def test_hypercorn_cuts_even_a_bare_apps_open_response_at_ctrl_c(
    kind: Kind, tmp_path: Path
) -> None:
    """Why hypercorn's Ctrl+C cuts event streams: its worker never tells the app."""
    server = Running(kind, demo_site(tmp_path, b""), app="bare_app:app")
    try:
        async with (
            httpx.AsyncClient(timeout=SAFETY) as http,
            http.stream("GET", server.url + "/") as response,
        ):
            lines = response.aiter_lines()
            assert await first_line(lines) == "open"
            os.killpg(server.proc.pid, signal.SIGINT)
            with pytest.raises(httpx.TransportError):
                await asyncio.wait_for(anext(lines), SAFETY)
        assert await asyncio.to_thread(server.proc.wait, SAFETY) == 0
        assert "bare app told the client left" not in server.output()
        assert "bare app cancelled by the server" in server.output()
    finally:
        server.kill()
