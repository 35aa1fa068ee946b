"""Fixtures for the command tests: a small project on disk and an in-process CLI runner."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands_helpers import DEFAULT_CONFIG, Project, Result

from devstatic.cli.main import main


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Project:
    """``static/`` (css/base.css, js/app.js), ``node/dist`` served under ``vendor/``, and a
    package whose ``static/`` has css/base.css again and pkg/only.js; cwd is the project."""
    root = tmp_path / "proj"
    root.mkdir()
    package = f"dspkg_{abs(hash(request.node.nodeid)) % 10**8}"
    proj = Project(root, package)
    proj.configure(DEFAULT_CONFIG.format(package=package))
    proj.write("static/css/base.css", "body { color: red }\n")
    proj.write("static/js/app.js", "console.log(1)\n")
    proj.write("node/dist/lib.js", "export const lib = 1\n")
    proj.write(f"pylib/{package}/__init__.py", "")
    proj.write(f"pylib/{package}/static/css/base.css", "body { color: blue }\n")
    proj.write(f"pylib/{package}/static/pkg/only.js", "only\n")
    monkeypatch.syspath_prepend(str(root / "pylib"))
    monkeypatch.chdir(root)
    return proj


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run ``devstatic ARGS...`` in this process; returns the exit code and both outputs."""
    # main() puts the project folder on sys.path, as manage.py does; undo it after the test.
    monkeypatch.setattr(sys, "path", list(sys.path))

    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
