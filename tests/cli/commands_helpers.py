"""Helpers of the command tests: a project on disk, running devstatic in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A project folder with a pyproject.toml; ``write`` adds files below it."""

    root: Path
    package: str

    def write(self, relative: str, content: str | bytes = "x") -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def configure(self, body: str) -> Path:
        """(Re)write pyproject.toml with ``[tool.devstatic]`` = ``body``."""
        return self.write("pyproject.toml", "[tool.devstatic]\n" + body)

    @property
    def collected(self) -> Path:
        return self.root / "collected"


DEFAULT_CONFIG = """\
dirs = ["static", ["vendor", "node/dist"]]
packages = ["{package}"]
static-root = "collected"
"""


def subprocess_env(extra_path: Path | None = None, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEVSTATIC_DEBUG", "PYTHONPATH")}
    paths = [str(REPO)] + ([str(extra_path)] if extra_path else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(more)
    return env


def run_devstatic(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m devstatic ARGS`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "devstatic", *args],
        cwd=cwd,
        env=dict(env) if env is not None else subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tree(root: Path) -> list[str]:
    """Every file (and symlink) below ``root`` as a relative POSIX path, sorted."""
    out = []
    for folder, dirs, files in os.walk(root):
        names = files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        out += [Path(folder, name).relative_to(root).as_posix() for name in names]
    return sorted(out)


def run_in_terminal(
    args: list[str],
    cwd: Path,
    env: Mapping[str, str],
    answer: str | None = None,
    timeout: float = 30,
) -> tuple[int, str]:
    """``python -m devstatic ARGS`` on a pseudo-terminal; types ``answer`` at the prompt.

    Returns the exit status and everything the terminal showed (stdout and stderr).
    """
    import pty
    import select
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstatic", *args],
        cwd=cwd,
        env={**env, "TERM": "xterm", "COLUMNS": "100"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    answered = answer is None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"Type 'yes' to continue" in seen:
                os.write(master, (answer or "").encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, seen.decode("utf-8", "replace").replace("\r\n", "\n")
