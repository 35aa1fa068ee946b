"""Hostile paths and headers: never a 500, never a byte from outside the roots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from conformance_helpers import body_of, call, http_scope, middleware_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstatic import StaticFilesMiddleware

SECRET = b"SECRET-7f3a9c-DO-NOT-SERVE"


def make_tree(base: Path) -> StaticFilesMiddleware:
    """Two roots (one under a prefix) with secrets beside them and a dotfile inside."""
    static = base / "static"
    vendor = base / "vendor"
    for folder in (static / "css", vendor):
        folder.mkdir(parents=True, exist_ok=True)
    (static / "css" / "site.css").write_text("body{}")
    (static / "index.html").write_text("<p>")
    (static / ".env").write_bytes(SECRET)
    (vendor / "lib.js").write_text("1")
    (base / "secret.txt").write_bytes(SECRET)
    (base / "static.txt").write_bytes(SECRET)
    (static / "link-out").symlink_to(base / "secret.txt")
    return middleware_for(static, ("vendor", vendor))


@pytest.fixture(scope="module")
def middleware(tmp_path_factory: pytest.TempPathFactory) -> StaticFilesMiddleware:
    return make_tree(tmp_path_factory.mktemp("hostile"))


DOTDOTS = [
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e.",
    "%252e%252e",
    "%c0%ae%c0%ae",
    "%e0%80%ae%e0%80%ae",
    "%c0%2e%c0%2e",
    "..%c0%af",
    "..%c1%9c",
    "%u002e%u002e",
    "..%00",
    "..%2f",
    "..%5c",
    "..\\",
    "%2e%2e%2f",
    "%2e%2e%5c",
    ".%00.",
    "....",
    "..;",
]
SEPARATORS = ["/", "%2f", "%2F", "%5c", "%5C", "\\", "%252f", "//", "/./"]
TARGETS = ["secret.txt", "static.txt", ".env", "link-out", "etc/passwd", "static/.env"]

HOSTILE_PATHS = sorted(
    {f"/static/{d}{s}{t}" for d in DOTDOTS for s in SEPARATORS for t in TARGETS[:2]}
    | {f"/static/css/{d}{s}{d}{s}{t}" for d in DOTDOTS for s in ("/", "%2f") for t in TARGETS[:2]}
    | {f"/static/vendor/{d}/{d}/secret.txt" for d in DOTDOTS}
    | {
        "/static/.env",
        "/static/link-out",
        "/static/%2eenv",
        "/static/css/site.css%00",
        "/static/css/site.css%00.png",
        "/static/%00",
        "/static/css%2fsite.css",
        "/static/css%5csite.css",
        "/static/%",
        "/static/%%",
        "/static/%2",
        "/static/%g0",
        "/static/%ff%fe",
        "/static/%c0%80",
        "/static/%ed%a0%80",
        "/static/%f4%90%80%80",
        "/static//secret.txt",
        "/static/%2fetc%2fpasswd",
        "/static/C:/x",
        "/static/C:%5cx",
        "/static/\\\\server\\share",
        "/static/css/site.css/",
        "/static/css/site.css/.",
        "/static/css/./site.css",
        "/static/~/.ssh/id_rsa",
        "/static/%7e",
        "/static/%0d%0aX: y",
        "/static/%09",
        "/static/%7f",
        "/static/%c2%85",
        "/static/a%20b",
        "/static/" + "a" * 10_000,
        "/static/" + "a/" * 5_000 + "x",
        "/static/" + "%2e%2e/" * 2_000 + "secret.txt",
        "/static/" + "é" * 3_000,
    }
)


async def test_hostile_paths_are_404_without_secrets(middleware: StaticFilesMiddleware) -> None:
    """One test over the whole corpus (hundreds of paths), reporting every offender."""
    wrong: list[tuple[str, int, str]] = []
    for raw in HOSTILE_PATHS:
        scope = http_scope(raw.encode("utf-8"))
        sent = await call(middleware, scope)
        if sent[0]["status"] not in (400, 404) or SECRET in body_of(sent):
            wrong.append((raw[:80], sent[0]["status"], "raw_path"))
        # A server that gives no raw_path has decoded the path already (so css%2fsite.css
        # is css/site.css, a real file): what is left must still be safe.
        del scope["raw_path"]
        sent = await call(middleware, scope)
        if sent[0]["status"] not in (200, 400, 404) or SECRET in body_of(sent):
            wrong.append((raw[:80], sent[0]["status"], "path only"))
    assert len(HOSTILE_PATHS) > 400
    assert wrong == []


@pytest.mark.parametrize(
    "raw",
    [
        b"/static/css/\x00site.css",
        b"/static/\r\n",
        b"/static/\xff\xfe",
        b"/static/\x1b[31m",
        b"/static/\x7f",
    ],
)
async def test_raw_control_bytes_are_404(middleware: StaticFilesMiddleware, raw: bytes) -> None:
    sent = await call(middleware, http_scope(raw))
    assert sent[0]["status"] == 404


HOSTILE_HEADERS: list[tuple[str, str]] = [
    ("range", "bytes=" + "9" * 10_000 + "-"),
    ("range", "bytes=0-" + "9" * 10_000),
    ("range", "bytes=-" + "9" * 10_000),
    ("range", "bytes=" + ",".join(["0-0"] * 20_000)),
    ("range", "bytes=" + ",".join(f"{i}-" for i in range(5_000))),
    ("range", "bytes=" + "," * 50_000 + "0-1"),
    ("range", "bytes=" + " " * 50_000),
    ("range", "\x00\xff" * 1000),
    ("range", "bytes=0-1,\x00"),
    ("range", "bytes=1e3-2e3"),
    ("range", "bytes=0x10-0x20"),
    ("range", "bytes=-1-2"),
    ("range", "bytes=18446744073709551616-18446744073709551617"),
    ("if-none-match", ", ".join(f'"{i}"' for i in range(10_000))),
    ("if-none-match", ",".join(["W/"] * 10_000)),
    ("if-none-match", '"' * 20_001),
    ("if-none-match", "W/" * 20_000),
    ("if-match", ", ".join(f'"{i}"' for i in range(10_000))),
    ("if-match", '"unterminated'),
    ("if-range", '"' * 10_000),
    ("if-range", "W/" + '"x"' * 1000),
    ("accept-encoding", ", ".join(f"c{i};q=0.{i % 1000:03d}" for i in range(10_000))),
    ("accept-encoding", "br;q=" + "9" * 10_000),
    ("accept-encoding", ";;;,,,;=;=" * 5_000),
    ("accept", "text/html" * 10_000),
]
BROKEN_DATES = [
    "",
    " ",
    "0",
    "-1",
    "9" * 5_000,
    "Mon, 99 Foo 99999 99:99:99 GMT",
    "Mon, 01 Jan 0000 00:00:00 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT" * 100,
    "Sun, 06 Nov 1994 08:49:37",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sunday, 06-Nov-94 08:49:37 GMT extra",
    "Sun Nov  6 08:49:37 1994 GMT",
    "Sun, 31 Feb 2021 00:00:00 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 23:59:60 GMT",
    "\x00" * 100,
    "Ω, 06 Nov 1994",
    "Fri, 31 Dec 99999 23:59:59 GMT",
    "Mon, 01 Jan 1900 00:00:00 GMT",
    "Thu, 01 Jan 1970 00:00:00 GMT",
]
for _date in BROKEN_DATES:
    for _name in ("if-modified-since", "if-unmodified-since", "if-range"):
        HOSTILE_HEADERS.append((_name, _date))


@pytest.mark.parametrize(("name", "value"), HOSTILE_HEADERS, ids=lambda v: str(v)[:40])
async def test_hostile_headers_never_give_a_server_error(
    middleware: StaticFilesMiddleware, name: str, value: str
) -> None:
    for method in ("GET", "HEAD"):
        scope = http_scope(
            b"/static/css/site.css", method, [(name.encode(), value.encode("latin-1", "replace"))]
        )
        with anyio.fail_after(5):
            sent = await call(middleware, scope)
        status = sent[0]["status"]
        assert status in (200, 206, 304, 412, 416), (name, value[:50], status)
        body = body_of(sent)
        if method == "GET":
            assert len(body) <= len(b"body{}") + 1024
            assert int(dict(sent[0]["headers"])[b"content-length"]) == len(body)


# -- property-based ------------------------------------------------------------------

PATH_TOKENS = st.sampled_from(
    [
        "..",
        ".",
        "/",
        "%2e",
        "%2f",
        "%5c",
        "\\",
        "%00",
        "%",
        "%c0%ae",
        "%252e",
        "css",
        "site.css",
        "secret.txt",
        ".env",
        "link-out",
        "vendor",
        "lib.js",
        "static.txt",
        "%ff",
        "~",
        ";",
        "?",
        "#",
    ]
)
RAW_PATHS = st.one_of(
    st.lists(PATH_TOKENS, max_size=12).map(lambda parts: "".join(parts).encode("utf-8")),
    st.binary(max_size=200),
    st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
HEADER_NAMES = st.sampled_from(
    [
        b"range",
        b"if-range",
        b"if-match",
        b"if-none-match",
        b"if-modified-since",
        b"if-unmodified-since",
        b"accept-encoding",
        b"accept",
    ]
)
HEADER_VALUES = st.one_of(
    st.binary(max_size=200),
    st.from_regex(rb"\A(bytes|BYTES|items)=[0-9, -]{0,40}\Z"),
    st.sampled_from([b'"x"', b"*", b'W/"x"', b"Sun, 06 Nov 1994 08:49:37 GMT", b"gzip, br;q=0.5"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=RAW_PATHS,
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4),
    method=st.sampled_from(["GET", "HEAD", "POST", "get"]),
    with_raw_path=st.booleans(),
)
def test_any_request_is_answered_below_500_without_secrets(
    middleware: StaticFilesMiddleware,
    raw: bytes,
    headers: list[tuple[bytes, bytes]],
    method: str,
    with_raw_path: bool,
) -> None:
    scope: dict[str, Any] = http_scope(b"/static/" + raw, method, headers)
    if not with_raw_path:
        del scope["raw_path"]
    sent = anyio.run(call, middleware, scope)
    assert sent[0]["status"] < 500
    assert SECRET not in body_of(sent)
