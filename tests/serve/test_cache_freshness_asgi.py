"""The fast path's cache never hides a change: every case runs with inotify and with
the ``stat`` fallback (``DEVSTATIC_INOTIFY=0``), through ``httpx.ASGITransport``.

``RACY_NS`` is set to 0 where a test must prove that the *cache* (not the racy-file
re-read) sees the change: the entry is then trusted as soon as it is read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import devstatic.serve.resolver
from devstatic import Settings, StaticFilesMiddleware

BACKENDS = ["inotify", "stat"] if sys.platform.startswith("linux") else ["stat"]


async def bare(scope: object, receive: object, send: object) -> None:
    raise AssertionError("static requests must not reach the app")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stat":
        monkeypatch.setenv("DEVSTATIC_INOTIFY", "0")
    else:
        monkeypatch.delenv("DEVSTATIC_INOTIFY", raising=False)
    return str(request.param)


@pytest.fixture
def dirs(tmp_path: Path) -> list[Path]:
    found = [tmp_path / "first", tmp_path / "second"]
    for folder in found:
        folder.mkdir()
    return found


@pytest.fixture
async def served(
    dirs: list[Path], backend: str
) -> AsyncIterator[tuple[httpx.AsyncClient, StaticFilesMiddleware]]:
    settings = Settings(dirs=[str(d) for d in dirs], debug=True, live_reload=False)
    app = StaticFilesMiddleware(bare, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client, app
    app.resolver.close()


async def get(client: httpx.AsyncClient, name: str) -> httpx.Response:
    return await client.get(f"/static/{name}")


def assert_backend(app: StaticFilesMiddleware, backend: str) -> None:
    assert app.resolver.watching is (backend == "inotify")


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devstatic.serve.resolver, "RACY_NS", 0)


async def test_created_file_is_served_at_next_request(served, dirs, backend):
    client, app = served
    assert (await get(client, "new.css")).status_code == 404
    (dirs[1] / "new.css").write_text("body{}")
    response = await get(client, "new.css")
    assert response.status_code == 200
    assert response.text == "body{}"
    assert_backend(app, backend)


async def test_deleted_file_is_gone_at_next_request(served, dirs, backend, settled_at_once):
    client, app = served
    (dirs[0] / "old.css").write_text("a{}")
    assert (await get(client, "old.css")).text == "a{}"
    assert app.resolver.cached("old.css")
    (dirs[0] / "old.css").unlink()
    assert (await get(client, "old.css")).status_code == 404


async def test_same_size_rewrite_in_the_same_second_is_seen(served, dirs, backend):
    """Two writes in a row, same size: the coarse clock may give them the same mtime."""
    client, app = served
    target = dirs[0] / "same.css"
    target.write_bytes(b"aaaa")
    assert (await get(client, "same.css")).content == b"aaaa"
    stamp = target.stat().st_mtime_ns
    target.write_bytes(b"bbbb")
    os.utime(target, ns=(stamp, stamp))
    response = await get(client, "same.css")
    assert response.content == b"bbbb"
    assert_backend(app, backend)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
@pytest.mark.parametrize("backend", ["inotify"], indirect=True)
async def test_cached_settled_file_rewritten_with_same_size_is_seen_by_inotify(
    served, dirs, backend, settled_at_once
):
    """With the racy window off, only the change feed can tell (mtime restored too, and
    both writes may share one tick of the kernel's coarse clock, so ctime cannot)."""
    client, app = served
    target = dirs[0] / "settled.css"
    target.write_bytes(b"aaaa")
    assert (await get(client, "settled.css")).content == b"aaaa"
    assert app.resolver.cached("settled.css")
    stamp = target.stat().st_mtime_ns
    target.write_bytes(b"bbbb")
    os.utime(target, ns=(stamp, stamp))
    assert (await get(client, "settled.css")).content == b"bbbb"


async def test_changed_settled_file_is_seen(served, dirs, backend, settled_at_once):
    client, app = served
    target = dirs[0] / "grow.css"
    target.write_bytes(b"one")
    assert (await get(client, "grow.css")).content == b"one"
    assert app.resolver.cached("grow.css")
    target.write_bytes(b"three")
    assert (await get(client, "grow.css")).content == b"three"


async def test_new_file_in_an_earlier_dir_shadows_at_next_request(
    served, dirs, backend, settled_at_once
):
    client, app = served
    (dirs[1] / "site.css").write_text("second")
    assert (await get(client, "site.css")).text == "second"
    assert app.resolver.cached("site.css")
    (dirs[0] / "site.css").write_text("first")
    assert (await get(client, "site.css")).text == "first"
    assert_backend(app, backend)


async def test_new_subdirectory_in_an_earlier_dir_shadows_at_next_request(
    served, dirs, backend, settled_at_once
):
    client, _app = served
    (dirs[1] / "css").mkdir()
    (dirs[1] / "css" / "x.css").write_text("second")
    assert (await get(client, "css/x.css")).text == "second"
    (dirs[0] / "css").mkdir()
    (dirs[0] / "css" / "x.css").write_text("first")
    assert (await get(client, "css/x.css")).text == "first"


async def test_file_in_new_subdirectory_is_watched_after_it_appears(
    served, dirs, backend, settled_at_once
):
    """A folder created after start-up is watched too: later edits in it are seen."""
    client, app = served
    assert (await get(client, "fresh/a.css")).status_code == 404
    (dirs[0] / "fresh" / "deeper").mkdir(parents=True)
    (dirs[0] / "fresh" / "a.css").write_bytes(b"v1")
    (dirs[0] / "fresh" / "deeper" / "b.css").write_bytes(b"w1")
    assert (await get(client, "fresh/a.css")).content == b"v1"
    assert (await get(client, "fresh/deeper/b.css")).content == b"w1"
    assert app.resolver.cached("fresh/deeper/b.css")
    assert_backend(app, backend)
    stamp = (dirs[0] / "fresh" / "deeper" / "b.css").stat().st_mtime_ns
    (dirs[0] / "fresh" / "deeper" / "b.css").write_bytes(b"w2")
    os.utime(dirs[0] / "fresh" / "deeper" / "b.css", ns=(stamp, stamp + 1))
    assert (await get(client, "fresh/deeper/b.css")).content == b"w2"


async def test_precompressed_sibling_created_later_is_negotiated(
    served, dirs, backend, settled_at_once
):
    client, _app = served
    (dirs[0] / "app.js").write_text("let a = 1;")
    first = await client.get("/static/app.js", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in first.headers
    import gzip

    (dirs[0] / "app.js.gz").write_bytes(gzip.compress(b"let a = 1;"))
    second = await client.get("/static/app.js", headers={"accept-encoding": "gzip"})
    assert second.headers.get("content-encoding") == "gzip"
    assert second.headers.get("vary") == "Accept-Encoding"


async def test_symlinked_file_outside_every_watched_folder_is_still_fresh(
    dirs, backend, settled_at_once, tmp_path
):
    """With ``follow_symlinks`` a link may lead out of the watched folders: its target's
    edits raise no event there, so such an entry is validated with ``stat``."""
    outside = tmp_path / "elsewhere" / "outside.css"
    outside.parent.mkdir()
    outside.write_bytes(b"one")
    (dirs[0] / "linked.css").symlink_to(outside)
    settings = Settings(dirs=[str(d) for d in dirs], debug=True, live_reload=False,
                        follow_symlinks=True)  # fmt: skip
    app = StaticFilesMiddleware(bare, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        assert (await get(client, "linked.css")).content == b"one"
        assert app.resolver.cached("linked.css")
        outside.write_bytes(b"three")
        assert (await get(client, "linked.css")).content == b"three"
        assert_backend(app, backend)
    app.resolver.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
@pytest.mark.parametrize("backend", ["inotify"], indirect=True)
async def test_recent_file_changed_without_an_event_is_still_seen(served, dirs, backend):
    """A write through a mapping raises no inotify event until the writer closes the
    file: one modified within the racy window is re-read on every request (repeated
    ones included), never vouched for by the feed alone."""
    import mmap

    client, app = served
    target = dirs[0] / "mapped.css"
    target.write_bytes(b"aaaa")
    with open(target, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as mapped:
        for _ in range(2):  # the second is a repeat: the answer memo is in play
            assert (await get(client, "mapped.css")).content == b"aaaa"
        assert_backend(app, backend)
        mapped[:] = b"bbbb"  # no event: the file stays open
        assert (await get(client, "mapped.css")).content == b"bbbb"
