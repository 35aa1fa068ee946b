"""Litestar: its ASGI app wrapped with the middleware, its ``debug`` flag honoured."""

from __future__ import annotations

from pathlib import Path

import pytest
from integration_helpers import (
    check_http,
    check_live_server,
    run_lifespan,
    sent_texts,
    uvicorn_app,
    websocket_echo,
    write_module,
)
from litestar import Litestar, WebSocket, get, websocket

from devstatic import ImproperlyConfigured, StaticFilesMiddleware


def make_app(*, debug: bool, events: list[str]) -> Litestar:
    @get("/", media_type="text/plain")
    async def home() -> str:
        return "home"

    @websocket("/ws")
    async def echo(socket: WebSocket[object, object, object]) -> None:
        await socket.accept()
        await socket.send_text("echo: " + await socket.receive_text())
        await socket.close()

    return Litestar(
        route_handlers=[home, echo],
        debug=debug,
        on_startup=[lambda: events.append("startup")],
        on_shutdown=[lambda: events.append("shutdown")],
    )


async def test_litestar_debug_true_serves_static_and_passes_routes_websockets_lifespan(
    static_dir: Path,
) -> None:
    events: list[str] = []
    app = StaticFilesMiddleware(make_app(debug=True, events=events), dirs=[static_dir])
    assert await run_lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["startup", "shutdown"]
    await check_http(app)
    assert sent_texts(await websocket_echo(app)) == ["echo: hello"]


def test_litestar_debug_false_is_refused(static_dir: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        StaticFilesMiddleware(make_app(debug=False, events=[]), dirs=[static_dir])


def test_litestar_under_uvicorn_serves_static_routes_websockets_lifespan(
    tmp_path: Path, static_dir: Path
) -> None:
    write_module(
        tmp_path,
        "litestar_site",
        """
        from litestar import Litestar, WebSocket, get, websocket
        from devstatic import StaticFilesMiddleware

        started = []

        @get("/", media_type="text/plain")
        async def home() -> str:
            return "home"

        @get("/started", media_type="text/plain")
        async def was_started() -> str:
            return "yes" if started else "no"

        @websocket("/ws")
        async def echo(socket: WebSocket) -> None:
            await socket.accept()
            await socket.send_text("echo: " + await socket.receive_text())
            await socket.close()

        site = Litestar(
            route_handlers=[home, was_started, echo],
            debug=True,
            on_startup=[lambda: started.append(True)],
        )
        app = StaticFilesMiddleware(site, dirs=["static"])
        """,
    )
    with uvicorn_app(tmp_path, "litestar_site:app") as base:
        check_live_server(base)
