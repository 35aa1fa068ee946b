"""Differential: devstatic under uvicorn and a real nginx serve the same folder and must
agree on status and body bytes for a battery of Range and conditional requests.

ETags differ per server (nginx: mtime-size, devstatic: a content hash), so each
conditional request is built from that server's own ETag and Last-Modified.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest
from conformance_helpers import parse_multipart, pattern_bytes
from support.nginx import run_nginx
from support.servers import run_uvicorn

from devstatic.serve.resolver import SMALL_FILE

HERE = Path(__file__).parent
MTIME = 1_700_000_000
FILES = {
    "small.bin": pattern_bytes(1000),
    "big.bin": pattern_bytes(SMALL_FILE + 70_000),  # streamed by devstatic, not in memory
    "empty.txt": b"",
}

# RFC 9110 13.1.3: not modified when the date is at or after Last-Modified
# (nginx's default, "exact", answers 304 only for the exact date).
NGINX_HTTP = """\
    default_type application/octet-stream;
    etag on;
    if_modified_since before;"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("differential") / "static"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
        os.utime(folder / name, (MTIME, MTIME))
    return folder


@pytest.fixture(scope="module")
def nginx(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = f"        location /static/ {{ alias {root}/; }}"
    with run_nginx(tmp_path_factory.mktemp("nginx"), server, NGINX_HTTP) as url:
        yield url


@pytest.fixture(scope="module")
def devstatic_url(root: Path) -> Iterator[str]:
    with run_uvicorn(
        "conformance_app:app", cwd=HERE, env={"DEVSTATIC_TEST_ROOT": str(root)}
    ) as url:
        yield url


LM_EXACT = "{lm}"
LM_BEFORE = formatdate(MTIME - 10, usegmt=True)
LM_AFTER = formatdate(MTIME + 10, usegmt=True)

# (file, headers); "{etag}" and "{lm}" are replaced by each server's own validators.
BATTERY: list[tuple[str, dict[str, str]]] = [
    *(
        (name, {"range": spec})
        for name in ("small.bin", "big.bin")
        for spec in (
            "bytes=0-0",
            "bytes=0-99",
            "bytes=100-",
            "bytes=-100",
            "bytes=-99999999",
            "bytes=5-99999999",
            "bytes=99999999-",
            "bytes=0-9,20-29",
            "bytes=0-9,-10",
            "bytes=100-199,0-9",
            "bytes=0-9,10-19",
            "bytes=0-50,40-60",
            "bytes=abc",
            "items=0-1",
            "bytes=1-2-3",
            "bytes=5-1",
            "bytes=-0",
            "bytes=0-0,99999999-",
        )
    ),
    ("empty.txt", {}),
    ("empty.txt", {"range": "bytes=0-"}),
    ("empty.txt", {"range": "bytes=-5"}),
    ("small.bin", {"if-match": "{etag}"}),
    ("small.bin", {"if-match": "*"}),
    ("small.bin", {"if-match": '"nope"'}),
    ("small.bin", {"if-match": '"nope", {etag}'}),
    ("small.bin", {"if-unmodified-since": LM_EXACT}),
    ("small.bin", {"if-unmodified-since": LM_AFTER}),
    ("small.bin", {"if-unmodified-since": LM_BEFORE}),
    ("small.bin", {"if-none-match": "{etag}"}),
    ("small.bin", {"if-none-match": "*"}),
    ("small.bin", {"if-none-match": '"a", {etag}'}),
    ("small.bin", {"if-none-match": "W/{etag}"}),
    ("small.bin", {"if-none-match": '"nope"'}),
    ("small.bin", {"if-modified-since": LM_EXACT}),
    ("small.bin", {"if-modified-since": LM_AFTER}),
    ("small.bin", {"if-modified-since": LM_BEFORE}),
    ("small.bin", {"if-modified-since": "garbage"}),
    ("small.bin", {"if-none-match": '"nope"', "if-modified-since": LM_EXACT}),
    ("small.bin", {"if-none-match": "{etag}", "if-modified-since": LM_BEFORE}),
    ("small.bin", {"if-match": '"nope"', "if-none-match": "{etag}"}),
    ("big.bin", {"range": "bytes=0-9", "if-range": "{etag}"}),
    ("big.bin", {"range": "bytes=0-9", "if-range": '"other"'}),
    ("big.bin", {"range": "bytes=0-9", "if-range": LM_EXACT}),
    ("big.bin", {"range": "bytes=0-9", "if-range": LM_AFTER}),
    ("big.bin", {"range": "bytes=0-9", "if-range": LM_BEFORE}),
    ("big.bin", {"range": "bytes=0-9", "if-range": "W/{etag}"}),
    ("big.bin", {"range": "bytes=0-9", "if-none-match": "{etag}"}),
    ("big.bin", {"range": "bytes=0-9", "if-match": '"nope"'}),
    ("big.bin", {"range": "bytes=99999999-", "if-none-match": "{etag}"}),
]

# Where RFC 9110 and nginx 1.22 differ, devstatic follows the RFC. Each key is
# (file, first header value) -> (nginx status, devstatic status).
KNOWN_DIFFERENCES: dict[tuple[str, str], tuple[int, int]] = {
    # Overlapping/adjacent ranges: RFC 9110 14.1.1 lets a server coalesce them; devstatic
    # does (one part, a single-part 206), nginx sends every part as asked.
    ("small.bin", "bytes=0-9,10-19"): (206, 206),
    ("big.bin", "bytes=0-9,10-19"): (206, 206),
    ("small.bin", "bytes=0-50,40-60"): (206, 206),
    ("big.bin", "bytes=0-50,40-60"): (206, 206),
    # Parts are sent in ascending order by devstatic (DESIGN.md); nginx keeps the
    # request's order.
    ("small.bin", "bytes=100-199,0-9"): (206, 206),
    ("big.bin", "bytes=100-199,0-9"): (206, 206),
    # "last before first" is not a valid byte-range-spec, so RFC 9110 14.2 says ignore the
    # header (200); nginx answers 416.
    ("small.bin", "bytes=5-1"): (416, 200),
    ("big.bin", "bytes=5-1"): (416, 200),
    # A header that does not match the grammar (RFC 9110 14.2: ignore it, 200); nginx
    # answers 416.
    ("small.bin", "bytes=abc"): (416, 200),
    ("big.bin", "bytes=abc"): (416, 200),
    ("small.bin", "bytes=1-2-3"): (416, 200),
    ("big.bin", "bytes=1-2-3"): (416, 200),
    # A zero-length file has no satisfiable range (RFC 9110 14.1.2): 416. nginx
    # ignores Range on an empty file and answers 200.
    ("empty.txt", "bytes=0-"): (200, 416),
    ("empty.txt", "bytes=-5"): (200, 416),
    # With If-None-Match present, If-Modified-Since must be ignored (RFC 9110 13.1.3);
    # nginx requires both to say "not modified" for a 304.
    ("small.bin", "{etag}"): (200, 304),
}


def fill(headers: dict[str, str], etag: str, last_modified: str) -> dict[str, str]:
    return {k: v.replace("{etag}", etag).replace("{lm}", last_modified) for k, v in headers.items()}


def fetch(
    client: httpx.Client, name: str, headers: dict[str, str]
) -> tuple[httpx.Response, dict[str, str]]:
    plain = client.head(f"/static/{name}")
    filled = fill(headers, plain.headers["etag"], plain.headers["last-modified"])
    return client.get(f"/static/{name}", headers=filled), filled


@pytest.fixture(scope="module")
def clients(nginx: str, devstatic_url: str) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with (
        httpx.Client(base_url=nginx, timeout=10) as theirs,
        httpx.Client(base_url=devstatic_url, timeout=10) as ours,
    ):
        yield theirs, ours


def body_summary(response: httpx.Response) -> object:
    """The body to compare: multipart bodies as their parts (boundaries differ)."""
    content_type = response.headers.get("content-type", "")
    if response.status_code == 206 and content_type.startswith("multipart/byteranges"):
        return [
            (part_headers["content-range"], data)
            for part_headers, data in parse_multipart(response.content, content_type)
        ]
    if response.status_code in (200, 206):
        return response.content
    return None  # error bodies are each server's own HTML or text


def known_difference(name: str, headers: dict[str, str]) -> tuple[int, int] | None:
    first = next(iter(headers.values()), "")
    key = (name, first)
    if key == ("small.bin", "{etag}") and "if-modified-since" not in headers:
        return None
    return KNOWN_DIFFERENCES.get(key)


@pytest.mark.parametrize(
    ("name", "headers"), BATTERY, ids=[f"{n}-{'-'.join(h.values())}"[:70] for n, h in BATTERY]
)
def test_devstatic_agrees_with_nginx(
    clients: tuple[httpx.Client, httpx.Client], name: str, headers: dict[str, str]
) -> None:
    theirs, _ = fetch(clients[0], name, headers)
    ours, sent = fetch(clients[1], name, headers)
    if ours.status_code != 304:
        assert int(ours.headers["content-length"]) == len(ours.content)
    difference = known_difference(name, headers)
    if difference is not None:
        assert (theirs.status_code, ours.status_code) == difference
        if ours.status_code in (200, 206) and difference[1] == difference[0] == 206:
            # Same status, different framing: check ours is the RFC's coalesced answer.
            assert body_summary(ours) != body_summary(theirs)
        return
    assert ours.status_code == theirs.status_code, sent
    assert body_summary(ours) == body_summary(theirs), sent
    for header in ("content-range",):
        assert ours.headers.get(header) == theirs.headers.get(header), header
    if ours.status_code in (200, 206, 304):
        assert ours.headers["last-modified"] == theirs.headers["last-modified"]
