"""Run real Django as the reference for the manifest core.

The reference interpreter is ``$DEVSTATIC_DJANGO_PYTHON`` when set, else the
interpreter running the tests. Our rules are Django 6.1's, and Django 6.1 needs
Python 3.12; on a Python 3.11 venv (Django 5.2) the tests that depend on what
changed in 6.0/6.1 are skipped, and the others still run. To run them all::

    python3.12 -m venv /tmp/dj61 && /tmp/dj61/bin/pip install 'django>=6.1,<6.2'
    DEVSTATIC_DJANGO_PYTHON=/tmp/dj61/bin/python pytest tests/manifest
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from manifest_django import DjangoReference, DjangoRun, RunDjango
from support.servers import in_ci

HELPER = Path(__file__).with_name("django_collect.py")


@pytest.fixture(scope="session")
def django_reference() -> DjangoReference:
    python = os.environ.get("DEVSTATIC_DJANGO_PYTHON") or sys.executable
    probe = subprocess.run(
        [python, "-c", "import django, json; print(json.dumps(django.VERSION[:3]))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        _missing(f"Django is not importable with {python}: {probe.stderr.strip()}")
    major, minor, micro = json.loads(probe.stdout)
    return DjangoReference(python, (major, minor, micro))


@pytest.fixture
def django61(django_reference: DjangoReference) -> DjangoReference:
    """The reference, when it is Django 6.1 or later (the rules we copy)."""
    if django_reference.version < (6, 1, 0):
        _missing(
            f"needs Django >= 6.1 as reference, found {django_reference.version} at "
            f"{django_reference.python}; set DEVSTATIC_DJANGO_PYTHON (make test does)"
        )
    return django_reference


def _missing(reason: str) -> None:
    """Skip on a developer's machine; under CI the reference must be there (make test
    builds it), so a missing one fails instead of hiding a skipped differential test."""
    if in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def run_django(django_reference: DjangoReference, tmp_path: Path) -> RunDjango:
    """``run_django(files, js_imports=..., static_url=...)``: collectstatic them."""
    counter = iter(range(1_000_000))

    def run(
        files: Mapping[str, bytes], *, js_imports: bool = True, static_url: str = "/static/"
    ) -> DjangoRun:
        base = tmp_path / f"django-{next(counter)}"
        source, static_root = base / "src", base / "root"
        write_tree(source, files)
        done = subprocess.run(
            [
                django_reference.python,
                str(HELPER),
                str(source),
                str(static_root),
                static_url,
                "1" if js_imports else "0",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        root_files = read_tree(static_root) if static_root.exists() else {}
        manifest = root_files.pop("staticfiles.json", None)
        major, minor, micro = report["django"]
        return DjangoRun(
            version=(major, minor, micro),
            order=report["order"],
            error=report["error"],
            stderr=report["stderr"],
            manifest=manifest,
            root_files=root_files,
        )

    return run
