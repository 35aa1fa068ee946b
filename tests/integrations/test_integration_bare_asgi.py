"""A bare ASGI callable (no framework): wrapped, with debug from the argument or the env."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from integration_helpers import (
    REPO,
    check_http,
    check_live_server,
    run_lifespan,
    sent_texts,
    uvicorn_app,
    websocket_echo,
    write_module,
)

from devstatic import ImproperlyConfigured, StaticFilesMiddleware

BARE_APP = """
started = []


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                started.append(True)
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        message = await receive()
        await send({"type": "websocket.send", "text": "echo: " + message["text"]})
        await send({"type": "websocket.close", "code": 1000})
    else:
        body = b"yes" if scope["path"] == "/started" and started else b"home"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})
"""


def bare_app() -> Any:
    namespace: dict[str, Any] = {}
    exec(BARE_APP, namespace)
    return namespace["app"]


async def test_bare_asgi_app_with_debug_serves_static_and_passes_everything_else(
    static_dir: Path,
) -> None:
    app = StaticFilesMiddleware(bare_app(), dirs=[static_dir], debug=True)
    assert await run_lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    await check_http(app)
    assert sent_texts(await websocket_echo(app)) == ["echo: hello"]


def test_bare_asgi_app_without_any_debug_source_is_refused(static_dir: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        StaticFilesMiddleware(bare_app(), dirs=[static_dir])


async def test_bare_asgi_app_takes_debug_from_the_environment(
    static_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "yes")
    await check_http(StaticFilesMiddleware(bare_app(), dirs=[static_dir]))


def test_bare_asgi_app_under_uvicorn(tmp_path: Path, static_dir: Path) -> None:
    write_module(
        tmp_path,
        "bare_site",
        BARE_APP
        + "\nfrom devstatic import StaticFilesMiddleware\n"
        + "app = StaticFilesMiddleware(app, dirs=['static'], debug=True)\n",
    )
    with uvicorn_app(tmp_path, "bare_site:app") as base:
        check_live_server(base)


BLOCKED = ("django", "fastapi", "litestar", "starlette", "httpx", "pydantic")

NO_FRAMEWORKS = """
import asyncio
import sys

BLOCKED = {blocked!r}


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked for this test")
        return None


sys.meta_path.insert(0, Block())

import devstatic
from devstatic import Settings, StaticFilesMiddleware, static
# these import cleanly too
import devstatic.testing, devstatic.pytest_plugin, devstatic.config.django_settings

{app}

wrapped = StaticFilesMiddleware(app, dirs=["static"], debug=True)
sent = []


async def main():
    async def receive():
        return {{"type": "http.request", "body": b"", "more_body": False}}

    async def send(message):
        sent.append(message)

    scope = {{"type": "http", "method": "GET", "path": "/static/css/global.css",
              "raw_path": b"/static/css/global.css", "headers": [], "query_string": b""}}
    await wrapped(scope, receive, send)


asyncio.run(main())
assert sent[0]["status"] == 200, sent
body = b"".join(m.get("body", b"") for m in sent[1:])
print(body.decode(), end="")
print(static("css/global.css", Settings(debug=True)))
print(sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED))
"""


def test_devstatic_imports_and_serves_with_no_framework_installed(static_dir: Path) -> None:
    script = NO_FRAMEWORKS.format(blocked=BLOCKED, app=textwrap.dedent(BARE_APP))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=static_dir.parent,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "body { color: rebeccapurple; }\n/static/css/global.css\n[]\n"
