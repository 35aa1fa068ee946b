"""The whole-answer memo: a repeated request is answered without resolving or deciding
again, only while the change feed vouches for the file, and the memo stays bounded."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import devstatic.serve.files
import devstatic.serve.middleware
import devstatic.serve.resolver
from devstatic import Settings, StaticFilesMiddleware

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the memo is used only with inotify"
)


async def not_found(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DEVSTATIC_INOTIFY", raising=False)
    # Files are trusted from the cache as soon as read (their ctime is always recent here).
    monkeypatch.setattr(devstatic.serve.resolver, "RACY_NS", 0)
    for i in range(6):
        write(tmp_path / f"f{i}.css", b"x" * (100 + i))
    write(tmp_path / "page.html", b"<html><body>hi</body></html>")
    return tmp_path


@pytest.fixture
async def served(root: Path) -> AsyncIterator[tuple[httpx.AsyncClient, StaticFilesMiddleware]]:
    settings = Settings(dirs=[root], debug=True, live_reload_inject=True)
    app = StaticFilesMiddleware(not_found, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client, app
    app.resolver.close()
    if app.live is not None:
        await app.live.stop()


async def test_a_repeated_request_needs_no_resolving(served, monkeypatch) -> None:
    client, app = served
    first = await client.get("/static/f0.css")
    conditional = {"if-none-match": first.headers["etag"]}
    assert (await client.get("/static/f0.css", headers=conditional)).status_code == 304
    assert app.resolver.watching

    async def no_resolve(name: str) -> None:
        raise AssertionError(f"resolved {name} again")

    monkeypatch.setattr(app.resolver, "resolve", no_resolve)
    monkeypatch.setattr(app.resolver, "hit", lambda name: None)
    # Only the memo can answer now: the same requests can, a new one cannot.
    again = await client.get("/static/f0.css")
    assert again.status_code == 200
    assert again.content == first.content == b"x" * 100
    assert again.headers["etag"] == first.headers["etag"]
    assert (await client.get("/static/f0.css", headers=conditional)).status_code == 304
    with pytest.raises(AssertionError, match=r"resolved f0\.css again"):
        await client.get("/static/f0.css", headers={"range": "bytes=0-1"})


async def test_a_wrapping_middleware_editing_headers_does_not_change_the_memo(served) -> None:
    client, app = served

    async def edit_in_place(scope: Any, receive: Any, send: Any) -> None:
        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"].append((b"x-wrapped", b"1"))
            await send(message)

        await app(scope, receive, tagged)

    transport = httpx.ASGITransport(app=edit_in_place)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as wrapped:
        for _ in range(3):
            response = await wrapped.get("/static/f1.css")
            assert response.headers.get_list("x-wrapped") == ["1"]
    assert "x-wrapped" not in (await client.get("/static/f1.css")).headers


async def test_pages_that_get_the_reload_script_are_not_kept(served) -> None:
    client, app = served
    assert app.live is not None
    for _ in range(2):
        page = await client.get("/static/page.html")
        assert b"__devstatic__/reload.js" in page.content
    assert not [key for key in app.files.answers if key[0] == b"/static/page.html"]


async def test_the_memo_is_bounded_in_entries(served, monkeypatch) -> None:
    client, app = served
    monkeypatch.setattr(devstatic.serve.files, "ANSWERS", 3)
    for i in range(6):
        assert (await client.get(f"/static/f{i}.css")).status_code == 200
        assert len(app.files.answers) <= 3
    assert len(app.files.answers) >= 1


async def test_the_memo_is_bounded_in_bytes(served, monkeypatch) -> None:
    client, app = served
    monkeypatch.setattr(devstatic.serve.files, "ANSWER_BYTES", 250)
    for i in range(6):
        assert (await client.get(f"/static/f{i}.css")).status_code == 200
        kept = sum(len(answer.body) for _entry, answer in app.files.answers.values())
        assert kept <= 250


async def test_a_change_empties_the_memo_at_the_next_answer(served, root) -> None:
    client, app = served
    for i in range(3):
        await client.get(f"/static/f{i}.css")
    assert len(app.files.answers) == 3
    write(root / "f0.css", b"changed")
    assert (await client.get("/static/f0.css")).content == b"changed"
    assert len(app.files.answers) == 1


async def test_requests_with_huge_header_values_are_answered_but_not_kept(served) -> None:
    client, app = served
    etag = (await client.get("/static/f2.css")).headers["etag"]
    huge = ", ".join(f'"{i:08d}"' for i in range(1000)) + ", " + etag  # about 12 KB
    for _ in range(2):
        response = await client.get("/static/f2.css", headers={"if-none-match": huge})
        assert response.status_code == 304
    kept = [key for (_raw, key) in app.files.answers if key[1][1] is not None]
    assert kept == []


async def test_a_huge_path_is_decoded_but_not_kept(served) -> None:
    client, app = served
    long_name = "d/" * 700 + "nope.css"
    assert (await client.get(f"/static/{long_name}")).status_code == 404
    assert (await client.get("/static/f3.css")).status_code == 200
    assert all(len(raw) <= devstatic.serve.middleware.PATH_MEMO_BYTES for raw in app._names)
    assert b"/static/f3.css" in app._names


async def test_a_date_judged_against_the_clock_is_judged_again_at_each_request(
    served, monkeypatch
) -> None:
    """A date later than now is no date (RFC 9110 §13.1.3): ignored, a full 200. Once the
    clock passes it, the same request is a 304 (the file is older than that date), so
    neither memo may keep the first answer."""
    import time
    from email.utils import formatdate

    client, _app = served
    real = time.time
    later = {"if-modified-since": formatdate(real() + 3600, usegmt=True)}
    assert (await client.get("/static/f0.css", headers=later)).status_code == 200
    assert (await client.get("/static/f0.css", headers=later)).status_code == 200
    monkeypatch.setattr(time, "time", lambda: real() + 7200)
    assert (await client.get("/static/f0.css", headers=later)).status_code == 304
