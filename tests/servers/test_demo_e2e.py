"""The demo, end to end: real uvicorn on loopback, fetched with httpx."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from support.servers import run_uvicorn

EXPECTED_TYPES = {
    "/static/css/global.css": "text/css; charset=utf-8",
    "/static/blog/style.css": "text/css; charset=utf-8",
    "/static/blog/app.js": "text/javascript; charset=utf-8",
    "/static/img/logo.svg": "image/svg+xml; charset=utf-8",
    "/static/media/tone.wav": "audio/wav",
}


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with run_uvicorn("demo:app") as url:
        yield url


def test_demo_page_links_its_static_files_and_each_is_served(demo_url: str) -> None:
    with httpx.Client(base_url=demo_url, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200
        links = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text))
        # The live-reload client (devstatic's own, under __devstatic__/) may be linked too.
        assert {link for link in links if "/__devstatic__/" not in link} == set(EXPECTED_TYPES)
        for link in sorted(set(EXPECTED_TYPES)):
            response = client.get(link)
            assert response.status_code == 200, link
            assert (
                response.headers["content-type"].split(";")[0] == EXPECTED_TYPES[link].split(";")[0]
            )
            assert response.headers["content-type"] == EXPECTED_TYPES[link] or link.endswith(".wav")
            assert int(response.headers["content-length"]) == len(response.content) > 0


def test_demo_serves_a_range_of_the_tone(demo_url: str) -> None:
    with httpx.Client(base_url=demo_url, timeout=10) as client:
        full = client.get("/static/media/tone.wav").content
        response = client.get("/static/media/tone.wav", headers={"range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 100-199/{len(full)}"
    assert response.content == full[100:200]


def test_demo_404_suggests_the_close_match(demo_url: str) -> None:
    response = httpx.get(demo_url + "/static/css/globl.css", timeout=10)
    assert response.status_code == 404
    assert "css/global.css" in response.text
