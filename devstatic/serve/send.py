"""Sending a response: headers, then the bytes, bounded and off the event loop.

The bottom of the serving path: it writes a ``Decision`` (with the representation it was
decided for), a ``Prepared`` answer or a short plain-text one to the ASGI ``send``, and
calls nothing above it."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, BinaryIO

import anyio

from devstatic.disk.blocking import run_blocking
from devstatic.disk.versions import version_of
from devstatic.http.decide import Decision, Prepared
from devstatic.serve.representation import Representation

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

logger = logging.getLogger("devstatic")

#: Bytes read per thread hop when streaming. Measured in bench/ (see bench/RESULTS.md).
CHUNK_SIZE = 1024 * 1024


class FileChanged(Exception):
    """The file is not the version the headers were computed from (retry the request)."""


def open_checked(path: str, version: tuple[int, ...]) -> BinaryIO:
    """Open ``path`` and make sure it is still the version we described in the headers."""
    handle = open(path, "rb")  # noqa: SIM115 - closed by the caller, shielded
    try:
        if version_of(os.fstat(handle.fileno())) != version:
            raise FileChanged(path)
    except BaseException:
        handle.close()
        raise
    return handle


def check_opens(path: str, version: tuple[int, ...]) -> None:
    """Open and close ``path`` as ``open_checked`` does: what a GET would meet, no read."""
    open_checked(path, version).close()


def read_slices(path: str, version: tuple[int, ...], slices: list[tuple[int, int]]) -> list[bytes]:
    """Open, check and read every ``(offset, length)`` slice in one go (one thread hop).

    A short read means the file shrank since it was described: ``FileChanged``, raised
    before anything is sent, so the request is resolved again instead of truncated.
    """
    with open_checked(path, version) as handle:
        fd = handle.fileno()
        parts = []
        for offset, length in slices:
            data = os.pread(fd, length, offset)
            if len(data) != length:
                raise FileChanged(path)
            parts.append(data)
    return parts


def body_plan(decision: Decision, size: int) -> list[bytes | tuple[int, int]]:
    """The body as literal bytes and ``(offset, length)`` file slices, in order."""
    if decision.body == "full":
        return [(0, size)]
    if decision.body == "ranges":
        start, end = decision.ranges[0]
        return [(start, end - start + 1)]
    plan: list[bytes | tuple[int, int]] = []
    for head, (start, end) in zip(decision.part_heads, decision.ranges, strict=True):
        plan.append(head)
        plan.append((start, end - start + 1))
    plan.append(decision.closing)
    return plan


async def send_prepared(send: Send, prepared: Prepared) -> None:
    """Send a response whose every byte is known (two ``send`` calls, nothing else)."""
    # A fresh header list: a wrapping middleware may edit the message in place.
    headers = list(prepared.headers)
    await send({"type": "http.response.start", "status": prepared.status, "headers": headers})
    await send({"type": "http.response.body", "body": prepared.body})


async def send_plain(
    send: Send,
    status: int,
    body: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
    *,
    content_type: bytes = b"text/plain; charset=utf-8",
    head: bool = False,
) -> None:
    """Send a short answer of devstatic's own (403, 404, 405): never cached, never sniffed."""
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-cache"),
        (b"x-content-type-options", b"nosniff"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})


def prepare(decision: Decision, rep: Representation, *, head: bool) -> Prepared | None:
    """The whole response, if it needs no file access: no body, or the bytes in memory.

    A HEAD of a file not in memory is not: it must meet what its GET would (a file
    that no longer opens, or no longer is the version described)."""
    if decision.body == "none" or (head and rep.content is not None):
        body = b""
    elif rep.content is not None:
        body = b"".join(
            part if isinstance(part, bytes) else rep.content[part[0] : part[0] + part[1]]
            for part in body_plan(decision, rep.size)
        )
    else:
        return None
    return Prepared(decision.status, decision.headers, body)


async def send_decision(
    send: Send,
    decision: Decision,
    rep: Representation,
    *,
    head: bool,
    pathsend: bool,
    receive: Receive | None = None,
) -> None:
    """Send ``decision`` for ``rep``. Raises ``FileNotFoundError``/``PermissionError``/
    ``FileChanged`` before anything is sent if the file cannot be opened as described.

    With ``receive``, a streamed body stops at the client's ``http.disconnect``: servers
    such as uvicorn silently drop what is sent after a disconnect, so without listening
    we would read (and hold open) the rest of a multi-gigabyte file for nobody.
    """
    prepared = prepare(decision, rep, head=head)
    if prepared is not None:
        await send_prepared(send, prepared)
        return
    if head:
        await run_blocking(check_opens, rep.path, rep.version)
        await send_prepared(send, Prepared(decision.status, decision.headers, b""))
        return
    plan = body_plan(decision, rep.size)
    if pathsend and decision.body == "full":
        # The server sends the file itself (zero-copy); check it is still what we described.
        await run_blocking(check_opens, rep.path, rep.version)
        await send(
            {
                "type": "http.response.start",
                "status": decision.status,
                "headers": list(decision.headers),
            }
        )
        await send({"type": "http.response.pathsend", "path": rep.path})
        return
    slices = [part for part in plan if not isinstance(part, bytes)]
    if sum(length for _, length in slices) <= CHUNK_SIZE:
        # Small bodies (a Range request): open, read and close in a single thread hop.
        read = iter(await run_blocking(read_slices, rep.path, rep.version, slices))
        body = b"".join(part if isinstance(part, bytes) else next(read) for part in plan)
        await send(
            {
                "type": "http.response.start",
                "status": decision.status,
                "headers": list(decision.headers),
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    handle = await run_blocking(open_checked, rep.path, rep.version)
    try:
        await send(
            {
                "type": "http.response.start",
                "status": decision.status,
                "headers": list(decision.headers),
            }
        )
        if receive is None:
            await _stream(send, handle, plan, rep.path)
        else:
            await _stream_until_disconnect(send, receive, handle, plan, rep.path)
    finally:
        # Shielded: a cancelled task (client gone, server shutting down) must still close
        # the file, or every aborted download would leak a descriptor.
        with anyio.CancelScope(shield=True):
            await run_blocking(handle.close)


async def _stream_until_disconnect(
    send: Send, receive: Receive, handle: BinaryIO, plan: list[bytes | tuple[int, int]], path: str
) -> None:
    """``_stream``, cancelled as soon as ``receive`` reports that the client went away."""

    async def watch(scope: anyio.CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        scope.cancel()

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(watch, group.cancel_scope)
            await _stream(send, handle, plan, path)
            group.cancel_scope.cancel()
    except BaseExceptionGroup as failure:
        # One failure (the server's send raising, say): let it through as itself.
        if len(failure.exceptions) == 1:
            raise failure.exceptions[0] from None
        raise


def _read_at(handle: BinaryIO, offset: int, length: int) -> bytes:
    handle.seek(offset)
    return handle.read(length)


async def _stream(
    send: Send, handle: BinaryIO, plan: list[bytes | tuple[int, int]], path: str
) -> None:
    """Send the plan's parts; never more file bytes than planned, even if the file grows.

    If the file shrinks, we stop short without completing the response, so the server
    closes the connection and the client sees a truncated body rather than wrong bytes.
    """
    pending = b""
    for part in plan:
        if isinstance(part, bytes):
            pending += part
            continue
        offset, remaining = part
        while remaining > 0:
            size = min(CHUNK_SIZE, remaining)
            chunk = await run_blocking(_read_at, handle, offset, size)
            if not chunk:
                logger.warning(
                    "devstatic: %s shrank while being sent; closing the connection short.", path
                )
                return
            offset += len(chunk)
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": pending + chunk, "more_body": True})
            pending = b""
    await send({"type": "http.response.body", "body": pending, "more_body": False})
