"""Faults: files changing mid-stream, clients leaving, files vanishing or unreadable."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import psutil
import pytest
from conformance_helpers import body_of, http_scope, middleware_for, pattern_bytes
from support.servers import free_port, require_program, run_uvicorn, stop_process, wait_for_port

from devstatic.serve.resolver import SMALL_FILE
from devstatic.serve.send import CHUNK_SIZE

HERE = Path(__file__).parent
BIG_SIZE = 32 * 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, psutil.Process]]:
    root = tmp_path_factory.mktemp("faults") / "static"
    root.mkdir()
    with run_uvicorn(
        "conformance_app:app", cwd=HERE, env={"DEVSTATIC_TEST_ROOT": str(root)}
    ) as url:
        port = int(url.rsplit(":", 1)[1])
        yield url, root, server_process(port)


def server_process(port: int) -> psutil.Process:
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if str(port) in child.cmdline():
                return child
    raise AssertionError(f"no uvicorn child listening on {port}")


def open_paths(process: psutil.Process) -> set[str]:
    """Every file the server has open, read from /proc (psutil's open_files skips none)."""
    paths = set()
    for fd in os.listdir(f"/proc/{process.pid}/fd"):
        with contextlib.suppress(OSError):
            paths.add(os.readlink(f"/proc/{process.pid}/fd/{fd}"))
    return paths


def wait_until(condition: Any, what: str, timeout: float = 15.0) -> None:
    """Poll ``condition`` (bounded); the bound is a safety net, not the assertion."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


class SlowClient:
    """A raw HTTP/1.1 client with a tiny receive window, so the server stays mid-stream."""

    def __init__(self, url: str, path: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        self.sock.settimeout(20)
        self.sock.connect((host, int(port)))
        request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            assert chunk, "closed before the headers"
            head += chunk
        raw_head, _, first = head.partition(b"\r\n\r\n")
        self.body = bytearray(first)
        lines = raw_head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {
            k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])
        }

    def read(self, at_least: int) -> None:
        while len(self.body) < at_least:
            chunk = self.sock.recv(65536)
            assert chunk
            self.body += chunk

    def read_to_eof(self) -> bool:
        """Read until the server closes; False if it closed by reset."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        try:
            while chunk := self.sock.recv(65536):
                self.body += chunk
        except ConnectionResetError:
            return False
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def big(
    served: tuple[str, Path, psutil.Process], request: pytest.FixtureRequest
) -> tuple[Path, bytes]:
    data = pattern_bytes(BIG_SIZE)
    path = served[1] / f"{request.node.name[:40]}.bin"
    path.write_bytes(data)
    return path, data


def test_a_file_that_shrinks_mid_stream_closes_the_connection_short(
    served: tuple[str, Path, psutil.Process], big: tuple[Path, bytes]
) -> None:
    url, _, _ = served
    path, data = big
    client = SlowClient(url, f"/static/{path.name}")
    assert client.status == 200 and int(client.headers["content-length"]) == BIG_SIZE
    client.read(100_000)
    os.truncate(path, 1024 * 1024)
    client.read_to_eof()
    client.close()
    assert len(client.body) < BIG_SIZE
    assert client.body == data[: len(client.body)]


def test_a_file_that_grows_mid_stream_sends_exactly_content_length(
    served: tuple[str, Path, psutil.Process], big: tuple[Path, bytes]
) -> None:
    url, _, _ = served
    path, data = big
    client = SlowClient(url, f"/static/{path.name}")
    client.read(100_000)
    with path.open("ab") as handle:
        handle.write(b"X" * 5_000_000)
    client.read_to_eof()
    client.close()
    assert len(client.body) == BIG_SIZE == int(client.headers["content-length"])
    assert client.body == data


def test_a_file_deleted_mid_stream_is_sent_whole_from_the_open_descriptor(
    served: tuple[str, Path, psutil.Process], big: tuple[Path, bytes]
) -> None:
    url, _, process = served
    path, data = big
    client = SlowClient(url, f"/static/{path.name}")
    client.read(100_000)
    path.unlink()
    client.read_to_eof()
    client.close()
    assert client.body == data
    wait_until(lambda: not any(p.startswith(str(path)) for p in open_paths(process)), "fd closed")
    assert httpx.get(f"{url}/static/{path.name}").status_code == 404


def test_a_client_that_disconnects_mid_download_leaves_no_open_file(
    served: tuple[str, Path, psutil.Process],
) -> None:
    url, root, process = served
    # Sparse and huge: if the server kept reading after the client left, it would hold
    # the descriptor for the many seconds it takes to read 64 GiB of holes.
    path = root / "huge.bin"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024**3)
    try:
        client = SlowClient(url, "/static/huge.bin")
        client.read(200_000)
        assert str(path) in open_paths(process)  # mid-stream, the file is open
        client.sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        client.close()
        wait_until(lambda: str(path) not in open_paths(process), "the server closed huge.bin", 8)
    finally:
        path.unlink()


async def test_streaming_stops_when_the_client_disconnects(tmp_path: Path) -> None:
    """Uvicorn drops messages sent after a disconnect; the sender must stop reading."""
    (tmp_path / "big.bin").write_bytes(pattern_bytes(20 * CHUNK_SIZE))
    middleware = middleware_for(tmp_path)
    sent: list[dict[str, Any]] = []
    gone = anyio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if len(sent) == 3:
            gone.set()
        await anyio.sleep(0)

    with anyio.fail_after(10):
        await middleware(http_scope(b"/static/big.bin"), receive, send)
    assert len(sent) < 8  # the start, a few chunks, not all twenty
    assert all(m.get("more_body") for m in sent[1:])  # never claims to be complete
    assert not any(p.endswith("big.bin") for p in open_paths(psutil.Process()))


async def test_a_file_deleted_between_lookup_and_open_is_404(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(pattern_bytes(SMALL_FILE + 1))
    middleware = middleware_for(tmp_path)
    original = middleware.resolver.resolve

    async def resolve_then_delete(name: str) -> Any:
        entry = await original(name)
        if entry is not None and path.exists():
            path.unlink()
        return entry

    middleware.resolver.resolve = resolve_then_delete  # type: ignore[method-assign]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(middleware), base_url="http://localhost"
    ) as c:
        response = await c.get("/static/big.bin")
    assert response.status_code == 404


async def test_a_file_replaced_between_lookup_and_open_is_described_anew(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(pattern_bytes(SMALL_FILE + 1))
    middleware = middleware_for(tmp_path)
    original = middleware.resolver.resolve
    replacement = b"r" * (SMALL_FILE + 99)
    replaced = False

    async def resolve_then_replace(name: str) -> Any:
        nonlocal replaced
        entry = await original(name)
        if not replaced:
            replaced = True
            (tmp_path / "new.tmp").write_bytes(replacement)
            (tmp_path / "new.tmp").replace(path)
        return entry

    middleware.resolver.resolve = resolve_then_replace  # type: ignore[method-assign]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(middleware), base_url="http://localhost"
    ) as c:
        response = await c.get("/static/big.bin")
    assert response.status_code == 200
    assert response.content == replacement


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_permission_denied_at_open_is_403_not_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """The sender's PermissionError path: readable at lookup, refused when opened to send.
    HEAD meets it too (it answers what GET would), and so does a repeated request."""
    import devstatic.serve.send as sender

    (tmp_path / "big.bin").write_bytes(pattern_bytes(SMALL_FILE + 1))

    def refuse(path: str, version: tuple[int, ...]) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(sender, "open_checked", refuse)
    middleware = middleware_for(tmp_path)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    for _ in range(2):
        sent.clear()
        await middleware(http_scope(b"/static/big.bin", method), receive, send)
        assert sent[0]["status"] == 403
        assert body_of(sent) == (b"Forbidden\n" if method == "GET" else b"")


def test_an_unreadable_file_is_404_or_403_under_a_real_server(tmp_path: Path) -> None:
    """chmod 000 under a real uvicorn. Root reads anything (CAP_DAC_OVERRIDE), so as root
    the server is started by ``setpriv`` without the two capabilities that bypass file
    permissions: it is still uid 0, but the mode bits of its own files now apply."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.txt").write_text("ok")
    (static / "locked.txt").write_text("LOCKED-CONTENT")
    (static / "locked_big.bin").write_bytes(b"x" * (SMALL_FILE + 1))
    for name in ("locked.txt", "locked_big.bin"):
        os.chmod(static / name, 0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = require_program("setpriv", "/usr/bin/setpriv")
        caps = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
    port = free_port()
    proc = subprocess.Popen(
        [
            *prefix,
            sys.executable,
            "-m",
            "uvicorn",
            "conformance_app:app",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--no-access-log",
        ],
        cwd=HERE,
        env={**os.environ, "DEVSTATIC_TEST_ROOT": str(static)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc)
        base = f"http://127.0.0.1:{port}/static"
        assert httpx.get(f"{base}/ok.txt").text == "ok"
        for name in ("locked.txt", "locked_big.bin"):
            response = httpx.get(f"{base}/{name}")
            assert response.status_code in (403, 404), name
            assert b"LOCKED-CONTENT" not in response.content
            assert response.content[:1] != b"x"
            head = httpx.head(f"{base}/{name}")
            assert head.status_code == response.status_code, name
    finally:
        stop_process(proc)
        if proc.stdout:
            proc.stdout.close()
        for name in ("locked.txt", "locked_big.bin"):
            os.chmod(static / name, 0o600)


async def test_a_shrinking_file_is_logged_and_never_completes_the_response(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(pattern_bytes(8 * CHUNK_SIZE))
    middleware = middleware_for(tmp_path)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if len(sent) == 2:
            os.truncate(path, 3 * CHUNK_SIZE + 10)

    with caplog.at_level("WARNING", logger="devstatic"):
        await middleware(http_scope(b"/static/big.bin"), receive, send)
    length = int(dict(sent[0]["headers"])[b"content-length"])
    assert length == 8 * CHUNK_SIZE
    assert len(body_of(sent)) == 3 * CHUNK_SIZE + 10 < length
    assert all(m.get("more_body") for m in sent[1:])  # the server closes the connection
    assert "shrank while being sent" in caplog.text
