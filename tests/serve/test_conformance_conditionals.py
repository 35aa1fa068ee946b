"""Conditional requests in RFC 9110 section 13.2.2 order, through the middleware."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from conformance_helpers import client_for, pattern_bytes

from devstatic.serve.resolver import SMALL_FILE

MTIME = 1_700_000_000  # Tue, 14 Nov 2023 22:13:20 GMT
LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"
BEFORE = "Tue, 14 Nov 2023 22:13:19 GMT"
AFTER = "Tue, 14 Nov 2023 22:13:21 GMT"
DATA = pattern_bytes(2000)
LARGE = pattern_bytes(SMALL_FILE + 10_000)


@pytest.fixture(params=["small", "large"])
async def setup(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[httpx.AsyncClient, str, str, bytes]]:
    data = DATA if request.param == "small" else LARGE
    static = tmp_path / "static"
    static.mkdir()
    (static / "f.bin").write_bytes(data)
    os.utime(static / "f.bin", (MTIME, MTIME))
    async with client_for(static) as client:
        etag = (await client.head("/static/f.bin")).headers["etag"]
        yield client, "/static/f.bin", etag, data


Setup = tuple[httpx.AsyncClient, str, str, bytes]


async def test_last_modified_is_the_files_mtime(setup: Setup) -> None:
    client, path, _, _ = setup
    assert (await client.get(path)).headers["last-modified"] == LAST_MODIFIED


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("*", 200),
        ("{etag}", 200),
        ('"nope", {etag}', 200),
        ('"nope"', 412),
        ("W/{etag}", 412),  # If-Match uses strong comparison
        ("", 412),
        ("garbage", 412),
    ],
)
async def test_if_match(setup: Setup, if_match: str, status: int) -> None:
    client, path, etag, data = setup
    response = await client.get(path, headers={"if-match": if_match.format(etag=etag)})
    assert response.status_code == status
    assert response.content == (data if status == 200 else b"")


@pytest.mark.parametrize(
    ("date", "status"),
    [(LAST_MODIFIED, 200), (AFTER, 200), (BEFORE, 412), ("not a date", 200), ("", 200)],
)
async def test_if_unmodified_since(setup: Setup, date: str, status: int) -> None:
    client, path, _, _ = setup
    assert (await client.get(path, headers={"if-unmodified-since": date})).status_code == status


async def test_if_match_takes_precedence_over_if_unmodified_since(setup: Setup) -> None:
    client, path, etag, _ = setup
    response = await client.get(path, headers={"if-match": etag, "if-unmodified-since": BEFORE})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ("{etag}", 304),
        ("W/{etag}", 304),  # weak comparison
        ('"a", "b", {etag}', 304),
        ("*", 304),
        ('"nope"', 200),
        ('"a", "b"', 200),
        ("garbage", 200),
    ],
)
async def test_if_none_match(setup: Setup, if_none_match: str, status: int) -> None:
    client, path, etag, data = setup
    for method in ("GET", "HEAD"):
        response = await client.request(
            method, path, headers={"if-none-match": if_none_match.format(etag=etag)}
        )
        assert response.status_code == status
        if method == "GET":
            assert response.content == (data if status == 200 else b"")


async def test_if_none_match_sent_twice_counts_as_one_list(setup: Setup) -> None:
    client, path, etag, _ = setup
    headers = [("if-none-match", '"a"'), ("if-none-match", etag)]
    assert (await client.get(path, headers=headers)).status_code == 304


async def test_304_carries_validators_and_cache_control_and_no_body(setup: Setup) -> None:
    client, path, etag, _ = setup
    response = await client.get(path, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["last-modified"] == LAST_MODIFIED
    assert response.headers["cache-control"] == "no-cache"
    assert "content-range" not in response.headers


@pytest.mark.parametrize(
    ("date", "status"),
    [
        (LAST_MODIFIED, 304),
        (AFTER, 304),
        (BEFORE, 200),
        ("Tuesday, 14-Nov-23 22:13:20 GMT", 304),  # RFC 850
        ("Tue Nov 14 22:13:20 2023", 304),  # asctime
        ("Tue, 14 Nov 2023 22:13:20 +0000", 200),  # not an HTTP-date: ignored
        ("2023-11-14T22:13:20Z", 200),
        ("Tue, 32 Nov 2023 22:13:20 GMT", 200),
        ("Tue, 14 Nov 2023 25:13:20 GMT", 200),
        ("garbage", 200),
        ("", 200),
        ("Fri, 01 Jan 9999 00:00:00 GMT", 200),  # in the future: ignored (RFC 9110 13.1.3)
    ],
)
async def test_if_modified_since(setup: Setup, date: str, status: int) -> None:
    client, path, _, _ = setup
    assert (await client.get(path, headers={"if-modified-since": date})).status_code == status


async def test_if_modified_since_is_ignored_when_if_none_match_is_present(setup: Setup) -> None:
    client, path, etag, _ = setup
    # If-None-Match does not match: 200, although If-Modified-Since alone would give 304.
    response = await client.get(
        path, headers={"if-none-match": '"other"', "if-modified-since": AFTER}
    )
    assert response.status_code == 200
    # If-None-Match matches: 304, although the date alone would say modified.
    response = await client.get(path, headers={"if-none-match": etag, "if-modified-since": BEFORE})
    assert response.status_code == 304


async def test_412_beats_304(setup: Setup) -> None:
    client, path, etag, _ = setup
    response = await client.get(path, headers={"if-match": '"nope"', "if-none-match": etag})
    assert response.status_code == 412


async def test_if_none_match_wins_over_range(setup: Setup) -> None:
    client, path, etag, _ = setup
    response = await client.get(path, headers={"if-none-match": etag, "range": "bytes=0-1"})
    assert response.status_code == 304


@pytest.mark.parametrize(
    ("if_range", "honoured"),
    [
        ("{etag}", True),
        ("W/{etag}", False),  # a weak tag never matches
        ('"other"', False),
        (LAST_MODIFIED, True),  # exact date
        (AFTER, False),  # not exact
        (BEFORE, False),
        ("garbage", False),
        ("{etag}, {etag}", False),
    ],
)
async def test_if_range(setup: Setup, if_range: str, honoured: bool) -> None:
    client, path, etag, data = setup
    response = await client.get(
        path, headers={"range": "bytes=0-9", "if-range": if_range.format(etag=etag)}
    )
    if honoured:
        assert response.status_code == 206
        assert response.content == data[:10]
    else:
        assert response.status_code == 200
        assert response.content == data


async def test_if_range_without_range_is_ignored(setup: Setup) -> None:
    client, path, _, data = setup
    response = await client.get(path, headers={"if-range": '"other"'})
    assert response.status_code == 200 and response.content == data


async def test_precondition_failure_has_no_body_and_a_consistent_length(setup: Setup) -> None:
    client, path, _, _ = setup
    response = await client.get(path, headers={"if-match": '"nope"'})
    assert response.status_code == 412
    assert response.headers["content-length"] == "0"
