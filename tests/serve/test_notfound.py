"""The debug 404 page: where we looked and what you may have meant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from devstatic import Settings, StaticFilesMiddleware


async def bare_app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not reached")


@pytest.fixture
def dirs(tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "css").mkdir(parents=True)
    (first / "css" / "global.css").write_text("body{}")
    (second / "js").mkdir(parents=True)
    (second / "js" / "app.js").write_text("1")
    (second / ".secret.css").write_text("no")
    return [first, second]


async def get(middleware: StaticFilesMiddleware, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(middleware)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.get(path, headers=headers)


async def test_debug_404_lists_finders_locations_and_close_matches(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=dirs, debug=True))
    response = await get(middleware, "/static/css/globl.css")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    text = response.text
    assert "'css/globl.css' could not be found." in text
    assert "devstatic.finders.FileSystemFinder" in text
    assert "devstatic.finders.PackageFinder" in text
    assert f"    {dirs[0]}\n    {dirs[1]}\n" in text
    assert "Did you mean:\n  css/global.css\n" in text
    assert text.index(str(dirs[0])) < text.index(str(dirs[1]))


async def test_close_matches_never_suggest_ignored_files(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=dirs, debug=True))
    response = await get(middleware, "/static/.secret.cs")
    assert ".secret.css" not in response.text.split("could not be found.")[1]


async def test_no_suggestion_section_without_a_close_match(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=dirs, debug=True))
    response = await get(middleware, "/static/zzzzzzzz/qqqq.png")
    assert "Did you mean" not in response.text


async def test_browsers_get_html_with_escaped_names(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=dirs, debug=True))
    response = await get(
        middleware,
        "/static/css/<b>globl.css",
        accept="text/html,application/xhtml+xml,*/*;q=0.8",
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!doctype html>")
    assert "&lt;b&gt;" in response.text and "<b>globl" not in response.text
    assert str(dirs[0]) in response.text


async def test_head_404_has_the_get_headers_and_no_body(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=dirs, debug=True))
    transport = httpx.ASGITransport(middleware)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        get_response = await client.get("/static/css/globl.css")
        head_response = await client.head("/static/css/globl.css")
    assert head_response.status_code == 404
    assert head_response.content == b""
    assert dict(head_response.headers) == dict(get_response.headers)
    assert int(head_response.headers["content-length"]) == len(get_response.content)


async def test_without_debug_the_404_says_nothing(dirs: list[Path]) -> None:
    middleware = StaticFilesMiddleware(
        bare_app, settings=Settings(dirs=dirs, debug=False, insecure=True)
    )
    response = await get(middleware, "/static/css/globl.css")
    assert response.status_code == 404
    assert response.text == "Not Found\n"
    assert str(dirs[0]) not in response.text


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (None, False),
        ("*/*", False),
        ("text/plain", False),
        ("text/html", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/xhtml+xml", True),
        ("TEXT/HTML; q=0.5", True),
        ("text/html;q=0", False),
        ("text/html; q=0.000, text/plain", False),
        ("text/htmlx", False),
    ],
)
def test_html_or_text_by_accept(accept: str | None, html: bool) -> None:
    from devstatic.serve.not_found import wants_html

    assert wants_html(accept) is html


async def test_debug_404_marks_a_dirs_folder_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "statik"
    middleware = StaticFilesMiddleware(bare_app, settings=Settings(dirs=[missing], debug=True))
    response = await get(middleware, "/static/css/global.css")
    assert response.status_code == 404
    assert response.text == (
        "'css/global.css' could not be found.\n"
        "\n"
        "Searched, in order:\n"
        "  devstatic.finders.FileSystemFinder\n"
        f"    {missing}  (missing: no such folder)\n"
        "  devstatic.finders.PackageFinder\n"
        "    (no locations)\n"
    )
