"""Precompressed siblings: name.br / name.gz chosen by Accept-Encoding."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import brotli
import httpx
import pytest
from conformance_helpers import client_for

PLAIN = b"body { color: red }\n" * 200
GZ = gzip.compress(PLAIN, mtime=0)
BR = brotli.compress(PLAIN)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    static = tmp_path / "static"
    static.mkdir()
    (static / "site.css").write_bytes(PLAIN)
    (static / "site.css.gz").write_bytes(GZ)
    (static / "site.css.br").write_bytes(BR)
    (static / "only.js").write_bytes(b"let x = 1;\n" * 50)
    (static / "only.js.gz").write_bytes(gzip.compress(b"let x = 1;\n" * 50))
    (static / "plain.css").write_bytes(b"p{}")
    (static / "pic.png").write_bytes(b"\x89PNG")
    (static / "pic.png.gz").write_bytes(gzip.compress(b"\x89PNG"))
    async with client_for(static) as c:
        yield c


async def raw_get(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    """A GET whose body is left as sent (httpx would otherwise decode the coding)."""
    request = client.build_request("GET", path, headers=headers)
    response = await client.send(request, stream=True)
    response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response


@pytest.mark.parametrize(
    ("accept", "coding", "body"),
    [
        ("br, gzip", "br", BR),
        ("gzip, br", "br", BR),  # br preferred on equal q
        ("gzip", "gzip", GZ),
        ("br", "br", BR),
        ("gzip;q=1, br;q=0.5", "gzip", GZ),
        ("br;q=0, gzip", "gzip", GZ),
        ("br;q=0, gzip;q=0", None, PLAIN),
        ("*", "br", BR),
        ("*, br;q=0", "gzip", GZ),
        ("identity", None, PLAIN),
        ("deflate", None, PLAIN),
        ("", None, PLAIN),
        ("GZIP", "gzip", GZ),
        ("x-gzip", "gzip", GZ),
    ],
)
async def test_accept_encoding_picks_the_sibling(
    client: httpx.AsyncClient, accept: str, coding: str | None, body: bytes
) -> None:
    response = await raw_get(client, "/static/site.css", **{"accept-encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == coding
    assert response.content == body
    assert response.headers["content-length"] == str(len(body))
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["vary"] == "Accept-Encoding"


async def test_no_accept_encoding_header_gets_the_plain_file(client: httpx.AsyncClient) -> None:
    request = client.build_request("GET", "/static/site.css")
    del request.headers["accept-encoding"]
    response = await client.send(request)
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content == PLAIN
    assert response.headers["vary"] == "Accept-Encoding"


async def test_each_representation_has_its_own_etag(client: httpx.AsyncClient) -> None:
    etags = {
        (await raw_get(client, "/static/site.css", **{"accept-encoding": accept})).headers["etag"]
        for accept in ("br", "gzip", "identity")
    }
    assert len(etags) == 3


async def test_gzip_only_sibling(client: httpx.AsyncClient) -> None:
    response = await raw_get(client, "/static/only.js", **{"accept-encoding": "br, gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(response.content) == b"let x = 1;\n" * 50


async def test_a_name_without_siblings_has_no_vary(client: httpx.AsyncClient) -> None:
    response = await raw_get(client, "/static/plain.css", **{"accept-encoding": "br, gzip"})
    assert "vary" not in response.headers
    assert "content-encoding" not in response.headers


async def test_incompressible_types_ignore_siblings(client: httpx.AsyncClient) -> None:
    response = await raw_get(client, "/static/pic.png", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert response.content == b"\x89PNG"


async def test_vary_on_every_response_for_the_name(client: httpx.AsyncClient) -> None:
    br_etag = (await raw_get(client, "/static/site.css", **{"accept-encoding": "br"})).headers[
        "etag"
    ]
    cases = [
        {"accept-encoding": "br", "if-none-match": br_etag},  # 304
        {"accept-encoding": "br", "range": "bytes=0-3"},  # 206
        {"accept-encoding": "identity", "range": "bytes=0-3,10-12"},  # 206 multipart
        {"accept-encoding": "br", "range": "bytes=999999-"},  # 416
        {"accept-encoding": "br", "if-match": '"nope"'},  # 412
        {"accept-encoding": "identity"},  # 200 plain
    ]
    for headers in cases:
        response = await raw_get(client, "/static/site.css", **headers)
        assert response.headers.get("vary") == "Accept-Encoding", (headers, response.status_code)
        head = await client.head("/static/site.css", headers=headers)
        assert head.headers.get("vary") == "Accept-Encoding", headers


async def test_ranges_apply_to_the_representation_sent(client: httpx.AsyncClient) -> None:
    response = await raw_get(
        client, "/static/site.css", **{"accept-encoding": "br", "range": "bytes=0-9"}
    )
    assert response.status_code == 206
    assert response.headers["content-encoding"] == "br"
    assert response.headers["content-range"] == f"bytes 0-9/{len(BR)}"
    assert response.content == BR[:10]
    past = await raw_get(
        client, "/static/site.css", **{"accept-encoding": "gzip", "range": f"bytes={len(GZ)}-"}
    )
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(GZ)}"


async def test_conditionals_apply_to_the_representation_sent(client: httpx.AsyncClient) -> None:
    br = await raw_get(client, "/static/site.css", **{"accept-encoding": "br"})
    plain = await raw_get(client, "/static/site.css", **{"accept-encoding": "identity"})
    # The plain file's ETag does not validate the br representation, and vice versa.
    response = await raw_get(
        client,
        "/static/site.css",
        **{"accept-encoding": "br", "if-none-match": plain.headers["etag"]},
    )
    assert response.status_code == 200 and response.content == BR
    response = await raw_get(
        client, "/static/site.css", **{"accept-encoding": "br", "if-none-match": br.headers["etag"]}
    )
    assert response.status_code == 304
    assert response.headers["etag"] == br.headers["etag"]
    response = await raw_get(
        client, "/static/site.css", **{"accept-encoding": "br", "if-match": plain.headers["etag"]}
    )
    assert response.status_code == 412
    response = await raw_get(
        client,
        "/static/site.css",
        **{"accept-encoding": "br", "range": "bytes=0-1", "if-range": plain.headers["etag"]},
    )
    assert response.status_code == 200 and response.content == BR


async def test_a_sibling_removed_later_is_no_longer_served(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    assert (await raw_get(client, "/static/site.css", **{"accept-encoding": "br"})).content == BR
    (tmp_path / "static" / "site.css.br").unlink()
    response = await raw_get(client, "/static/site.css", **{"accept-encoding": "br, gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == GZ
