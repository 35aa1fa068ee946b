"""Starting the servers under test: every Python app under the same uvicorn, and nginx.

Servers run on CPU 1 and the load generators on CPU 0 when the machine has two or
more CPUs, so the client never steals the server's core.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, client CPUs), or ``(None, None)`` when there are too few to split."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


SERVER_CPUS, CLIENT_CPUS = cpu_split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"server exited with {proc.returncode}:\n{out}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout}s")


def _pin_server() -> None:
    if SERVER_CPUS:
        os.sched_setaffinity(0, SERVER_CPUS)


def loop_name() -> str:
    """uvloop when installed (for every app alike), else asyncio."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


@dataclass
class Server:
    """A running server: its base URL and process (the one whose memory we sample)."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for proc in (self.proc, *self.extra):
            if proc.poll() is None:
                proc.terminate()
        for proc in (self.proc, *self.extra):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            if proc.stdout:
                proc.stdout.close()


def start_uvicorn(name: str, app: str, env: dict[str, str]) -> Server:
    port = free_port()
    cmd = [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
        "--http", "httptools", "--loop", loop_name(),
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_pin_server,
    )
    return Server(name, f"http://127.0.0.1:{port}", proc)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def nginx_config(
    prefix: Path, single_port: int, multi_port: int, single: Path, multi: list[Path]
) -> str:
    """One worker, loopback only, the two layouts as two servers (20 roots via try_files)."""
    tries = " ".join(f"/{r.relative_to(multi[0].parents[1])}/$1" for r in multi)
    return f"""
worker_processes 1;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/css css; application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{single_port};
        location /static/ {{ alias {single}/; }}
    }}
    server {{
        listen 127.0.0.1:{multi_port};
        root {multi[0].parents[1]};
        location ~ ^/static/(.*)$ {{ try_files {tries} =404; }}
    }}
}}
"""


def start_nginx(single: Path, multi: list[Path]) -> tuple[Server, Server] | None:
    binary = nginx_binary()
    if binary is None:
        return None
    prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    ports = free_port(), free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, *ports, single, multi))
    proc = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_pin_server,
    )
    wait_for_port(ports[0], proc)
    wait_for_port(ports[1], proc)
    single_server = Server("nginx", f"http://127.0.0.1:{ports[0]}", proc)
    multi_server = Server("nginx", f"http://127.0.0.1:{ports[1]}", proc)
    return single_server, multi_server


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    try:
        yield servers
    finally:
        seen: set[int] = set()
        for server in servers:
            if id(server.proc) not in seen:
                seen.add(id(server.proc))
                server.stop()
