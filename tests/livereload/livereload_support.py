"""Helpers for the live reload tests: a copy of the demo, run by a restartable uvicorn."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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

    def start(self) -> None:
        cmd = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [*cmd, "--port", str(self.port), "--no-access-log", *self.args],
            cwd=self.cwd,
            env={"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(self.cwd)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.proc)

    def stop(self) -> int | None:
        """Stop with SIGINT as Ctrl+C does; the exit status (killed after 10 s if stuck)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        stop_process(proc)
        if proc.stdout:
            proc.stdout.close()
        return proc.returncode
