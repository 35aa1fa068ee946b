"""The ceiling: a bare ASGI app answering every case from memory, with no file system.

It does the least a correct static server must do (look up the path, compare the
ETag, slice a range), so its numbers are what uvicorn itself allows.
"""

from __future__ import annotations

from typing import Any

from bench.apps import work

_FILES = {
    "/static/css/site.css": (work() / "single/static/css/site.css").read_bytes(),
    "/static/css/last.css": (work() / "multi/bench_dir19/static/css/last.css").read_bytes(),
    "/static/media/big.bin": (work() / "single/static/media/big.bin").read_bytes(),
}
_ETAGS = {path: f'"{hash(body) & 0xFFFFFFFF:x}"'.encode() for path, body in _FILES.items()}
CHUNK = 1024 * 1024


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = _FILES.get(scope["path"])
    if body is None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    etag = _ETAGS[scope["path"]]
    headers = dict(scope["headers"])
    if headers.get(b"if-none-match") == etag:
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag)]})
        await send({"type": "http.response.body", "body": b""})
        return
    status = 200
    out = [(b"etag", etag), (b"content-type", b"text/css")]
    view = memoryview(body)
    spec = headers.get(b"range")
    if spec is not None and spec.startswith(b"bytes="):
        first, _, last = spec[6:].partition(b"-")
        start, end = int(first), int(last)
        view = view[start : end + 1]
        status = 206
        out.append((b"content-range", b"bytes %d-%d/%d" % (start, end, len(body))))
    out.append((b"content-length", str(len(view)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    for offset in range(0, len(view), CHUNK):
        more = offset + CHUNK < len(view)
        await send(
            {
                "type": "http.response.body",
                "body": bytes(view[offset : offset + CHUNK]),
                "more_body": more,
            }
        )
