"""FastAPI: ``app.add_middleware(StaticFilesMiddleware, ...)`` with FastAPI's own ``debug`` flag."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI, WebSocket
from fastapi.responses import PlainTextResponse
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

from devstatic import ImproperlyConfigured, StaticFilesMiddleware
from devstatic.config.debug_guard import REFUSAL


def make_app(*, debug: bool, events: list[str]) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    app = FastAPI(debug=debug, lifespan=lifespan)

    @app.get("/", response_class=PlainTextResponse)
    async def home() -> str:
        return "home"

    @app.websocket("/ws")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("echo: " + await websocket.receive_text())
        await websocket.close()

    return app


async def test_fastapi_debug_true_serves_static_and_passes_routes_websockets_lifespan(
    static_dir: Path,
) -> None:
    events: list[str] = []
    app = make_app(debug=True, events=events)
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    assert await run_lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["startup", "shutdown"]
    await check_http(app)
    assert sent_texts(await websocket_echo(app)) == ["echo: hello"]


async def test_fastapi_default_debug_off_refuses_at_lifespan_startup(static_dir: Path) -> None:
    events: list[str] = []
    app = make_app(debug=False, events=events)
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    # Starlette builds its middleware stack lazily, on the first ASGI call: lifespan startup.
    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        await run_lifespan(app)
    assert events == []


async def test_fastapi_debug_off_answers_503_with_the_refusal_when_no_lifespan_ran(
    static_dir: Path,
) -> None:
    app = make_app(debug=False, events=[])
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    async with client(app) as http:
        for path in ("/static/css/global.css", "/"):
            response = await http.get(path)
            assert response.status_code == 503
            assert response.text == REFUSAL + "\n"


async def test_explicit_debug_argument_wins_over_fastapis_flag(static_dir: Path) -> None:
    app = make_app(debug=False, events=[])
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir], debug=True)
    await check_http(app)


async def test_devstatic_debug_env_wins_over_fastapis_flag(
    static_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "1")
    app = make_app(debug=False, events=[])
    app.add_middleware(StaticFilesMiddleware, dirs=[static_dir])
    await check_http(app)


SITE = """
import contextlib
from fastapi import FastAPI, WebSocket
from fastapi.responses import PlainTextResponse
from devstatic import StaticFilesMiddleware

started = []

@contextlib.asynccontextmanager
async def lifespan(app):
    started.append(True)
    yield

app = FastAPI(debug=DEBUG, lifespan=lifespan)

@app.get("/", response_class=PlainTextResponse)
async def home():
    return "home"

@app.get("/started", response_class=PlainTextResponse)
async def was_started():
    return "yes" if started else "no"

@app.websocket("/ws")
async def echo(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("echo: " + await websocket.receive_text())
    await websocket.close()

app.add_middleware(StaticFilesMiddleware, dirs=["static"])
"""


def test_fastapi_under_uvicorn_serves_static_routes_websockets_lifespan(
    tmp_path: Path, static_dir: Path
) -> None:
    write_module(tmp_path, "fastapi_site", SITE.replace("DEBUG", "True"))
    with uvicorn_app(tmp_path, "fastapi_site:app") as base:
        check_live_server(base)


def test_fastapi_debug_off_under_uvicorn_fails_startup_with_the_refusal(
    tmp_path: Path, static_dir: Path
) -> None:
    write_module(tmp_path, "fastapi_prod", SITE.replace("DEBUG", "False"))
    with pytest.raises(RuntimeError) as failure, uvicorn_app(tmp_path, "fastapi_prod:app"):
        pass
    assert f"ERROR:    {REFUSAL}" in str(failure.value)
    assert "Application startup failed. Exiting." in str(failure.value)
