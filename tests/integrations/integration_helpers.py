"""Driving ASGI apps the way servers do: HTTP through httpx, websockets and lifespan by hand,
and the same app under a real uvicorn."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
from websockets.sync.client import connect

from devstatic.serve.middleware import ASGIApp, Message

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from support.servers import REPO, run_uvicorn  # noqa: E402

CSS = b"body { color: rebeccapurple; }\n"


def make_static_tree(root: Path) -> Path:
    static = root / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "global.css").write_bytes(CSS)
    return static


def client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")


async def check_http(app: ASGIApp, *, home_text: str = "home") -> None:
    """The static file is served by devstatic and ``/`` still reaches the app."""
    async with client(app) as http:
        css = await http.get("/static/css/global.css")
        assert css.status_code == 200
        assert css.content == CSS
        assert css.headers["content-type"] == "text/css; charset=utf-8"
        assert css.headers["cache-control"] == "no-cache"
        home = await http.get("/")
        assert home.status_code == 200
        assert home.text == home_text
        missing = await http.get("/static/css/nope.css")
        assert missing.status_code == 404


async def websocket_echo(app: ASGIApp, text: str = "hello", path: str = "/ws") -> list[Message]:
    """One websocket session driven by hand: connect, send ``text``; the messages the app sent."""
    inbox: list[Message] = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": text},
        {"type": "websocket.disconnect", "code": 1000},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        if inbox:
            return inbox.pop(0)
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "ws",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "subprotocols": [],
        "state": {},
    }
    with anyio.fail_after(5):
        await app(scope, receive, send)
    return sent


def sent_texts(messages: list[Message]) -> list[str]:
    return [m["text"] for m in messages if m["type"] == "websocket.send" and m.get("text")]


async def run_lifespan(app: ASGIApp) -> list[str]:
    """Startup then shutdown, as a server does; the message types the app answered."""
    inbox: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[str] = []

    async def receive() -> Message:
        return inbox.pop(0)

    async def send(message: Message) -> None:
        sent.append(message["type"])

    scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    with anyio.fail_after(5):
        await app(scope, receive, send)
    return sent


def write_module(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))


@contextmanager
def uvicorn_app(
    folder: Path, target: str, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """``uvicorn target`` run from ``folder`` (its modules importable); yields the base URL."""
    env = {"PYTHONPATH": os.pathsep.join([str(folder), str(REPO)]), **(extra_env or {})}
    with run_uvicorn(target, cwd=folder, env=env, args=["--lifespan", "on"]) as base:
        yield base


def check_live_server(base: str, *, home_text: str = "home") -> None:
    """Under a real server: the static file, a route, lifespan state and a websocket echo."""
    with httpx.Client(base_url=base, timeout=10) as http:
        css = http.get("/static/css/global.css")
        assert css.status_code == 200
        assert css.content == CSS
        assert css.headers["etag"].startswith('"')
        assert http.get("/").text == home_text
        assert http.get("/started").text == "yes", "lifespan startup did not reach the app"
    with connect(base.replace("http://", "ws://") + "/ws", open_timeout=10) as ws:
        ws.send("hello")
        assert ws.recv(timeout=10) == "echo: hello"
