"""The middleware's Host allow-list through ASGI: every form of Host, the memo, the app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

import devstatic.serve.resolver
from devstatic import Settings, StaticFilesMiddleware
from devstatic.http.hosts import refusal_text
from devstatic.testing import static_client

CSS = b"body { color: teal; }\n"


async def app(scope: Any, receive: Any, send: Any) -> None:
    """The wrapped app: answers every path with its own Host, so tests see it was reached."""
    host = dict(scope.get("headers", [])).get(b"host", b"")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"app saw " + host})


@pytest.fixture
def static(tmp_path: Path) -> Path:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "a.css").write_bytes(CSS)
    return tmp_path / "static"


def middleware(static: Path, **overrides: Any) -> StaticFilesMiddleware:
    overrides.setdefault("live_reload", False)
    return StaticFilesMiddleware(app, dirs=[static], debug=True, **overrides)


async def get(mw: Any, host: str, path: str = "/static/css/a.css", **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=mw)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.request(kw.pop("method", "GET"), path, headers={"host": host}, **kw)


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8000",
        "LOCALHOST:8000",
        "localhost.",
        "localhost.:8000",
        "app.localhost:8000",
        "127.0.0.1:8000",
        "192.168.1.20:8000",
        "[::1]:8000",
        "[::1]",
    ],
)
async def test_localhost_names_and_ip_literals_are_served(static: Path, host: str) -> None:
    response = await get(middleware(static), host)
    assert response.status_code == 200
    assert response.content == CSS


@pytest.mark.parametrize(
    "host", ["attacker.test", "attacker.test:8000", "ATTACKER.TEST.", "testserver", "my.lan"]
)
async def test_other_hosts_get_403_naming_the_host_and_the_setting(static: Path, host: str) -> None:
    response = await get(middleware(static), host)
    assert response.status_code == 403
    assert response.text == refusal_text(host.encode())
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("allowed", "host", "status"),
    [
        (["my.lan"], "my.lan:8000", 200),
        (["my.lan"], "MY.LAN.", 200),
        (["my.lan"], "www.my.lan", 403),
        ([".ngrok-free.app"], "ab12-34.ngrok-free.app", 200),
        ([".ngrok-free.app"], "ngrok-free.app:443", 200),
        ([".ngrok-free.app"], "ngrok-free.app.attacker.test", 403),
        (["*"], "attacker.test:8000", 200),
    ],
)
async def test_user_listed_hosts_are_served(
    static: Path, allowed: list[str], host: str, status: int
) -> None:
    response = await get(middleware(static, allowed_hosts=allowed), host)
    assert response.status_code == status


async def test_a_refused_host_is_refused_even_after_the_same_request_was_remembered(
    static: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEVSTATIC_INOTIFY", raising=False)
    # Trust a file as soon as it is read (its ctime is always recent here): the memo answers.
    monkeypatch.setattr(devstatic.serve.resolver, "RACY_NS", 0)
    mw = middleware(static)
    first = await get(mw, "localhost:8000")
    again = await get(mw, "localhost:8000")
    assert (first.status_code, again.status_code) == (200, 200)
    # The memo would answer this path again without looking at anything else.
    [(entry, _answer)] = mw.files.answers.values()
    assert mw.resolver.vouches_for(entry)
    evil = await get(mw, "attacker.test:8000")
    assert evil.status_code == 403
    assert CSS not in evil.content


async def test_a_refused_request_never_reaches_the_file_system(static: Path) -> None:
    class Untouchable:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"the resolver was used: {name}")

    mw = middleware(static)
    mw.resolver = Untouchable()  # type: ignore[assignment]
    mw.finders = Untouchable()  # type: ignore[assignment]
    for path in ("/static/css/a.css", "/static/missing.css", "/static/%2e%2e/secret"):
        assert (await get(mw, "attacker.test", path)).status_code == 403


async def test_head_refused_has_the_same_headers_and_no_body(static: Path) -> None:
    mw = middleware(static)
    head = await get(mw, "attacker.test", method="HEAD")
    got = await get(mw, "attacker.test")
    assert head.status_code == 403
    assert head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


async def test_other_methods_from_a_refused_host_get_403_not_405(static: Path) -> None:
    response = await get(middleware(static), "attacker.test", method="POST")
    assert response.status_code == 403


async def test_the_wrapped_apps_routes_are_untouched(static: Path) -> None:
    mw = middleware(static)
    for path in ("/", "/api/data", "/staticfoo"):
        response = await get(mw, "attacker.test", path)
        assert (response.status_code, response.content) == (200, b"app saw attacker.test")


async def test_a_refusal_is_logged_once_per_host(
    static: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mw = middleware(static)
    with caplog.at_level(logging.WARNING, logger="devstatic"):
        for host in ("attacker.test", "attacker.test", "other.test", "attacker.test"):
            await get(mw, host)
    assert [r.getMessage() for r in caplog.records] == [
        f"devstatic refused a request for the host '{host}': it is not in allowed-hosts "
        "(DNS rebinding guard). If you trust it, add it to allowed-hosts in [tool.devstatic]."
        for host in ("attacker.test", "other.test")
    ]


async def call_raw(mw: Any, headers: list[tuple[bytes, bytes]], server: Any) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.0",
        "method": "GET",
        "scheme": "http",
        "path": "/static/css/a.css",
        "raw_path": b"/static/css/a.css",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": server,
        "client": ("127.0.0.1", 1234),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await mw(scope, receive, send)
    status: int = sent[0]["status"]
    return status


@pytest.mark.parametrize(
    ("server", "status"),
    [
        (("127.0.0.1", 8000), 200),
        (("::1", 8000), 200),
        (("devbox.lan", 8000), 403),
        (None, 200),
    ],
)
async def test_a_request_without_host_is_judged_by_the_scope_server(
    static: Path, server: Any, status: int
) -> None:
    assert await call_raw(middleware(static), [], server) == status


async def test_two_host_headers_are_refused(static: Path) -> None:
    headers = [(b"host", b"localhost"), (b"host", b"attacker.test")]
    assert await call_raw(middleware(static), headers, ("127.0.0.1", 80)) == 403


async def test_live_reload_endpoints_are_refused_for_other_hosts(static: Path) -> None:
    pytest.importorskip("watchfiles")
    mw = middleware(static, live_reload=True)
    script = await get(mw, "attacker.test", "/static/__devstatic__/reload.js")
    events = await get(mw, "attacker.test", "/static/__devstatic__/events")
    assert (script.status_code, events.status_code) == (403, 403)
    assert (await get(mw, "localhost", "/static/__devstatic__/reload.js")).status_code == 200
    mw.resolver.close()


async def test_static_client_allows_its_testserver_host(static: Path) -> None:
    async with static_client(app, dirs=[static]) as client:
        assert str(client.base_url) == "http://testserver"
        assert (await client.get("/static/css/a.css")).content == CSS
        assert (await client.get("http://attacker.test/static/css/a.css")).status_code == 403


async def test_static_client_keeps_the_configured_hosts(static: Path) -> None:
    settings = Settings(dirs=[static], allowed_hosts=["my.lan"])
    async with static_client(app, settings=settings) as client:  # type: ignore[call-arg]
        assert (await client.get("http://my.lan/static/css/a.css")).status_code == 200
        assert (await client.get("/static/css/a.css")).status_code == 200


def test_from_django_takes_allowed_hosts() -> None:
    class DjangoSettings:
        DEBUG = True
        STATIC_URL = "static/"
        STATICFILES_FINDERS: tuple[str, ...] = ()
        ALLOWED_HOSTS = ("Example.test", ".ngrok-free.app")

    settings = Settings.from_django(DjangoSettings())
    assert settings.allowed_hosts == ("example.test", ".ngrok-free.app")


def test_from_django_without_allowed_hosts_allows_only_the_defaults() -> None:
    class DjangoSettings:
        DEBUG = True
        STATIC_URL = "static/"
        STATICFILES_FINDERS: tuple[str, ...] = ()

    assert Settings.from_django(DjangoSettings()).allowed_hosts == ()
