"""Helpers for the HTTP conformance tests: raw ASGI calls and multipart parsing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import httpx

from devstatic import Settings, StaticFilesMiddleware

Message = dict[str, Any]


async def fallback_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"app"})


def middleware_for(*dirs: Path, **overrides: Any) -> StaticFilesMiddleware:
    settings = Settings(dirs=list(dirs), debug=True, **overrides)
    return StaticFilesMiddleware(fallback_app, settings=settings)


@asynccontextmanager
async def client_for(*dirs: Path, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(middleware_for(*dirs, **overrides))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


def http_scope(
    raw_path: bytes,
    method: str = "GET",
    headers: list[tuple[bytes, bytes]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Message:
    scope: Message = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
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
    if extensions is not None:
        scope["extensions"] = extensions
    return scope


async def call(app: Any, scope: Message) -> list[Message]:
    """One ASGI call: the request body is empty, then the client stays connected."""
    sent: list[Message] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        if incoming:
            return incoming.pop(0)
        import anyio

        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def body_of(sent: list[Message]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def headers_of(sent: list[Message]) -> dict[str, str]:
    start = sent[0]
    assert start["type"] == "http.response.start"
    return {k.decode().lower(): v.decode("latin-1") for k, v in start["headers"]}


def parse_multipart(body: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a ``multipart/byteranges`` body, each as (headers, data); strict framing."""
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    delimiter = b"\r\n--" + boundary
    assert body.endswith(delimiter + b"--\r\n"), body[-80:]
    assert body.startswith(delimiter + b"\r\n"), body[:80]
    chunks = body[: -len(delimiter + b"--\r\n")].split(delimiter)
    assert chunks[0] == b""
    parts = []
    for chunk in chunks[1:]:
        assert chunk.startswith(b"\r\n")
        head, sep, data = chunk[2:].partition(b"\r\n\r\n")
        assert sep
        headers = {}
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            headers[name.decode().strip().lower()] = value.decode().strip()
        parts.append((headers, data))
    return parts


def pattern_bytes(size: int) -> bytes:
    """Bytes where every offset differs from its neighbours, so misplaced slices show."""
    block = bytes(range(251))
    return (block * (size // len(block) + 1))[:size]
