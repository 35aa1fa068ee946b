"""A real nginx in the foreground on a loopback port, from a generated config."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from support.servers import free_port, require_program, stop_process, wait_for_port

CONF = """\
daemon off;
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{http}
    server {{
        listen 127.0.0.1:{port};
{server}
    }}
}}
"""


def nginx_binary() -> str:
    """nginx's path; missing fails under CI (``make test`` installs it) and skips elsewhere."""
    return require_program("nginx", "/usr/sbin/nginx")


@contextlib.contextmanager
def run_nginx(tmp: Path, server: str, http: str = "") -> Iterator[str]:
    """Run nginx with ``server`` inside its ``server {}`` and ``http`` beside it; yields the URL."""
    binary = nginx_binary()
    port = free_port()
    # The worker must read files under pytest's 0700 tmp folder: as root, run it as root.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(CONF.format(user=user, tmp=tmp, port=port, http=http, server=server))
    cmd = [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        try:
            wait_for_port(port, proc, timeout=15)
        except RuntimeError as exc:
            log = tmp / "error.log"
            raise AssertionError(f"{exc}\n{log.read_text() if log.exists() else ''}") from exc
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)
        if proc.stdout:
            proc.stdout.close()
