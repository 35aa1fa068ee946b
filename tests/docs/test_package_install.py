"""A newcomer's install: the wheel and sdist built from the source, the wheel installed
into a fresh venv (not editable), then the quick start and the commands run from it.

The build backend (setuptools >= 77, for the SPDX ``license``) comes from the package
index as ``python -m build`` asks for it; the fresh venv gets the wheel and anyio through
the shared venv's pip (``pip --python``), so no pip is bootstrapped into it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CSS = "body { color: rebeccapurple; }\n"
#: The extras a user may ask for; the repository's own needs are dependency groups.
PUBLISHED_EXTRAS = ["jinja", "live", "rich", "brotli", "s3", "testing", "all"]

DRIVER = """
import asyncio, sys
import main, devstatic

async def request(path):
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [], "asgi": {"version": "3.0"}}
    await main.app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

print(devstatic.__file__)
print(asyncio.run(request("/static/css/global.css")))
print(asyncio.run(request("/")))
"""


def run(args: list[str], cwd: Path, timeout: float = 120) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DEVSTATIC_DEBUG")}
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def readme_block(title: str) -> str:
    """The Python block right after the ``**title**`` line of the README's quick start."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"\*\*{re.escape(title)}\*\*\n\n```python\n(.*?)```", text, re.DOTALL)
    assert found, f"the README's {title} quick start is gone"
    return found[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel, built from a copy of what the sdist ships (the repo stays clean)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "devstatic", source / "devstatic", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=source)
    return out


def test_the_wheel_carries_license_urls_and_only_the_user_extras(dist: Path) -> None:
    (wheel,) = dist.glob("devstatic-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(meta_name).decode()
    assert "devstatic/py.typed" in names
    assert "devstatic/livereload/reload.js" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    headers = metadata.split("\n\n", 1)[0].splitlines()
    assert "License-Expression: BSD-3-Clause" in headers
    assert "Project-URL: Homepage, https://github.com/devstatic/devstatic" in headers
    assert "Project-URL: Issues, https://github.com/devstatic/devstatic/issues" in headers
    extras = [h.split(": ", 1)[1] for h in headers if h.startswith("Provides-Extra: ")]
    assert extras == PUBLISHED_EXTRAS
    (sdist,) = dist.glob("devstatic-*.tar.gz")
    with tarfile.open(sdist) as archive:
        assert f"{sdist.name.removesuffix('.tar.gz')}/LICENSE" in archive.getnames()


def test_the_installed_wheel_runs_the_quick_start_and_the_commands(
    dist: Path, tmp_path: Path
) -> None:
    (wheel,) = dist.glob("devstatic-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)],
        cwd=tmp_path,
        timeout=180,
    )
    app = tmp_path / "app"
    (app / "static" / "css").mkdir(parents=True)
    (app / "static" / "css" / "global.css").write_text(CSS)
    (app / "main.py").write_text(readme_block("Any ASGI app"))
    (app / "driver.py").write_text(DRIVER)
    location, css, home = run([str(python), "driver.py"], cwd=app).splitlines()
    assert location.startswith(str(venv)), location  # the wheel, not the source tree
    assert css == repr((200, CSS.encode()))
    assert home == "(200, b'Hello')"
    version = run([str(venv / "bin" / "devstatic"), "--version"], cwd=app)
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert version == f"devstatic {expected}\n"
    (app / "pyproject.toml").write_text('[tool.devstatic]\ndirs = ["static"]\n')
    found = run([str(venv / "bin" / "devstatic"), "findstatic", "css/global.css"], cwd=app)
    assert found == f"Found 'css/global.css' here:\n  {app / 'static/css/global.css'}\n"
