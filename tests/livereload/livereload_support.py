"""Helpers for the live reload tests: a copy of the demo, run by a restartable uvicorn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from support.servers import REPO, free_port, stop_process, wait_for_port

DEMO_PYPROJECT = """\
[tool.devstatic]
static-url = "/static/"
dirs = ["demo/static"]
packages = ["demo.blog"]
debug = true
"""


def copy_demo(target: Path) -> Path:
    """A copy of the demo (app, templates, static files, package) under ``target``."""
    shutil.copytree(
        REPO / "demo",
        target / "demo",
        ignore=shutil.ignore_patterns("__pycache__", "collected"),
    )
    (target / "pyproject.toml").write_text(DEMO_PYPROJECT)
    return target


class Server:
    """``uvicorn demo:app`` in ``cwd`` on a fixed port, which can be stopped and started again."""

    def __init__(self, cwd: Path, app: str = "demo:app") -> None:
        self.cwd = cwd
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.args: list[str] = []
        #: Extra environment variables for the server.
        self.env: dict[str, str] = {}
        # A file, not a pipe nobody reads: a chatty server can never block on its log.
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as self)

    def start(self) -> None:
        cmd = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [*cmd, "--port", str(self.port), "--no-access-log", *self.args],
            cwd=self.cwd,
            env={
                "PATH": "/usr/bin:/bin",
                "PYTHONUNBUFFERED": "1",
                # This checkout's devstatic, whatever the venv's editable install points at.
                "PYTHONPATH": os.pathsep.join([str(self.cwd), str(REPO)]),
                **self.env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, self.proc)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}\n{self.output()}") from None

    def output(self) -> str:
        """Everything the server has printed so far (for a failing test's message)."""
        fd = self.log.fileno()  # pread: the server shares this file's offset
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def stop(self) -> int | None:
        """Stop with SIGINT as Ctrl+C does; the exit status (killed after 10 s if stuck)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        stop_process(proc)
        return proc.returncode
