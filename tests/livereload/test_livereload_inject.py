"""``live_reload_inject``: the reload script inserted into HTML pages, and only where safe."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstatic import Settings, StaticFilesMiddleware
from devstatic.livereload.inject import (
    MAX_BUFFER,
    HtmlInjector,
    insert_script,
    without_file_sending,
)

TAG = b'<script src="/static/__devstatic__/reload.js"></script>'
Message = MutableMapping[str, Any]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body>x</body></html>", b"<html><body>x" + TAG + b"</body></html>"),
        (b"<BODY>x</BODY>", b"<BODY>x" + TAG + b"</BODY>"),
        (b"<body>x</Body >", b"<body>x" + TAG + b"</Body >"),
        (
            b"<body><pre>&lt;/body&gt; </body></pre></body>",
            b"<body><pre>&lt;/body&gt; </body></pre>" + TAG + b"</body>",
        ),
        (b"<p>no closing tag</p>", None),
        (b"", None),
    ],
)
def test_insert_script_goes_before_the_last_closing_body(
    body: bytes, expected: bytes | None
) -> None:
    assert insert_script(body, TAG) == expected


async def run_injector(
    start: Message, bodies: list[Message], *, head: bool = False
) -> list[Message]:
    sent: list[Message] = []

    async def record(message: Message) -> None:
        sent.append(message)

    injector = HtmlInjector(record, TAG, head=head)
    await injector(start)
    for body in bodies:
        await injector(body)
    return sent


def start(status: int = 200, **headers: str) -> Message:
    pairs = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http.response.start", "status": status, "headers": pairs}


def body(data: bytes, more: bool = False) -> Message:
    return {"type": "http.response.body", "body": data, "more_body": more}


def header(message: Message, name: bytes) -> bytes | None:
    return next((v for k, v in message["headers"] if k.lower() == name), None)


PAGE = b"<html><body><p>hi</p></body></html>"
HTML = "text/html; charset=utf-8"


async def test_injects_into_a_200_html_page_and_fixes_content_length() -> None:
    sent = await run_injector(start(content_type=HTML, content_length=str(len(PAGE))), [body(PAGE)])
    assert sent[1]["body"] == PAGE.replace(b"</body>", TAG + b"</body>")
    assert header(sent[0], b"content-length") == str(len(PAGE) + len(TAG)).encode()


async def test_injects_into_a_page_sent_in_several_chunks_with_content_length() -> None:
    chunks = [body(PAGE[:10], more=True), body(PAGE[10:20], more=True), body(PAGE[20:])]
    sent = await run_injector(start(content_type=HTML, content_length=str(len(PAGE))), chunks)
    assert len(sent) == 2
    assert sent[1]["body"] == PAGE.replace(b"</body>", TAG + b"</body>")
    assert header(sent[0], b"content-length") == str(len(PAGE) + len(TAG)).encode()


async def test_head_gets_the_grown_content_length_and_no_body() -> None:
    sent = await run_injector(
        start(content_type=HTML, content_length=str(len(PAGE))), [body(b"")], head=True
    )
    assert header(sent[0], b"content-length") == str(len(PAGE) + len(TAG)).encode()
    assert sent[1]["body"] == b""


@pytest.mark.parametrize(
    "response_start",
    [
        start(content_type=HTML, content_length=str(len(PAGE)), content_encoding="gzip"),
        start(404, content_type=HTML, content_length=str(len(PAGE))),
        start(content_type="text/plain", content_length=str(len(PAGE))),
        start(content_type="application/xhtml+xml", content_length=str(len(PAGE))),
        start(content_type=HTML, content_length=str(MAX_BUFFER + 1)),
    ],
    ids=["content-encoding", "not-200", "not-html", "xhtml", "too-large"],
)
async def test_leaves_other_responses_alone(response_start: Message) -> None:
    sent = await run_injector(response_start, [body(PAGE)])
    assert sent == [response_start, body(PAGE)]


async def test_leaves_a_page_without_closing_body_alone() -> None:
    page = b"<p>fragment</p>"
    response_start = start(content_type=HTML, content_length=str(len(page)))
    sent = await run_injector(response_start, [body(page)])
    assert header(sent[0], b"content-length") == str(len(page)).encode()
    assert sent[1]["body"] == page


async def test_leaves_a_page_streamed_without_content_length_alone() -> None:
    chunks = [body(PAGE[:10], more=True), body(PAGE[10:])]
    response_start = start(content_type=HTML)
    sent = await run_injector(response_start, chunks)
    assert sent == [response_start, *chunks]


# -- through the middleware --------------------------------------------------------------


async def html_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html"), (b"content-length", b"%d" % len(PAGE))],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else PAGE})


def middleware(folder: Path, **overrides: Any) -> StaticFilesMiddleware:
    return StaticFilesMiddleware(
        html_app, settings=Settings(dirs=[folder], debug=True, **overrides)
    )


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")


async def test_middleware_injects_into_the_apps_pages(tmp_path: Path) -> None:
    app = middleware(tmp_path, live_reload_inject=True)
    try:
        async with client(app) as http:
            page = await http.get("/")
            head = await http.head("/")
    finally:
        await app.live.stop()  # type: ignore[union-attr]
    assert page.content == PAGE.replace(b"</body>", TAG + b"</body>")
    assert head.headers["content-length"] == str(len(page.content))


async def test_middleware_injects_into_html_files_it_serves(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    (tmp_path / "page.txt").write_bytes(PAGE)
    app = middleware(tmp_path, live_reload_inject=True)
    try:
        async with client(app) as http:
            page = await http.get("/static/page.html")
            head = await http.head("/static/page.html")
            text = await http.get("/static/page.txt")
    finally:
        await app.live.stop()  # type: ignore[union-attr]
    assert page.status_code == 200
    assert page.content == PAGE.replace(b"</body>", TAG + b"</body>")
    assert page.headers["content-length"] == str(len(page.content))
    assert head.headers["content-length"] == str(len(page.content))
    assert text.content == PAGE


async def test_middleware_does_not_inject_without_the_setting(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    app = middleware(tmp_path)
    try:
        async with client(app) as http:
            assert (await http.get("/")).content == PAGE
            assert (await http.get("/static/page.html")).content == PAGE
    finally:
        await app.live.stop()  # type: ignore[union-attr]


async def test_nothing_is_injected_when_live_reload_is_off(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    app = middleware(tmp_path, live_reload=False, live_reload_inject=True)
    async with client(app) as http:
        assert (await http.get("/")).content == PAGE
        assert (await http.get("/static/page.html")).content == PAGE


def test_file_sending_extensions_are_withdrawn_so_the_body_can_be_rewritten() -> None:
    scope = {"type": "http", "extensions": {"http.response.pathsend": {}, "other": {}}}
    assert without_file_sending(scope)["extensions"] == {"other": {}}
    assert scope["extensions"] == {"http.response.pathsend": {}, "other": {}}
