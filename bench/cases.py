"""The cases, and the one correctness check each (app, case) passes before it is timed."""

from __future__ import annotations

import hashlib
import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.data import RANGE_LENGTH, RANGE_START, Data


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    layout: str
    path: str
    status: int
    #: "rate" (wrk, req/s) or "download" (curl, MiB/s and peak RSS growth).
    kind: str = "rate"


CASES = (
    Case("css200", "5 KiB stylesheet, 200", "single", "/static/css/site.css", 200),
    Case("css304", "5 KiB stylesheet, If-None-Match, 304", "single", "/static/css/site.css", 304),
    Case("range", "1 KiB Range of 100 MiB, 206", "single", "/static/media/big.bin", 206),
    Case("multi", "last of 20 dirs, 5 KiB, 200", "multi", "/static/css/last.css", 200),
    Case("big", "100 MiB download, 200", "single", "/static/media/big.bin", 200, "download"),
)

RANGE_HEADER = f"bytes={RANGE_START}-{RANGE_START + RANGE_LENGTH - 1}"


def _request(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes, str]:
    """(status, headers, body or b"" for big bodies, sha256 of the body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", parts.path, headers=headers)
        response = conn.getresponse()
        digest = hashlib.sha256()
        kept = bytearray()
        while chunk := response.read(1024 * 1024):
            digest.update(chunk)
            if len(kept) < 1024 * 1024:
                kept += chunk
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            bytes(kept),
            digest.hexdigest(),
        )
    finally:
        conn.close()


def request_headers(case: Case, base_url: str) -> dict[str, str]:
    """The headers wrk sends for ``case``; the 304 case uses the app's own validator."""
    if case.key == "range":
        return {"Range": RANGE_HEADER}
    if case.key == "css304":
        _, headers, _, _ = _request(base_url + case.path, {})
        if "etag" in headers:
            return {"If-None-Match": headers["etag"]}
        if "last-modified" in headers:  # Django's dev view sends no ETag
            return {"If-Modified-Since": headers["last-modified"]}
        return {}
    return {}


def check(case: Case, base_url: str, data: Data, headers: dict[str, str]) -> str | None:
    """``None`` when the app answers ``case`` right, else what was wrong."""
    try:
        status, _, body, sha = _request(base_url + case.path, headers)
    except (OSError, http.client.HTTPException) as exc:
        return f"request failed: {exc}"
    if status != case.status:
        return f"status {status}, expected {case.status}"
    expected: bytes | None
    if case.key == "css200":
        expected = data.css
    elif case.key == "css304":
        expected = b""
    elif case.key == "range":
        expected = data.range_bytes
    elif case.key == "multi":
        expected = data.last_css
    else:
        expected = None
    if expected is not None and body != expected:
        return f"wrong body ({len(body)} bytes, expected {len(expected)})"
    if expected is None and sha != data.big_sha256:
        return "wrong body (SHA-256 differs)"
    return None
