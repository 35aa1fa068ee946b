"""On Linux one inotify instance serves the cache and live reload: each folder once.

A real uvicorn serving the demo, with an event stream open and an edit reported on it;
then the server's own descriptors (``/proc/PID/fd``) and their watches (``fdinfo``) are
counted. Before live reload shared the resolver's feed, watchfiles watched every folder
a second time through an instance of its own.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx
import pytest
from livereload_support import Server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")

SAFETY = 10.0  # seconds: only a bound on a hung test, never a speed assertion


def inotify_watches(pid: int) -> list[int]:
    """How many folders each inotify instance of process ``pid`` watches."""
    counts: list[int] = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
        except OSError:
            continue
        if target == "anon_inode:inotify":
            counts.append(sum(line.startswith("inotify wd:") for line in info.splitlines()))
    return counts


def folders(*roots: Path) -> int:
    return sum(1 for root in roots for _folder in os.walk(root))


def edit_and_hear(server: Server, css: Path) -> list[str]:
    """Open the event stream, edit ``css``, return the paths of the event that follows."""
    with (
        httpx.Client(timeout=SAFETY) as http,
        http.stream("GET", server.url + "/static/__devstatic__/events") as events,
    ):
        lines = events.iter_lines()
        assert next(lines) == ": devstatic"
        http.get(server.url + "/static/css/global.css").raise_for_status()
        css.write_text(css.read_text() + "\n/* edited */\n")
        for line in lines:
            if line.startswith("data: "):
                paths: list[str] = json.loads(line[len("data: ") :])["paths"]
                return paths
    raise AssertionError("the stream ended without an event")


def test_one_inotify_instance_watches_each_folder_once(demo_copy: Path) -> None:
    server = Server(demo_copy)
    server.start()
    try:
        static = demo_copy / "demo" / "static"
        assert edit_and_hear(server, static / "css" / "global.css") == ["css/global.css"]
        assert server.proc is not None
        watches = inotify_watches(server.proc.pid)
    finally:
        server.stop()
    assert watches == [folders(static, demo_copy / "demo" / "blog" / "static")]


def test_without_the_feed_watchfiles_alone_watches_for_live_reload(demo_copy: Path) -> None:
    server = Server(demo_copy)
    server.env["DEVSTATIC_INOTIFY"] = "0"
    server.start()
    try:
        static = demo_copy / "demo" / "static"
        assert edit_and_hear(server, static / "css" / "global.css") == ["css/global.css"]
        assert server.proc is not None
        watches = inotify_watches(server.proc.pid)
    finally:
        server.stop()
    assert len(watches) == 1
