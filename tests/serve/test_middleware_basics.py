"""The middleware's core HTTP behaviour through httpx.ASGITransport and raw ASGI calls."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstatic import Settings, StaticFilesMiddleware


class RecordingApp:
    """A bare ASGI app that records every scope it sees and answers 200 'app'."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scopes.append(dict(scope))
        if scope["type"] == "lifespan":
            message = await receive()
            assert message["type"] == "lifespan.startup"
            await send({"type": "lifespan.startup.complete"})
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"app"})


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    write(static / "css" / "global.css", "body { color: red }\n")
    write(static / "js" / "app.js", "console.log(1)\n")
    write(static / "js" / "mod.mjs", "export {}\n")
    write(static / "data.json", "{}")
    write(static / "img" / "logo.svg", "<svg/>")
    write(static / "img" / "pic.avif", b"\0")
    write(static / "img" / "pic.png", b"\x89PNG")
    write(static / "app.wasm", b"\0asm")
    write(static / "site.webmanifest", "{}")
    write(static / "app.js.map", "{}")
    write(static / "font.woff2", b"w")
    write(static / "blob.unknownext", b"?")
    write(static / "readme.txt", "hi")
    write(static / "page.html", "<p>")
    write(static / ".hidden", "secret")
    write(tmp_path / "secret.txt", "TOP SECRET")
    return static


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def middleware(app: RecordingApp, root: Path) -> StaticFilesMiddleware:
    return StaticFilesMiddleware(app, settings=Settings(dirs=[root], debug=True))


@pytest.fixture
async def client(middleware: StaticFilesMiddleware) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(middleware)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
        yield c


async def call(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one ASGI call with a scripted receive; return what was sent."""
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def http_scope(
    raw_path: bytes, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    from urllib.parse import unquote_to_bytes

    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": headers or [],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1234),
    }


# -- routing ---------------------------------------------------------------------------


async def test_non_static_paths_reach_the_app_untouched(
    client: httpx.AsyncClient, app: RecordingApp
) -> None:
    for path in ("/", "/static", "/staticfoo/a.css", "/other/static/css/global.css"):
        response = await client.get(path)
        assert response.text == "app", path
    assert [s["path"] for s in app.scopes] == [
        "/",
        "/static",
        "/staticfoo/a.css",
        "/other/static/css/global.css",
    ]


async def test_static_paths_do_not_reach_the_app(
    client: httpx.AsyncClient, app: RecordingApp
) -> None:
    assert (await client.get("/static/css/global.css")).status_code == 200
    assert (await client.get("/static/missing.css")).status_code == 404
    assert app.scopes == []


async def test_websocket_and_lifespan_reach_the_app_untouched(
    middleware: StaticFilesMiddleware, app: RecordingApp
) -> None:
    ws_scope = {"type": "websocket", "path": "/static/ws", "raw_path": b"/static/ws", "headers": []}
    ws_sent = await call(middleware, ws_scope)
    assert ws_sent == [{"type": "websocket.accept"}, {"type": "websocket.close"}]
    lifespan_scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
    lifespan_messages = [{"type": "lifespan.startup"}]
    sent: list[Any] = []

    async def receive() -> Any:
        return lifespan_messages.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    await middleware(lifespan_scope, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}]
    assert app.scopes == [ws_scope, lifespan_scope]


# -- GET and HEAD ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("css/global.css", "text/css; charset=utf-8"),
        ("js/app.js", "text/javascript; charset=utf-8"),
        ("js/mod.mjs", "text/javascript; charset=utf-8"),
        ("data.json", "application/json; charset=utf-8"),
        ("img/logo.svg", "image/svg+xml; charset=utf-8"),
        ("img/pic.avif", "image/avif"),
        ("img/pic.png", "image/png"),
        ("app.wasm", "application/wasm"),
        ("site.webmanifest", "application/manifest+json"),
        ("app.js.map", "application/json"),
        ("font.woff2", "font/woff2"),
        ("blob.unknownext", "application/octet-stream"),
        ("readme.txt", "text/plain; charset=utf-8"),
        ("page.html", "text/html; charset=utf-8"),
    ],
)
async def test_content_type_comes_from_the_package_table(
    client: httpx.AsyncClient, name: str, content_type: str
) -> None:
    response = await client.get(f"/static/{name}")
    assert response.status_code == 200
    # .webmanifest and .map: the table may add a charset; the media type itself is fixed.
    assert response.headers["content-type"].split(";")[0] == content_type.split(";")[0]
    if "charset" in content_type:
        assert response.headers["content-type"] == content_type


async def test_get_carries_every_required_header(client: httpx.AsyncClient, root: Path) -> None:
    response = await client.get("/static/css/global.css")
    body = (root / "css" / "global.css").read_bytes()
    assert response.status_code == 200
    assert response.content == body
    headers = response.headers
    assert headers["content-length"] == str(len(body))
    assert headers["etag"].startswith('"') and headers["etag"].endswith('"')
    assert not headers["etag"].startswith("W/")
    mtime = int(os.stat(root / "css" / "global.css").st_mtime)
    assert int(parsedate_to_datetime(headers["last-modified"]).timestamp()) == mtime
    assert headers["last-modified"].endswith(" GMT")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["accept-ranges"] == "bytes"


async def test_head_has_the_headers_of_get_and_no_body(client: httpx.AsyncClient) -> None:
    get = await client.get("/static/css/global.css")
    head = await client.head("/static/css/global.css")
    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.headers) == dict(get.headers)


async def test_304_on_if_none_match(client: httpx.AsyncClient) -> None:
    first = await client.get("/static/css/global.css")
    etag = first.headers["etag"]
    again = await client.get("/static/css/global.css", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["last-modified"] == first.headers["last-modified"]
    assert again.headers["cache-control"] == "no-cache"
    other = await client.get("/static/css/global.css", headers={"if-none-match": '"other"'})
    assert other.status_code == 200


async def test_304_on_if_modified_since(client: httpx.AsyncClient) -> None:
    first = await client.get("/static/css/global.css")
    again = await client.get(
        "/static/css/global.css", headers={"if-modified-since": first.headers["last-modified"]}
    )
    assert again.status_code == 304
    older = await client.get(
        "/static/css/global.css", headers={"if-modified-since": "Sat, 01 Jan 2000 00:00:00 GMT"}
    )
    assert older.status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
async def test_other_methods_get_405_with_allow(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/static/css/global.css")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    missing = await client.request(method, "/static/missing.css")
    assert missing.status_code == 405


async def test_ignored_and_missing_files_and_directories_are_404(client: httpx.AsyncClient) -> None:
    for path in (
        "/static/.hidden",
        "/static/missing.css",
        "/static/css",
        "/static/css/",
        "/static/",
    ):
        assert (await client.get(path)).status_code == 404, path


@pytest.mark.parametrize(
    "raw",
    [
        b"/static/../secret.txt",
        b"/static/css/../../secret.txt",
        b"/static/%2e%2e/secret.txt",
        b"/static/%2E%2E/secret.txt",
        b"/static/..%2fsecret.txt",
        b"/static/..%5csecret.txt",
        b"/static/..\\secret.txt",
        b"/static/%252e%252e/secret.txt",
        b"/static/%c0%ae%c0%ae/secret.txt",
        b"/static/css/global.css%00",
        b"/static/css/global.css%00.txt",
        b"/static//etc/passwd",
        b"/static/C:/windows/win.ini",
        b"/static/%",
        b"/static/%zz",
        b"/static/%e9",
        b"/static/./css/global.css",
        b"/static/css//global.css",
        b"/static/css/global.css/",
        b"/static/" + b"a" * 10_000,
        b"/static/css/\x01global.css",
    ],
)
async def test_unsafe_paths_are_404_never_500(
    middleware: StaticFilesMiddleware, raw: bytes
) -> None:
    for method in ("GET", "HEAD"):
        sent = await call(middleware, http_scope(raw, method))
        assert sent[0]["status"] == 404, raw
        body = b"".join(m.get("body", b"") for m in sent[1:])
        assert b"TOP SECRET" not in body


async def test_raw_path_that_spells_the_prefix_encoded_is_refused(
    middleware: StaticFilesMiddleware,
) -> None:
    sent = await call(middleware, http_scope(b"/%73tatic/css/global.css"))
    assert sent[0]["status"] == 404


async def test_symlink_escaping_the_root_is_404_and_follow_symlinks_serves_it(
    tmp_path: Path, root: Path, app: RecordingApp
) -> None:
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (root / "alias.css").symlink_to(root / "css" / "global.css")
    strict = StaticFilesMiddleware(app, settings=Settings(dirs=[root], debug=True))
    loose = StaticFilesMiddleware(
        app, settings=Settings(dirs=[root], debug=True, follow_symlinks=True)
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(strict), base_url="http://localhost"
    ) as c:
        response = await c.get("/static/escape.txt")
        assert response.status_code == 404
        assert b"TOP SECRET" not in response.content
        assert (await c.get("/static/alias.css")).status_code == 200
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(loose), base_url="http://localhost"
    ) as c:
        response = await c.get("/static/escape.txt")
        assert response.status_code == 200
        assert response.content == b"TOP SECRET"


async def test_a_symlinked_folder_escaping_the_root_is_404(
    tmp_path: Path, root: Path, app: RecordingApp
) -> None:
    (root / "etc").symlink_to(tmp_path)
    strict = StaticFilesMiddleware(app, settings=Settings(dirs=[root], debug=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(strict), base_url="http://localhost"
    ) as c:
        assert (await c.get("/static/etc/secret.txt")).status_code == 404


# -- changes on disk -----------------------------------------------------------------


async def test_a_new_file_is_served_by_the_next_request(
    client: httpx.AsyncClient, root: Path
) -> None:
    assert (await client.get("/static/new.css")).status_code == 404
    write(root / "new.css", "new")
    response = await client.get("/static/new.css")
    assert response.status_code == 200 and response.text == "new"


async def test_a_deleted_file_is_404_on_the_next_request(
    client: httpx.AsyncClient, root: Path
) -> None:
    assert (await client.get("/static/readme.txt")).status_code == 200
    (root / "readme.txt").unlink()
    assert (await client.get("/static/readme.txt")).status_code == 404


async def test_a_same_size_rewrite_in_the_same_second_is_seen(
    client: httpx.AsyncClient, root: Path
) -> None:
    path = root / "css" / "global.css"
    first = await client.get("/static/css/global.css")
    before = os.stat(path)
    new = b"body { color: blu }\n"
    assert len(new) == before.st_size
    path.write_bytes(new)
    # Same size and the very same mtime: only the content (and ctime) differ.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = await client.get("/static/css/global.css")
    assert second.content == new
    assert second.headers["etag"] != first.headers["etag"]
    stale = await client.get(
        "/static/css/global.css", headers={"if-none-match": first.headers["etag"]}
    )
    assert stale.status_code == 200 and stale.content == new


async def test_an_old_file_rewritten_with_the_same_size_and_mtime_is_seen(
    client: httpx.AsyncClient, root: Path
) -> None:
    """A settled (cached) file: its ctime still changes when it is rewritten."""
    path = root / "js" / "app.js"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert (await client.get("/static/js/app.js")).text == "console.log(1)\n"
    path.write_text("console.log(2)\n")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert (await client.get("/static/js/app.js")).text == "console.log(2)\n"


async def test_a_file_created_in_an_earlier_dir_shadows_the_later_one(
    tmp_path: Path, app: RecordingApp
) -> None:
    early, late = tmp_path / "early", tmp_path / "late"
    write(late / "css" / "site.css", "late")
    early.mkdir()
    middleware = StaticFilesMiddleware(app, settings=Settings(dirs=[early, late], debug=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(middleware), base_url="http://localhost"
    ) as c:
        assert (await c.get("/static/css/site.css")).text == "late"
        # Make the later file old, so the cache trusts it.
        os.utime(late / "css" / "site.css", (1_000_000_000, 1_000_000_000))
        assert (await c.get("/static/css/site.css")).text == "late"
        write(early / "css" / "site.css", "early")
        assert (await c.get("/static/css/site.css")).text == "early"
        (early / "css" / "site.css").unlink()
        assert (await c.get("/static/css/site.css")).text == "late"


async def test_absolute_static_url_is_served_at_its_path(root: Path, app: RecordingApp) -> None:
    settings = Settings(dirs=[root], debug=True, static_url="https://cdn.example.com/assets/")
    middleware = StaticFilesMiddleware(app, settings=settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(middleware), base_url="http://localhost"
    ) as c:
        assert (await c.get("/assets/css/global.css")).status_code == 200
        assert (await c.get("/static/css/global.css")).text == "app"


async def test_prefixed_dir_is_served_under_its_prefix(tmp_path: Path, app: RecordingApp) -> None:
    dist = tmp_path / "node_modules" / "x" / "dist"
    write(dist / "lib.js", "lib")
    middleware = StaticFilesMiddleware(app, settings=Settings(dirs=[("vendor", dist)], debug=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(middleware), base_url="http://localhost"
    ) as c:
        assert (await c.get("/static/vendor/lib.js")).text == "lib"
        assert (await c.get("/static/lib.js")).status_code == 404


async def served_once(app: Any, root: Path) -> StaticFilesMiddleware:
    """A middleware over ``app`` serving ``root/a.css``, after one request (the change
    feed starts at the first request)."""
    (root / "a.css").write_text("a")
    settings = Settings(dirs=[root], debug=True, live_reload=False)
    middleware = StaticFilesMiddleware(app, settings=settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=middleware), base_url="http://localhost"
    ) as client:
        assert (await client.get("/static/a.css")).status_code == 200
    return middleware


async def test_lifespan_shutdown_releases_the_change_feed(tmp_path: Path) -> None:
    async def lifespan_app(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "lifespan"
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

    middleware = await served_once(lifespan_app, tmp_path)
    feed = middleware.resolver._feed
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: object) -> None:
        return None

    await middleware({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert middleware.resolver._feed is None
    if feed is not None:  # on Linux: its descriptor is closed
        with pytest.raises(OSError):
            os.fstat(feed.fd)
    # Serving goes on, validated with stat.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=middleware), base_url="http://localhost"
    ) as client:
        assert (await client.get("/static/a.css")).text == "a"


async def test_an_app_that_declines_lifespan_keeps_the_change_feed(tmp_path: Path) -> None:
    """Apps without lifespan support return at once; the server then serves on, and so
    must the cache's change feed (closing it would slow every request to stat)."""

    async def no_lifespan(scope: Any, receive: Any, send: Any) -> None:
        return None

    middleware = await served_once(no_lifespan, tmp_path)
    feed = middleware.resolver._feed
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=middleware), base_url="http://localhost"
    ) as client:

        async def receive() -> dict[str, str]:
            return {"type": "lifespan.startup"}

        async def send(message: object) -> None:
            return None

        await middleware({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        assert middleware.resolver._feed is feed
        assert (await client.get("/static/a.css")).text == "a"
