"""The debug guard: the middleware refuses to run unless debug is on (or insecure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from devstatic import ImproperlyConfigured, Settings, StaticFilesMiddleware
from devstatic.config.debug_guard import REFUSAL


async def bare_app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not reached")


class DebugApp:
    """A bare ASGI app with a ``debug`` attribute, as Starlette, FastAPI and Litestar have."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("not reached")


@pytest.fixture(autouse=True)
def _empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No pyproject.toml above the working directory, unless a test writes one."""
    monkeypatch.chdir(tmp_path)


def with_file_debug(tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.devstatic]\ndebug = {value}\n")


def test_nothing_set_refuses_with_instructions() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        StaticFilesMiddleware(bare_app)
    message = str(info.value)
    assert "debug=True" in message and "DEVSTATIC_DEBUG=1" in message
    assert "collectstatic" in message and "web server" in message


@pytest.mark.parametrize("where", ["argument", "settings", "env", "file", "app"])
def test_each_source_can_turn_debug_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    app: Any = bare_app
    kwargs: dict[str, Any] = {}
    if where == "argument":
        kwargs["debug"] = True
    elif where == "settings":
        kwargs["settings"] = Settings(debug=True)
    elif where == "env":
        monkeypatch.setenv("DEVSTATIC_DEBUG", "yes")
    elif where == "file":
        with_file_debug(tmp_path, "true")
    else:
        app = DebugApp(True)
    assert StaticFilesMiddleware(app, **kwargs).debug is True


def test_argument_false_beats_env_file_and_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_file_debug(tmp_path, "true")
    monkeypatch.setenv("DEVSTATIC_DEBUG", "1")
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(True), debug=False)
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(True), settings=Settings(debug=False))


def test_settings_object_without_debug_falls_through_to_env_then_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "0")
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(True), settings=Settings())
    monkeypatch.delenv("DEVSTATIC_DEBUG")
    assert StaticFilesMiddleware(DebugApp(True), settings=Settings()).debug is True


def test_env_false_beats_file_and_app_true(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_file_debug(tmp_path, "true")
    monkeypatch.setenv("DEVSTATIC_DEBUG", "off")
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(True))


def test_env_true_beats_file_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_file_debug(tmp_path, "false")
    monkeypatch.setenv("DEVSTATIC_DEBUG", "on")
    assert StaticFilesMiddleware(bare_app).debug is True


def test_file_false_beats_app_true(tmp_path: Path) -> None:
    with_file_debug(tmp_path, "false")
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(True))


def test_app_debug_false_refuses() -> None:
    with pytest.raises(ImproperlyConfigured):
        StaticFilesMiddleware(DebugApp(False))


def test_insecure_serves_with_debug_off(tmp_path: Path) -> None:
    middleware = StaticFilesMiddleware(DebugApp(False), insecure=True)
    assert middleware.debug is False
    with_file_debug(tmp_path, "false")
    assert StaticFilesMiddleware(bare_app, insecure=True).debug is False


def test_invalid_env_value_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "sure")
    with pytest.raises(ImproperlyConfigured, match="DEVSTATIC_DEBUG"):
        StaticFilesMiddleware(bare_app, settings=Settings())


def homepage_app(debug: bool) -> Starlette:
    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("home")

    return Starlette(debug=debug, routes=[Route("/", home)])


async def test_starlette_add_middleware_refuses_at_startup_when_app_debug_is_off() -> None:
    app = homepage_app(debug=False)
    app.add_middleware(StaticFilesMiddleware)  # lazy: nothing is built yet
    sent: list[dict[str, Any]] = []
    events = iter([{"type": "lifespan.startup"}])

    async def receive() -> dict[str, Any]:
        return next(events)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    assert sent == [{"type": "lifespan.startup.failed", "message": REFUSAL}]


async def test_starlette_add_middleware_uses_the_apps_debug(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("hello")
    app = homepage_app(debug=True)
    app.add_middleware(StaticFilesMiddleware, dirs=[tmp_path / "static"])
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        assert (await client.get("/static/a.txt")).text == "hello"
        assert (await client.get("/")).text == "home"
