"""The Host allow-list under real uvicorn: raw HTTP/1.x requests with every form of Host."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from support.host_app import CSS, write_host_app
from support.servers import run_uvicorn


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = write_host_app(tmp_path_factory.mktemp("hostapp"))
    with run_uvicorn("hostapp:app", args=["--app-dir", str(folder)]) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def raw_get(server: tuple[str, int], head: str) -> tuple[int, bytes]:
    """Send ``head`` (request line and headers) as is; the status and body received."""
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def get_css(server: tuple[str, int], host: str) -> tuple[int, bytes]:
    return raw_get(
        server, f"GET /static/css/a.css HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    )


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:{port}",
        "LocalHost:{port}",
        "localhost.:{port}",
        "app.localhost:{port}",
        "127.0.0.1:{port}",
        "[::1]:{port}",
        "10.1.2.3",
    ],
)
def test_localhost_names_and_ip_literals_are_served(server: tuple[str, int], host: str) -> None:
    status, body = get_css(server, host.format(port=server[1]))
    assert (status, body) == (200, CSS.encode())


@pytest.mark.parametrize(
    "host", ["attacker.test:{port}", "ATTACKER.test.", "localhost.attacker.test", "testserver"]
)
def test_other_hosts_get_403(server: tuple[str, int], host: str) -> None:
    status, body = get_css(server, host.format(port=server[1]))
    assert status == 403
    assert body.startswith(b"403 Forbidden: devstatic does not answer for the host '")
    assert CSS.encode() not in body


def test_http10_without_host_is_judged_by_the_listening_address(server: tuple[str, int]) -> None:
    status, body = raw_get(server, "GET /static/css/a.css HTTP/1.0\r\n")
    assert (status, body) == (200, CSS.encode())


def test_live_reload_script_and_events_are_refused_for_other_hosts(
    server: tuple[str, int],
) -> None:
    for path in ("reload.js", "events"):
        head = f"GET /static/__devstatic__/{path} HTTP/1.1\r\nHost: attacker.test\r\n"
        status, _ = raw_get(server, head + "Connection: close\r\n")
        assert status == 403


def test_the_apps_own_page_is_served_to_any_host(server: tuple[str, int]) -> None:
    status, body = raw_get(server, "GET / HTTP/1.1\r\nHost: attacker.test\r\nConnection: close\r\n")
    assert status == 200
    assert b"host app" in body


def test_paths_like_the_static_prefix_are_the_apps(server: tuple[str, int]) -> None:
    head = "GET /staticky HTTP/1.1\r\nHost: attacker.test\r\nConnection: close\r\n"
    assert raw_get(server, head)[0] == 200
