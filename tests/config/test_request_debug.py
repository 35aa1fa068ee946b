"""The debug value reaches ``static()`` and the template tags per request, never through
process state: inside a request a middleware passes to its app, that middleware's debug
value; outside any request, the settings and ``DEVSTATIC_DEBUG`` alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx
import jinja2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, Router

from devstatic import Settings, StaticFilesMiddleware, static
from devstatic.exceptions import StorageError
from devstatic.jinja import StaticExtension
from devstatic.manifest import file_hash
from devstatic.manifest.integrity import integrity_value

CSS = b"body { color: red }\n"
PLAIN = "/static/css/site.css"
HASHED = f"/static/css/site.{file_hash(CSS)}.css"
TEMPLATE = "{{ static('css/site.css') }}|{% devstatic_reload %}"
#: ``integrity()`` in debug: computed from the source (in production: from static_root).
SRI = "{{ integrity('css/site.css') }}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Debug left unset, hashed names on: a debug ``static()`` gives the hashed name."""
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "site.css").write_bytes(CSS)
    return Settings(dirs=[tmp_path / "static"], hashed_urls=True, debug=None)


def routes(settings: Settings, ran: anyio.Event | None = None) -> list[Route]:
    """``/sync`` (run in a worker thread) and ``/async`` answer with ``static()``;
    ``/async`` first waits for ``ran`` (so another app's request runs in between);
    ``/page`` renders the Jinja tags."""
    env = jinja2.Environment(extensions=[StaticExtension], autoescape=True)
    env.devstatic_settings = settings  # type: ignore[attr-defined]

    def sync(request: Request) -> PlainTextResponse:
        return PlainTextResponse(static("css/site.css", settings))

    async def asynchronous(request: Request) -> PlainTextResponse:
        if ran is not None:
            await ran.wait()
        return PlainTextResponse(static("css/site.css", settings))

    def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse(env.from_string(TEMPLATE).render())

    def sri(request: Request) -> PlainTextResponse:
        return PlainTextResponse(env.from_string(SRI).render())

    return [
        Route("/sync", sync),
        Route("/async", asynchronous),
        Route("/page", page),
        Route("/sri", sri),
    ]


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")


async def test_each_request_sees_its_own_apps_debug_flag(settings: Settings) -> None:
    ran = anyio.Event()
    on = StaticFilesMiddleware(
        Starlette(debug=True, routes=routes(settings, ran)),
        settings=settings.replace(live_reload=False),
    )
    off = StaticFilesMiddleware(
        Starlette(debug=False, routes=routes(settings)),
        settings=settings.replace(live_reload=False, insecure=True),
    )
    seen: dict[str, str] = {}

    async def get(name: str, app: StaticFilesMiddleware, path: str) -> None:
        async with client(app) as http:
            seen[name] = (await http.get(path)).text
        if name == "off":
            ran.set()

    # The debug app's request is still running when the other app's request runs.
    async with anyio.create_task_group() as group:
        group.start_soon(get, "on", on, "/async")
        group.start_soon(get, "off", off, "/async")
    assert seen == {"on": HASHED, "off": PLAIN}
    async with client(on) as http:
        assert (await http.get("/sync")).text == HASHED
    async with client(off) as http:
        assert (await http.get("/sync")).text == PLAIN


async def test_the_jinja_tags_and_integrity_see_the_requests_debug_value(
    settings: Settings,
) -> None:
    on = StaticFilesMiddleware(
        Starlette(debug=True, routes=routes(settings)),
        settings=settings.replace(live_reload=False),
    )
    async with client(on) as http:
        page = (await http.get("/page")).text
        sri = (await http.get("/sri")).text
    tag = '<script src="/static/__devstatic__/reload.js"></script>'
    assert page == f"{HASHED}|{tag}"
    assert sri == integrity_value(CSS, "sha384")
    env = jinja2.Environment(extensions=[StaticExtension], autoescape=True)
    env.devstatic_settings = settings  # type: ignore[attr-defined]
    assert env.from_string(TEMPLATE).render() == f"{PLAIN}|"
    with pytest.raises(StorageError, match="static_root is not configured"):
        env.from_string(SRI).render()  # production: read from static_root


async def test_the_middlewares_resolved_debug_counts_not_only_the_apps_flag(
    settings: Settings,
) -> None:
    """``debug=True`` given to the middleware (the app has no flag) serves the sources, so
    templates must name what it serves."""
    bare = Router(routes=routes(settings))  # no debug flag of its own
    app = StaticFilesMiddleware(bare, settings=settings.replace(live_reload=False, debug=True))
    async with client(app) as http:
        assert (await http.get("/sync")).text == HASHED
    assert static("css/site.css", settings) == PLAIN


def test_static_outside_a_request_uses_settings_and_env_only(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    StaticFilesMiddleware(Starlette(debug=True), settings=settings.replace(live_reload=False))
    assert static("css/site.css", settings) == PLAIN
    assert static("css/site.css", settings.replace(debug=True)) == HASHED
    monkeypatch.setenv("DEVSTATIC_DEBUG", "1")
    assert static("css/site.css", settings) == HASHED
