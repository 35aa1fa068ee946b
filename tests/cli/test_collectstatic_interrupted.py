"""A collectstatic killed mid-run leaves no truncated file, and a rerun finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from commands_helpers import Project, run_devstatic, subprocess_env, tree

FILES = 2000


def make_tree(root: Path) -> dict[str, bytes]:
    """``FILES`` small files in 30 folders, plus a few larger ones, each with distinct bytes."""
    contents: dict[str, bytes] = {}
    for i in range(FILES):
        name = f"d{i % 30:02}/f{i:05}.txt"
        contents[name] = f"{i:05} ".encode() * (20 + i % 50)
    for i in range(3):
        contents[f"big/b{i}.bin"] = os.urandom(2 << 20)
    for name, data in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return contents


def count_files(root: Path) -> int:
    if not root.is_dir():
        return 0
    return sum(len(files) for _, _, files in os.walk(root))


def test_collectstatic_killed_mid_run_leaves_only_whole_files(project: Project) -> None:
    project.configure('dirs = ["many"]\nstatic-root = "collected"\n')
    sources = make_tree(project.root / "many")
    env = subprocess_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstatic", "collectstatic", "--noinput", "-v0"],
        cwd=project.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while count_files(project.collected) < 50 and proc.poll() is None:
            assert time.monotonic() < deadline, "collectstatic wrote nothing in 30 s"
            time.sleep(0.002)
        was_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert was_running, "collectstatic finished before it could be killed"

    stored = [name for name in tree(project.collected) if not name.endswith(".tmp")]
    assert 0 < len(stored) < len(sources), "the run was not interrupted mid-way"
    for name in stored:
        assert (project.collected / name).read_bytes() == sources[name], name

    done = run_devstatic(["collectstatic", "--noinput"], cwd=project.root, env=env)
    assert done.returncode == 0, done.stderr
    for name, data in sources.items():
        assert (project.collected / name).read_bytes() == data, name
