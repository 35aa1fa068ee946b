"""Range requests (RFC 9110 section 14) through the middleware, small and streamed files."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from conformance_helpers import client_for, parse_multipart, pattern_bytes

from devstatic.serve.resolver import SMALL_FILE

SMALL = pattern_bytes(1000)
LARGE = pattern_bytes(SMALL_FILE + 50_000)  # above the in-memory threshold: streamed


@pytest.fixture
def root(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    static.mkdir()
    (static / "small.bin").write_bytes(SMALL)
    (static / "large.bin").write_bytes(LARGE)
    (static / "empty.txt").write_bytes(b"")
    (static / "style.css").write_text("body { color: red }\n" * 10)
    return static


@pytest.fixture(params=["small", "large"])
def target(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    return (f"/static/{request.param}.bin", SMALL if request.param == "small" else LARGE)


async def get(root: Path, path: str, **headers: str) -> httpx.Response:
    async with client_for(root) as client:
        return await client.get(path, headers=headers)


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-99", 0, 99),
        ("bytes=10-", 10, None),
        ("bytes=-10", -10, None),
        ("bytes=5-999999999", 5, None),
        ("bytes=-999999999", 0, None),
        ("BYTES=1-2", 1, 2),
        ("bytes= 3-4", 3, 4),
    ],
)
async def test_single_range_gives_206_with_content_range(
    root: Path, target: tuple[str, bytes], spec: str, start: int, end: int | None
) -> None:
    path, data = target
    size = len(data)
    first = start if start >= 0 else size + start
    last = size - 1 if end is None else end
    response = await get(root, path, range=spec)
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
    assert response.content == data[first : last + 1]
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["accept-ranges"] == "bytes"
    assert "etag" in response.headers and "last-modified" in response.headers


async def test_several_ranges_give_multipart_checked_part_by_part(
    root: Path, target: tuple[str, bytes]
) -> None:
    path, data = target
    size = len(data)
    response = await get(root, path, range="bytes=0-9, 100-199, -5")
    assert response.status_code == 206
    assert "content-range" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    parts = parse_multipart(response.content, response.headers["content-type"])
    expected = [(0, 9), (100, 199), (size - 5, size - 1)]
    assert len(parts) == len(expected)
    for (headers, body), (start, end) in zip(parts, expected, strict=True):
        assert headers["content-type"] == "application/octet-stream"
        assert headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert body == data[start : end + 1]


async def test_multipart_parts_come_in_ascending_order_with_overlaps_merged(
    root: Path, target: tuple[str, bytes]
) -> None:
    path, data = target
    size = len(data)
    response = await get(root, path, range="bytes=500-599,0-9,5-20,21-30,550-560")
    parts = parse_multipart(response.content, response.headers["content-type"])
    assert [h["content-range"] for h, _ in parts] == [
        f"bytes 0-30/{size}",
        f"bytes 500-599/{size}",
    ]
    assert [b for _, b in parts] == [data[0:31], data[500:600]]


async def test_ranges_that_merge_to_one_give_a_single_part_206(
    root: Path, target: tuple[str, bytes]
) -> None:
    path, data = target
    response = await get(root, path, range="bytes=0-9,10-19,5-15")
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 0-19/{len(data)}"
    assert response.content == data[:20]


@pytest.mark.parametrize("spec", ["bytes=999999999-", "bytes=999999999-9999999999", "bytes=-0"])
async def test_unsatisfiable_range_gives_416_with_the_size(
    root: Path, target: tuple[str, bytes], spec: str
) -> None:
    path, data = target
    response = await get(root, path, range=spec)
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(data)}"
    assert response.content == b""


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=5-1",
        "items=0-1",
        "bytes",
        "bytes=",
        "bytes=a-b",
        "bytes=+1-2",
        "bytes=1_0-20",
        "bytes=--1",
        "bytes=1-2-3",
        "bytes=0-1,oops",
        "bytes 0-1",
        "bytes=\u0661-2",
        "",
    ],
)
async def test_malformed_or_foreign_unit_range_is_ignored(
    root: Path, target: tuple[str, bytes], spec: str
) -> None:
    path, data = target
    async with client_for(root) as client:
        response = await client.get(path, headers={"range": spec.encode("utf-8")})
    assert response.status_code == 200
    assert response.content == data


async def test_range_on_an_empty_file_is_416(root: Path) -> None:
    # RFC 9110 section 14.1.2: no range of a zero-length representation is satisfiable.
    response = await get(root, "/static/empty.txt", range="bytes=0-")
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */0"
    plain = await get(root, "/static/empty.txt")
    assert plain.status_code == 200 and plain.content == b""
    assert plain.headers["content-length"] == "0"


async def test_hundreds_of_ranges_are_never_amplified(
    root: Path, target: tuple[str, bytes]
) -> None:
    path, data = target
    many_small = "bytes=" + ",".join(f"{i * 3}-{i * 3}" for i in range(300))
    overlapping = "bytes=" + ",".join("0-" for _ in range(90))
    full_overlap = "bytes=" + ",".join(f"{i}-{len(data) - 1}" for i in range(99))
    separate = "bytes=" + ",".join(f"{i * 10}-{i * 10 + 1}" for i in range(99))
    for spec in (many_small, overlapping, full_overlap, separate):
        response = await get(root, path, range=spec)
        assert response.status_code in (200, 206)
        # Never much more than the file: the multipart framing of a few parts at most.
        assert len(response.content) <= len(data) + 8 * 1024, spec[:40]
        assert int(response.headers["content-length"]) == len(response.content)


async def test_head_with_range_has_the_headers_of_get(
    root: Path, target: tuple[str, bytes]
) -> None:
    path, _ = target
    async with client_for(root) as client:
        for spec in ("bytes=0-9", "bytes=999999999-"):
            get_response = await client.get(path, headers={"range": spec})
            head_response = await client.head(path, headers={"range": spec})
            assert head_response.status_code == get_response.status_code
            assert head_response.content == b""
            assert dict(head_response.headers) == dict(get_response.headers)
        # A multipart answer differs only in its random boundary.
        get_multi = await client.get(path, headers={"range": "bytes=0-1,5-6"})
        head_multi = await client.head(path, headers={"range": "bytes=0-1,5-6"})
        assert head_multi.status_code == 206
        assert head_multi.headers["content-length"] == get_multi.headers["content-length"]
        assert head_multi.headers["content-type"].startswith("multipart/byteranges; boundary=")


async def test_text_type_parts_keep_their_charset(root: Path) -> None:
    response = await get(root, "/static/style.css", range="bytes=0-3,10-12")
    parts = parse_multipart(response.content, response.headers["content-type"])
    assert [h["content-type"] for h, _ in parts] == ["text/css; charset=utf-8"] * 2
