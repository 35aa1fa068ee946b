"""Zero-copy with http.response.pathsend, and bounded chunks without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conformance_helpers import body_of, call, headers_of, http_scope, middleware_for, pattern_bytes

from devstatic.serve.resolver import SMALL_FILE
from devstatic.serve.send import CHUNK_SIZE

PATHSEND = {"http.response.pathsend": {}}
BIG = pattern_bytes(3 * CHUNK_SIZE + 12_345)


@pytest.fixture
def static(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    static.mkdir()
    (static / "big.bin").write_bytes(BIG)
    (static / "small.txt").write_bytes(b"small")
    (static / "big.css").write_bytes(b"a" * (SMALL_FILE + 1))
    (static / "big.css.br").write_bytes(b"b" * (SMALL_FILE + 1))
    return static


async def test_plain_200_of_a_large_file_uses_pathsend(static: Path) -> None:
    sent = await call(middleware_for(static), http_scope(b"/static/big.bin", extensions=PATHSEND))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    assert sent[0]["status"] == 200
    assert headers_of(sent)["content-length"] == str(len(BIG))
    assert os.path.samefile(sent[1]["path"], static / "big.bin")
    assert os.path.isabs(sent[1]["path"])


async def test_precompressed_sibling_is_pathsent_with_its_own_path(static: Path) -> None:
    scope = http_scope(
        b"/static/big.css", headers=[(b"accept-encoding", b"br")], extensions=PATHSEND
    )
    sent = await call(middleware_for(static), scope)
    assert headers_of(sent)["content-encoding"] == "br"
    assert sent[1] == {"type": "http.response.pathsend", "path": str(static / "big.css.br")}


@pytest.mark.parametrize("extensions", [None, {}, {"http.response.zerocopysend": {}}])
async def test_without_pathsend_the_body_streams_in_bounded_chunks(
    static: Path, extensions: dict[str, object] | None
) -> None:
    sent = await call(middleware_for(static), http_scope(b"/static/big.bin", extensions=extensions))
    bodies = [m for m in sent[1:]]
    assert all(m["type"] == "http.response.body" for m in bodies)
    assert all(len(m["body"]) <= CHUNK_SIZE for m in bodies)
    assert len(bodies) >= 4
    assert all(m["more_body"] for m in bodies[:-1]) and not bodies[-1].get("more_body", False)
    assert body_of(sent) == BIG


async def test_ranges_stream_even_when_pathsend_is_offered(static: Path) -> None:
    scope = http_scope(
        b"/static/big.bin",
        headers=[(b"range", b"bytes=10-" + str(2 * CHUNK_SIZE).encode())],
        extensions=PATHSEND,
    )
    sent = await call(middleware_for(static), scope)
    assert sent[0]["status"] == 206
    assert "http.response.pathsend" not in [m["type"] for m in sent]
    assert body_of(sent) == BIG[10 : 2 * CHUNK_SIZE + 1]
    assert all(len(m["body"]) <= CHUNK_SIZE for m in sent[1:])


async def test_multipart_of_a_large_file_streams_in_bounded_chunks(static: Path) -> None:
    scope = http_scope(
        b"/static/big.bin", headers=[(b"range", b"bytes=0-0,-" + str(2 * CHUNK_SIZE).encode())]
    )
    sent = await call(middleware_for(static), scope)
    assert sent[0]["status"] == 206
    body = body_of(sent)
    assert len(body) == int(headers_of(sent)["content-length"])
    # Part headers ride along with a chunk; no message carries more than a chunk and a head.
    assert all(len(m["body"]) <= CHUNK_SIZE + 512 for m in sent[1:])


async def test_head_and_small_files_never_pathsend(static: Path) -> None:
    head = await call(
        middleware_for(static), http_scope(b"/static/big.bin", "HEAD", extensions=PATHSEND)
    )
    assert [m["type"] for m in head] == ["http.response.start", "http.response.body"]
    assert head[1]["body"] == b""
    small = await call(
        middleware_for(static), http_scope(b"/static/small.txt", extensions=PATHSEND)
    )
    assert [m["type"] for m in small] == ["http.response.start", "http.response.body"]
    assert small[1]["body"] == b"small"


async def test_pathsend_of_a_file_replaced_after_lookup_describes_the_new_file(
    static: Path,
) -> None:
    middleware = middleware_for(static)
    await call(middleware, http_scope(b"/static/big.bin", extensions=PATHSEND))
    replacement = pattern_bytes(len(BIG) + 7)
    tmp = static / "big.tmp"
    tmp.write_bytes(replacement)
    tmp.replace(static / "big.bin")
    sent = await call(middleware, http_scope(b"/static/big.bin", extensions=PATHSEND))
    assert headers_of(sent)["content-length"] == str(len(replacement))
