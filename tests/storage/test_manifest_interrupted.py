"""A manifest collectstatic killed at any moment never publishes a manifest naming a
missing file, leaves no stray temporaries after a rerun, and the rerun completes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

CSS_FILES = 400


def write_project(root: Path, version: int) -> None:
    """CSS files importing each other and referring to images; ``version`` changes them all."""
    src = root / "assets"
    for i in range(CSS_FILES):
        css = src / "css" / f"s{i:04}.css"
        css.parent.mkdir(parents=True, exist_ok=True)
        imports = f'@import "s{i - 1:04}.css";\n' if i % 10 else ""
        body = f".c{i} {{ background: url(../img/i{i % 40:02}.png) }} /* v{version} */\n"
        css.write_text(imports + body * 20)
    for i in range(40):
        img = src / "img" / f"i{i:02}.png"
        img.parent.mkdir(parents=True, exist_ok=True)
        img.write_bytes(f"png {i} v{version}".encode() * 50)
    (root / "pyproject.toml").write_text(
        "[tool.devstatic]\n"
        'dirs = ["assets"]\n'
        'static-root = "out"\n'
        'storage = "devstatic.storage.ManifestStaticFilesStorage"\n'
    )


def collectstatic(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "devstatic", "collectstatic", "--noinput", "-v0"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def assert_manifest_consistent(out: Path) -> None:
    manifest = out / "staticfiles.json"
    if not manifest.exists():
        return
    paths = json.loads(manifest.read_bytes())["paths"]  # never a half-written manifest
    for original, hashed in paths.items():
        assert (out / original).is_file(), original
        assert (out / hashed).is_file(), hashed


def test_killed_runs_never_leave_a_manifest_naming_a_missing_file(tmp_path: Path) -> None:
    write_project(tmp_path, version=1)
    first = collectstatic(tmp_path)
    assert first.wait(120) == 0
    assert_manifest_consistent(tmp_path / "out")

    # Change every file, then kill the rerun at growing delays: before, during and
    # after the hashed copies are written. Each time the manifest on disk must hold.
    write_project(tmp_path, version=2)
    for delay in (0.05, 0.2, 0.4, 0.7, 1.0):
        proc = collectstatic(tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert_manifest_consistent(tmp_path / "out")

    final = collectstatic(tmp_path)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    out = tmp_path / "out"
    assert_manifest_consistent(out)
    paths = json.loads((out / "staticfiles.json").read_bytes())["paths"]
    assert b"/* v2 */" in (out / paths["css/s0001.css"]).read_bytes()
    leftovers = [
        name for _, _, names in os.walk(out) for name in names if re.search(r"\.tmp$", name)
    ]
    assert leftovers == []


def test_a_rerun_sweeps_temporaries_a_killed_run_left_but_nothing_else(tmp_path: Path) -> None:
    from devstatic import Settings
    from devstatic.storage import FileSystemStorage

    out = tmp_path / "out"
    (out / "css").mkdir(parents=True)
    stray = out / "css" / ".site.css.devstatic-ab12_XYZ.tmp"
    stray.write_bytes(b"half a fi")
    mine = out / "css" / ".notes.tmp"
    mine.write_bytes(b"a user's own file")
    FileSystemStorage(Settings(static_root=out)).check_writable()
    assert not stray.exists()
    assert mine.read_bytes() == b"a user's own file"
