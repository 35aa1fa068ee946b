"""A 200 MB file streams under uvicorn with the server's memory bounded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from support.servers import run_uvicorn

HERE = Path(__file__).parent
SIZE = 200 * 1024 * 1024
LIMIT = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, psutil.Process]]:
    root = tmp_path_factory.mktemp("bigfile") / "static"
    root.mkdir()
    with (root / "sparse.bin").open("wb") as handle:
        handle.truncate(SIZE)  # sparse: no disk used, reads give zeros
    env = {"DEVSTATIC_TEST_ROOT": str(root)}
    with run_uvicorn("conformance_app:app", cwd=HERE, env=env) as url:
        port = url.rsplit(":", 1)[1]
        process = next(p for p in psutil.Process().children(recursive=True) if port in p.cmdline())
        yield url, process


def download(url: str, process: psutil.Process, headers: dict[str, str]) -> tuple[int, int, int]:
    """(status, bytes received, peak server RSS sampled every MiB or so)."""
    peak = process.memory_info().rss
    received = 0
    since_sample = 0
    with httpx.Client(timeout=60) as client, client.stream("GET", url, headers=headers) as response:
        for chunk in response.iter_raw(64 * 1024):
            received += len(chunk)
            since_sample += len(chunk)
            if since_sample >= 1024 * 1024:
                since_sample = 0
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, process.memory_info().rss)
        status = response.status_code
    return status, received, peak


def test_a_200_mb_file_is_served_with_server_rss_under_100_mb(
    server: tuple[str, psutil.Process],
) -> None:
    url, process = server
    status, received, peak = download(f"{url}/static/sparse.bin", process, {})
    assert status == 200
    assert received == SIZE
    assert peak < LIMIT, f"server RSS peaked at {peak / 2**20:.1f} MiB"


def test_a_large_multipart_range_is_served_with_bounded_memory(
    server: tuple[str, psutil.Process],
) -> None:
    url, process = server
    headers = {"range": "bytes=0-99999999,150000000-"}
    status, received, peak = download(f"{url}/static/sparse.bin", process, headers)
    assert status == 206
    assert received > 100_000_000 + (SIZE - 150_000_000)
    assert peak < LIMIT, f"server RSS peaked at {peak / 2**20:.1f} MiB"
