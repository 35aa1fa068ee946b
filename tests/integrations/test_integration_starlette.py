"""Starlette: `add_middleware` and plain wrapping; routes, websockets, lifespan pass through."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from integration_helpers import (
    check_http,
    check_live_server,
    client,
    run_lifespan,
    sent_texts,
    uvicorn_app,
    websocket_echo,
    write_module,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from devstatic import ImproperlyConfigured, StaticFilesMiddleware
from devstatic.config.debug_guard import REFUSAL


def make_app(*, debug: bool, events: list[str]) -> Starlette:
    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("home")

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("echo: " + await websocket.receive_text())
        await websocket.close()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    return Starlette(
        debug=debug,
        routes=[Route("/", home), WebSocketRoute("/ws", echo)],
        lifespan=lifespan,
    )


async def test_add_middleware_serves_static_and_passes_routes_websockets_lifespan(
    static_dir: Path,
) -> None:
    events: list[str] = []
    app = make_app(debug=True, events=events)
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    assert await run_lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["startup", "shutdown"]
    await check_http(app)
    assert sent_texts(await websocket_echo(app)) == ["echo: hello"]


async def test_wrapping_the_app_serves_static_and_passes_routes_websockets_lifespan(
    static_dir: Path,
) -> None:
    events: list[str] = []
    app = StaticFilesMiddleware(make_app(debug=True, events=events), dirs=[static_dir])
    assert await run_lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["startup", "shutdown"]
    await check_http(app)
    assert sent_texts(await websocket_echo(app)) == ["echo: hello"]


def test_wrapping_takes_starlettes_debug_false_and_refuses(static_dir: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        StaticFilesMiddleware(make_app(debug=False, events=[]), dirs=[static_dir])


async def test_add_middleware_with_debug_off_refuses_at_lifespan_startup(static_dir: Path) -> None:
    app = make_app(debug=False, events=[])
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        await run_lifespan(app)


async def test_add_middleware_with_debug_off_answers_503_with_the_refusal_without_lifespan(
    static_dir: Path,
) -> None:
    app = make_app(debug=False, events=[])
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    async with client(app) as http:
        response = await http.get("/")
        assert response.status_code == 503
        assert response.text == REFUSAL + "\n"


def test_starlette_under_uvicorn_serves_static_routes_websockets_lifespan(
    tmp_path: Path, static_dir: Path
) -> None:
    write_module(
        tmp_path,
        "starlette_site",
        """
        import contextlib
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route, WebSocketRoute
        from devstatic import StaticFilesMiddleware

        started = []

        @contextlib.asynccontextmanager
        async def lifespan(app):
            started.append(True)
            yield

        async def home(request):
            return PlainTextResponse("home")

        async def was_started(request):
            return PlainTextResponse("yes" if started else "no")

        async def echo(websocket):
            await websocket.accept()
            await websocket.send_text("echo: " + await websocket.receive_text())
            await websocket.close()

        app = Starlette(
            debug=True,
            routes=[Route("/", home), Route("/started", was_started), WebSocketRoute("/ws", echo)],
            lifespan=lifespan,
        )
        app.add_middleware(StaticFilesMiddleware, dirs=["static"])
        """,
    )
    with uvicorn_app(tmp_path, "starlette_site:app") as base:
        check_live_server(base)
