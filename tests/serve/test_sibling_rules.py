"""Precompressed siblings follow the file's own rules: inside the root unless
``follow_symlinks``, a regular file, and re-checked with ``stat`` wherever the change
feed cannot vouch for them (a symlink on the way, other hard links).

Every case runs with inotify and with the ``stat`` fallback (``DEVSTATIC_INOTIFY=0``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

import devstatic.serve.resolver
from devstatic import Settings, StaticFilesMiddleware
from devstatic.finders import BaseFinder

BACKENDS = ["inotify", "stat"] if sys.platform.startswith("linux") else ["stat"]
PLAIN = b"body { color: red }\n"
OUTSIDE = b"OUTSIDE-THE-ROOT"


async def bare(scope: object, receive: object, send: object) -> None:
    raise AssertionError("static requests must not reach the app")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stat":
        monkeypatch.setenv("DEVSTATIC_INOTIFY", "0")
    else:
        monkeypatch.delenv("DEVSTATIC_INOTIFY", raising=False)
    # Trusted as soon as read: only the cache's own rules can keep an answer fresh.
    monkeypatch.setattr(devstatic.serve.resolver, "RACY_NS", 0)
    return str(request.param)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """``static/a.css`` and a folder outside every finder root."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.css").write_bytes(PLAIN)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return static, elsewhere


async def client_for(static: Path, **overrides: bool) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(dirs=[static], debug=True, live_reload=False, **overrides)
    app = StaticFilesMiddleware(bare, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client
    app.resolver.close()


@pytest.fixture
async def client(tree: tuple[Path, Path], backend: str) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(tree[0]):
        yield c


async def get(client: httpx.AsyncClient, accept: str) -> httpx.Response:
    """``/static/a.css`` with its body as sent (httpx would decode the coding)."""
    request = client.build_request("GET", "/static/a.css", headers={"accept-encoding": accept})
    response = await client.send(request, stream=True)
    response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response


@pytest.mark.parametrize(("coding", "suffix"), [("br", ".br"), ("gzip", ".gz")])
async def test_a_sibling_symlinked_out_of_the_root_is_never_served(
    client: httpx.AsyncClient, tree: tuple[Path, Path], coding: str, suffix: str
) -> None:
    static, elsewhere = tree
    (elsewhere / "secret").write_bytes(OUTSIDE)
    (static / f"a.css{suffix}").symlink_to(elsewhere / "secret")
    for _ in range(2):
        response = await get(client, coding)
        assert response.status_code == 200
        assert response.content == PLAIN
        assert "content-encoding" not in response.headers
        assert "vary" not in response.headers
    assert (await client.get(f"/static/a.css{suffix}")).status_code == 404


async def test_a_sibling_symlinked_out_of_the_root_is_served_with_follow_symlinks(
    tree: tuple[Path, Path], backend: str
) -> None:
    static, elsewhere = tree
    (elsewhere / "a.css.br").write_bytes(b"br-one")
    (static / "a.css.br").symlink_to(elsewhere / "a.css.br")
    async for client in client_for(static, follow_symlinks=True):
        assert (await get(client, "br")).content == b"br-one"
        # The feed does not watch ``elsewhere``: the link is re-checked with ``stat``.
        (elsewhere / "a.css.br").write_bytes(b"br-two!")
        response = await get(client, "br")
        assert response.content == b"br-two!"
        assert response.headers["content-encoding"] == "br"


async def test_a_sibling_symlinked_inside_the_root_is_served_and_stays_fresh(
    client: httpx.AsyncClient, tree: tuple[Path, Path]
) -> None:
    static, _ = tree
    (static / "build").mkdir()
    (static / "build" / "a.br").write_bytes(b"br-one")
    (static / "a.css.br").symlink_to(static / "build" / "a.br")
    first = await get(client, "br")
    assert (first.content, first.headers["content-encoding"]) == (b"br-one", "br")
    (static / "build" / "a.br").write_bytes(b"br-two!")
    assert (await get(client, "br")).content == b"br-two!"
    os.replace(static / "a.css.br", static / "gone")
    response = await get(client, "br")
    assert response.content == PLAIN
    assert "vary" not in response.headers


async def test_a_sibling_replaced_by_a_directory_is_not_served(
    client: httpx.AsyncClient, tree: tuple[Path, Path]
) -> None:
    static, _ = tree
    (static / "a.css.gz").write_bytes(b"gz-one")
    assert (await get(client, "gzip")).content == b"gz-one"
    (static / "a.css.gz").unlink()
    (static / "a.css.gz").mkdir()
    for _ in range(2):
        response = await get(client, "gzip")
        assert response.status_code == 200
        assert response.content == PLAIN
        assert "content-encoding" not in response.headers
        assert "vary" not in response.headers


@pytest.mark.parametrize("settled_first", [True, False], ids=["after-settling", "at-once"])
async def test_a_hard_linked_sibling_written_through_its_other_name_is_seen(
    client: httpx.AsyncClient, tree: tuple[Path, Path], settled_first: bool
) -> None:
    static, elsewhere = tree
    (elsewhere / "build.br").write_bytes(b"br-one")
    os.link(elsewhere / "build.br", static / "a.css.br")
    if settled_first:
        for _ in range(2):  # read, then answered from the memos
            assert (await get(client, "br")).content == b"br-one"
    with open(elsewhere / "build.br", "r+b") as handle:  # no event in a watched folder
        handle.write(b"br-TWO")
    response = await get(client, "br")
    assert response.content == b"br-TWO"
    assert response.headers["content-encoding"] == "br"


async def test_a_hard_linked_sibling_keeps_its_etag_while_unchanged(
    client: httpx.AsyncClient, tree: tuple[Path, Path]
) -> None:
    static, elsewhere = tree
    (elsewhere / "build.br").write_bytes(b"br-one")
    os.link(elsewhere / "build.br", static / "a.css.br")
    etag = (await get(client, "br")).headers["etag"]
    request = client.build_request(
        "GET", "/static/a.css", headers={"accept-encoding": "br", "if-none-match": etag}
    )
    assert (await client.send(request)).status_code == 304


class MappingFinder(BaseFinder):
    """An opaque custom finder (no ``candidates``): served path -> file, set by a test."""

    files: ClassVar[dict[str, Path]] = {}

    def find_all(self, path: str) -> list[Path]:
        found = self.files.get(path)
        return [found] if found is not None and found.is_file() else []

    def list(self, ignore_patterns: Iterable[str]) -> Iterable[tuple[str, Path]]:
        return list(self.files.items())

    def locations(self) -> list[Path]:
        return []


async def test_an_opaque_finders_sibling_is_the_one_it_finds_beside_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its ``find`` is the only rule we know: ``name.br`` is served when the finder
    finds it right beside the file, never when it points anywhere else."""
    folder, elsewhere = tmp_path / "custom", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    written = {folder / "a.css": PLAIN, folder / "b.css": PLAIN,
               folder / "a.css.br": b"br-beside", elsewhere / "b.css.br": OUTSIDE}  # fmt: skip
    for path, data in written.items():
        path.write_bytes(data)
    files = {"a.css": folder / "a.css", "a.css.br": folder / "a.css.br",
             "b.css": folder / "b.css", "b.css.br": elsewhere / "b.css.br"}  # fmt: skip
    monkeypatch.setattr(MappingFinder, "files", files)
    settings = Settings(finders=[f"{__name__}.MappingFinder"], debug=True, live_reload=False)
    app = StaticFilesMiddleware(bare, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        beside = await client.get("/static/a.css", headers={"accept-encoding": "br"})
        assert beside.headers["content-encoding"] == "br"
        request = client.build_request("GET", "/static/b.css", headers={"accept-encoding": "br"})
        away = await client.send(request)
        assert away.content == PLAIN
        assert "content-encoding" not in away.headers
    app.resolver.close()
