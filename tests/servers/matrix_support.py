"""The ASGI servers of the matrix: how each is started on 127.0.0.1, and the app they run.

Each server runs as a user runs it (``python -m SERVER``, its defaults), in a copy of
the demo, with the app wrapped by ``RECORDING_APP``: it remembers the ASGI messages each
response sent and the extensions the server offered, so a test can see whether
``http.response.pathsend`` was used.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from support.servers import REPO, free_port, wait_for_port

PY = sys.executable


@dataclass(frozen=True)
class Kind:
    """One server of the matrix and the command that serves ``app`` on ``port``."""

    name: str
    command: Callable[[str, int], list[str]]
    #: Whether the server offers ``http.response.pathsend`` (granian does, in Rust).
    pathsend: bool = False
    #: Whether the app hears SIGINT: hypercorn's worker process ignores it and stops
    #: when its parent tells it to, then waits ``--graceful-timeout`` (3 s) for open
    #: responses before cancelling them, whatever the app (a bare app too).
    hears_sigint: bool = True


KINDS = [
    Kind("uvicorn", lambda app, port: [PY, "-m", "uvicorn", app, "--host", "127.0.0.1",
                                       "--port", str(port), "--no-access-log"]),
    Kind("hypercorn", lambda app, port: [PY, "-m", "hypercorn", app,
                                         "--bind", f"127.0.0.1:{port}"], hears_sigint=False),
    Kind("hypercorn-trio", lambda app, port: [PY, "-m", "hypercorn", "-k", "trio", app,
                                              "--bind", f"127.0.0.1:{port}"], hears_sigint=False),
    Kind("granian", lambda app, port: [PY, "-m", "granian", "--interface", "asgi",
                                       "--host", "127.0.0.1", "--port", str(port), app],
         pathsend=True),
    Kind("daphne", lambda app, port: [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                      app]),
]  # fmt: skip

RECORDING_APP = '''\
"""The demo, remembering what each response sent (``GET /__matrix__/sent``)."""
import json

from demo import app as demo

SENT = {}


async def app(scope, receive, send):
    if scope["type"] != "http":
        await demo(scope, receive, send)
        return
    if scope["path"] == "/__matrix__/sent":
        body = json.dumps(SENT).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
        return
    types = []

    async def recording(message):
        types.append(message["type"])
        await send(message)

    await demo(scope, receive, recording)
    SENT[scope["path"]] = {"offered": sorted(scope.get("extensions") or {}), "sent": types}
'''


BARE_APP = '''\
"""No devstatic: one endless response, to see what the server alone does at Ctrl+C."""


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"open\\n", "more_body": True})
    try:
        while True:
            message = await receive()  # the request body, then nothing until the end
            if message["type"] == "http.disconnect":
                print("bare app told the client left", flush=True)
                return
    except BaseException as exc:
        print("bare app cancelled by the server:", type(exc).__name__, flush=True)
        raise
'''

DEMO_PYPROJECT = """\
[tool.devstatic]
static-url = "/static/"
dirs = ["demo/static"]
packages = ["demo.blog"]
debug = true
"""


def demo_site(target: Path, big_file: bytes) -> Path:
    """A copy of the demo under ``target``, with ``big_file`` as ``static/big.bin``."""
    shutil.copytree(
        REPO / "demo", target / "demo", ignore=shutil.ignore_patterns("__pycache__", "collected")
    )
    (target / "pyproject.toml").write_text(DEMO_PYPROJECT)
    (target / "matrix_app.py").write_text(RECORDING_APP)
    (target / "bare_app.py").write_text(BARE_APP)
    (target / "demo" / "static" / "big.bin").write_bytes(big_file)
    return target


class Running:
    """A server of the matrix running ``app`` (the recording demo) in ``cwd``."""

    def __init__(self, kind: Kind, cwd: Path, app: str = "matrix_app:app") -> None:
        self.kind = kind
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe nobody reads: a chatty server can never block on its log.
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as self)
        self.proc = subprocess.Popen(
            kind.command(app, self.port),
            cwd=cwd,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PYTHONUNBUFFERED": "1",
                # The demo copy first, then this checkout's devstatic.
                "PYTHONPATH": os.pathsep.join([str(cwd), str(REPO)]),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group: whatever it spawns (workers) can be killed with it.
            start_new_session=True,
        )
        try:
            wait_for_port(self.port, self.proc)
        except (RuntimeError, TimeoutError) as error:
            self.kill()
            raise RuntimeError(f"{kind.name}: {error}\n{self.output()}") from None

    def output(self) -> str:
        """Everything the server has printed so far (for a failing test's message)."""
        fd = self.log.fileno()  # pread: the server shares this file's offset
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the server and its workers (the end of a test, or a stuck server)."""
        if self.proc.poll() is None or _group_alive(self.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        self.log.close()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
