"""The middleware serves hashed names from the sources: collectstatic's bytes, cached forever."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from hashed_helpers import IMMUTABLE, _ok, client_for, collected, settings_for, write_tree

from devstatic import StaticFilesMiddleware, static
from devstatic.manifest import file_hash

TREE = {
    "css/app.css": '@import "base.css";\nbody { background: url(../img/bg.png); }\n',
    "css/base.css": "html { color: red }\n" * 40,
    "img/bg.png": b"\x89PNG-bg" * 50,
    "js/main.js": 'import { a } from "./a.js";\nconsole.log(a);\n',
    "js/a.js": "export const a = 1;\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_tree(tmp_path / "static", TREE)
    return tmp_path


async def test_hashed_name_is_served_with_collectstatics_bytes_and_immutable_caching(
    tree: Path,
) -> None:
    settings = settings_for(tree)
    url = static("css/app.css", settings)
    paths, root = collected(settings)
    async with client_for(settings) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.content == (root / paths["css/app.css"]).read_bytes()
    assert response.content != TREE["css/app.css"].encode()  # references rewritten
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["etag"] == f'"{file_hash(response.content)}"'
    assert response.headers["content-length"] == str(len(response.content))
    assert "last-modified" in response.headers
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_unrewritten_hashed_file_is_served_from_its_source(tree: Path) -> None:
    settings = settings_for(tree)
    url = static("img/bg.png", settings)
    async with client_for(settings) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.content == TREE["img/bg.png"]
    assert response.headers["cache-control"] == IMMUTABLE


async def test_plain_names_are_still_served_as_on_disk_with_no_cache(tree: Path) -> None:
    settings = settings_for(tree)
    async with client_for(settings) as client:
        response = await client.get("/static/css/app.css")
    assert response.content == TREE["css/app.css"].encode()
    assert response.headers["cache-control"] == "no-cache"


async def test_revalidation_head_and_range_work_on_hashed_names(tree: Path) -> None:
    settings = settings_for(tree)
    url = static("css/app.css", settings)
    async with client_for(settings) as client:
        full = await client.get(url)
        not_modified = await client.get(url, headers={"if-none-match": full.headers["etag"]})
        head = await client.head(url)
        part = await client.get(url, headers={"range": "bytes=2-9"})
    assert not_modified.status_code == 304
    assert not_modified.headers["cache-control"] == IMMUTABLE
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers == full.headers
    assert part.status_code == 206
    assert part.content == full.content[2:10]
    assert part.headers["content-range"] == f"bytes 2-9/{len(full.content)}"
    assert part.headers["cache-control"] == IMMUTABLE


async def test_a_stale_hashed_name_gets_a_404_naming_the_current_one(tree: Path) -> None:
    settings = settings_for(tree)
    old = static("js/a.js", settings)
    (tree / "static" / "js" / "a.js").write_text("export const a = 22;\n")
    new = static("js/a.js", settings)
    async with client_for(settings) as client:
        stale = await client.get(old)
        stale_head = await client.head(old)
        current = await client.get(new)
    assert stale.status_code == 404
    assert stale.text == (
        f"'{old.removeprefix('/static/')}' is an outdated name of 'js/a.js', whose content "
        f"has changed; it is now served as {new}. Reload the page.\n"
    )
    assert stale.headers["cache-control"] == "no-cache"
    assert stale_head.status_code == 404
    assert stale_head.content == b""
    assert current.content == b"export const a = 22;\n"


async def test_a_head_of_a_stale_hashed_name_sends_no_body_bytes(tree: Path) -> None:
    """httpx drops a HEAD's body itself: the ASGI messages show what a server is given."""
    settings = settings_for(tree)
    old = static("js/a.js", settings)
    (tree / "static" / "js" / "a.js").write_text("export const a = 22;\n")
    app = StaticFilesMiddleware(_ok, settings=settings)
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {"type": "http", "method": "HEAD", "path": old, "raw_path": old.encode(),
             "headers": [], "query_string": b""}  # fmt: skip
    await app(scope, receive, send)
    assert [m["type"] for m in messages] == ["http.response.start", "http.response.body"]
    assert messages[0]["status"] == 404
    assert messages[1]["body"] == b""


async def test_a_change_on_disk_is_seen_by_the_next_request(tree: Path) -> None:
    settings = settings_for(tree)
    async with client_for(settings) as client:
        first = static("js/main.js", settings)
        assert (await client.get(first)).status_code == 200
        (tree / "static" / "js" / "a.js").write_text("export const a = 3;\n")
        second = static("js/main.js", settings)
        assert second != first
        assert (await client.get(first)).status_code == 404
        response = await client.get(second)
    a_url = static("js/a.js", settings).removeprefix("/static/js/")
    assert f'from "./{a_url}"'.encode() in response.content


async def test_an_edit_makes_the_next_request_for_the_old_name_a_404(tree: Path) -> None:
    settings = settings_for(tree)
    url = static("js/a.js", settings)
    async with client_for(settings) as client:
        assert (await client.get(url)).status_code == 200
        (tree / "static" / "js" / "a.js").write_text("export const a = 4;\n")
        assert (await client.get(url)).status_code == 404


async def test_a_file_whose_name_only_looks_hashed_is_served_as_itself(tree: Path) -> None:
    write_tree(tree / "static", {"vendor/lib.0123456789ab.js": "vendored", "vendor/lib.js": "x"})
    settings = settings_for(tree)
    async with client_for(settings) as client:
        response = await client.get("/static/vendor/lib.0123456789ab.js")
    assert response.content == b"vendored"
    assert response.headers["cache-control"] == "no-cache"


async def test_a_sibling_is_used_only_when_the_bytes_are_the_sources(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Settled at once, so the resolver keeps its representations (and their answers).
    monkeypatch.setattr("devstatic.serve.resolver.RACY_NS", -(10**12))
    compressed = {
        "css/base.css.gz": gzip.compress(TREE["css/base.css"].encode()),  # type: ignore[union-attr]
        "css/app.css.gz": gzip.compress(TREE["css/app.css"].encode()),  # type: ignore[union-attr]
    }
    write_tree(tree / "static", compressed)
    settings = settings_for(tree)
    gz = {"accept-encoding": "gzip"}
    async with client_for(settings) as client:
        unchanged = await client.get(static("css/base.css", settings), headers=gz)
        rewritten = await client.get(static("css/app.css", settings), headers=gz)
        plain_after = await client.get("/static/css/base.css", headers=gz)
    assert unchanged.headers["content-encoding"] == "gzip"
    assert unchanged.headers["vary"] == "Accept-Encoding"
    assert unchanged.headers["cache-control"] == IMMUTABLE
    assert unchanged.content == TREE["css/base.css"].encode()  # httpx decodes
    assert plain_after.headers["cache-control"] == "no-cache"  # not the hashed answer
    assert "content-encoding" not in rewritten.headers
    assert "vary" not in rewritten.headers
    assert b"base." in rewritten.content


async def test_without_hashed_urls_a_hashed_name_is_not_served(tree: Path) -> None:
    settings = settings_for(tree)
    url = static("css/base.css", settings)
    plain = settings_for(tree, hashed_urls=False)
    async with client_for(plain) as client:
        response = await client.get(url)
    assert response.status_code == 404


async def test_development_integrity_is_that_of_the_bytes_served_under_the_hashed_name(
    tree: Path,
) -> None:
    from devstatic import integrity
    from devstatic.manifest.integrity import integrity_value

    settings = settings_for(tree)
    async with client_for(settings) as client:
        served = (await client.get(static("js/main.js", settings))).content
    assert served != TREE["js/main.js"].encode()  # its import was rewritten
    assert integrity("js/main.js", settings) == integrity_value(served, "sha384")
