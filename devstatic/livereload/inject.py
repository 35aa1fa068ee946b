"""Putting the reload script into HTML pages (``live_reload_inject``).

Only what can be rewritten safely is touched: a 200 ``text/html`` response with a known
``Content-Length`` of at most ``MAX_BUFFER`` bytes and no ``Content-Encoding``. Its body
is gathered (a known, bounded size), the tag goes before the last ``</body>`` in any case,
and ``Content-Length`` grows to match. Everything else passes through as it comes: a
compressed body cannot be searched, and a body streamed without a length may never end.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Scope = MutableMapping[str, Any]

#: The largest page gathered in memory to inject into.
MAX_BUFFER = 5 * 1024 * 1024

_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)


def insert_script(body: bytes, tag: bytes) -> bytes | None:
    """``body`` with ``tag`` before its last ``</body>``, or ``None`` when there is none."""
    last = None
    for last in _BODY_CLOSE.finditer(body):  # noqa: B007 - we want the last match
        pass
    if last is None:
        return None
    return body[: last.start()] + tag + body[last.start() :]


def injectable_length(status: int, headers: list[tuple[bytes, bytes]]) -> int | None:
    """The ``Content-Length`` of a response we may rewrite, else ``None``."""
    if status != 200:
        return None
    content_type = b""
    length: int | None = None
    for name, value in headers:
        key = name.lower()
        if key == b"content-encoding" and value.strip().lower() not in (b"", b"identity"):
            return None
        if key == b"content-type":
            content_type = value
        elif key == b"content-length":
            text = value.strip()
            if not text.isdigit() or length is not None:
                return None
            length = int(text)
    if length is None or length > MAX_BUFFER:
        return None
    if content_type.split(b";", 1)[0].strip().lower() != b"text/html":
        return None
    return length


def with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    return [
        (name, str(length).encode("ascii") if name.lower() == b"content-length" else value)
        for name, value in headers
    ]


def without_file_sending(scope: Scope) -> Scope:
    """``scope`` without the extensions that send a file's bytes past ``send``'s body."""
    extensions = scope.get("extensions")
    if not extensions:
        return scope
    kept = {
        key: value
        for key, value in extensions.items()
        if key not in ("http.response.pathsend", "http.response.zerocopysend")
    }
    return {**scope, "extensions": kept}


class HtmlInjector:
    """A ``send`` wrapper that inserts ``tag`` into the response when it may.

    Use ``HtmlInjector(send, tag, head=...)`` in place of the server's ``send`` and give
    the app ``without_file_sending(scope)``, so the body arrives as body messages.
    """

    def __init__(self, send: Send, tag: bytes, *, head: bool) -> None:
        self.send = send
        self.tag = tag
        self.head = head
        self._start: Message | None = None
        self._length = 0
        self._chunks: list[bytes] = []
        self._size = 0
        self._passing = False

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if self._passing or kind not in ("http.response.start", "http.response.body"):
            await self.send(message)
            return
        if kind == "http.response.start":
            length = injectable_length(message["status"], list(message.get("headers", ())))
            if length is None:
                self._passing = True
                await self.send(message)
                return
            self._start, self._length = message, length
            return
        if self._start is None:  # a body without a start: not ours to judge
            await self.send(message)
            return
        if self.head:
            await self._flush_head(message)
            return
        body = bytes(message.get("body", b""))
        self._chunks.append(body)
        self._size += len(body)
        if message.get("more_body", False) and self._size <= self._length:
            return
        await self._flush(message)

    async def _flush_head(self, message: Message) -> None:
        assert self._start is not None
        headers = with_length(list(self._start["headers"]), self._length + len(self.tag))
        await self._send_start(headers)
        self._passing = True
        await self.send(message)

    async def _flush(self, last: Message) -> None:
        assert self._start is not None
        body = b"".join(self._chunks)
        self._chunks = []
        self._passing = True
        complete = not last.get("more_body", False) and len(body) == self._length
        injected = insert_script(body, self.tag) if complete else None
        if injected is None:
            await self.send(self._start)
            await self.send({**last, "body": body})
            return
        await self._send_start(with_length(list(self._start["headers"]), len(injected)))
        await self.send({**last, "body": injected})

    async def _send_start(self, headers: list[tuple[bytes, bytes]]) -> None:
        assert self._start is not None
        await self.send({**self._start, "headers": headers})
