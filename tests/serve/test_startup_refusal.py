"""A refusal under ``add_middleware`` fails the lifespan startup, never the app's routes.

Starlette and FastAPI build the middleware inside the server's first (lifespan) call;
the refusal must reach the server as ``lifespan.startup.failed`` with the message, and a
server that runs no lifespan gets a 503 with the message, not a 500 per request. The
real servers (uvicorn, hypercorn, granian) are in tests/integrations/test_refusal_servers.py.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from devstatic import ImproperlyConfigured, Settings, StaticFilesMiddleware
from devstatic.config.debug_guard import REFUSAL
from devstatic.serve.startup_refusal import StartupRefusal

#: Every field, in declaration order (others are added as devstatic grows).
KNOWN_KEYWORDS = ", ".join(f.name for f in dataclasses.fields(Settings))
TYPO = (
    "Unknown devstatic setting 'dirz' (keyword argument). Did you mean 'dirs'? "
    f"Known keys: {KNOWN_KEYWORDS}."
)


@pytest.fixture(autouse=True)
def _empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEVSTATIC_DEBUG", raising=False)


async def home(request: Any) -> PlainTextResponse:
    return PlainTextResponse("home")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


def starlette_app(**overrides: Any) -> Starlette:
    app = Starlette(routes=[Route("/", home), WebSocketRoute("/ws", echo)])
    app.add_middleware(StaticFilesMiddleware, **overrides)
    return app


async def lifespan_startup(app: Any) -> tuple[list[dict[str, Any]], BaseException | None]:
    """What ``app`` sends for ``lifespan.startup``, and what it raised after."""
    sent: list[dict[str, Any]] = []
    events = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, Any]:
        return next(events)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    try:
        await app(scope, receive, send)
    except ImproperlyConfigured as exc:
        return sent, exc
    return sent, None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: starlette_app(), REFUSAL),
        (lambda: starlette_app(dirz=["static"], debug=True), TYPO),
        (lambda: starlette_app(static_url="static", debug=True), None),
    ],
    ids=["debug-off", "typo", "static-url"],
)
async def test_a_refusal_under_add_middleware_fails_the_lifespan_startup_with_the_message(
    build: Any, message: str | None
) -> None:
    sent, raised = await lifespan_startup(build())
    expected = message or "static_url 'static' must start and end with '/': write '/static/'."
    assert sent == [{"type": "lifespan.startup.failed", "message": expected}]
    assert str(raised) == expected


async def test_the_error_raised_after_a_failed_startup_keeps_its_keys() -> None:
    _, raised = await lifespan_startup(starlette_app(static_url="static", packages="x", debug=True))
    assert isinstance(raised, ImproperlyConfigured)
    assert raised.key == "static_url"
    assert [key for key, _ in raised.problems] == ["static_url", "packages"]


async def test_the_middleware_list_of_the_constructor_fails_the_startup_too() -> None:
    app = Starlette(routes=[Route("/", home)], middleware=[Middleware(StaticFilesMiddleware)])
    sent, raised = await lifespan_startup(app)
    assert sent == [{"type": "lifespan.startup.failed", "message": REFUSAL}]
    assert str(raised) == REFUSAL


async def test_fastapi_without_debug_fails_the_lifespan_startup() -> None:
    app = FastAPI()
    app.add_middleware(StaticFilesMiddleware)
    sent, raised = await lifespan_startup(app)
    assert sent == [{"type": "lifespan.startup.failed", "message": REFUSAL}]
    assert isinstance(raised, ImproperlyConfigured)


async def test_without_lifespan_every_request_gets_503_with_the_message_and_no_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = starlette_app()
    transport = httpx.ASGITransport(app)
    with caplog.at_level(logging.ERROR, logger="devstatic"):
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            page = await client.get("/")
            static = await client.get("/static/a.css")
            head = await client.head("/")
    for response in (page, static):
        assert response.status_code == 503
        assert response.text == REFUSAL + "\n"
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert head.status_code == 503 and head.content == b""
    assert [r.getMessage() for r in caplog.records] == [REFUSAL]  # once, not per request


async def test_without_lifespan_a_websocket_is_closed_with_1011() -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/ws", "raw_path": b"/ws", "headers": []}
    await starlette_app()(scope, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1011, "reason": "devstatic refused"}]


def test_direct_construction_still_raises_at_once() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        StaticFilesMiddleware(Starlette())
    assert str(info.value) == REFUSAL


async def test_the_refused_middleware_is_the_stand_in_and_a_good_one_serves(
    tmp_path: Path,
) -> None:
    refused = starlette_app()
    await lifespan_startup(refused)
    assert isinstance(getattr(refused.middleware_stack, "app", None), StartupRefusal)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.css").write_text("a")
    good = starlette_app(debug=True, dirs=[tmp_path / "static"])
    sent, raised = await lifespan_startup(good)
    assert raised is None
    assert sent[0] == {"type": "lifespan.startup.complete"}
    transport = httpx.ASGITransport(good)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        assert (await client.get("/static/a.css")).text == "a"
        assert (await client.get("/")).text == "home"
