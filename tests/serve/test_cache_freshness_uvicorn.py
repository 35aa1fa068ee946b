"""The same freshness promise under a real uvicorn (uvloop, httptools when installed):
created, rewritten (same size, mtime put back) and deleted files between two requests,
with the cache in place (``RACY_NS = 0`` in the served app) and inotify on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest
from support.servers import run_uvicorn

APP = """
import devstatic.serve.resolver
from devstatic import Settings, StaticFilesMiddleware

devstatic.serve.resolver.RACY_NS = 0  # trust entries at once: only the cache's checks remain


async def bare(scope, receive, send):
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b""})


app = StaticFilesMiddleware(
    bare, settings=Settings(dirs=[FIRST, SECOND], debug=True, live_reload=False)
)
"""


@pytest.mark.parametrize("inotify", ["1", "0"])
def test_uvicorn_sees_created_rewritten_and_deleted_files(tmp_path: Path, inotify: str) -> None:
    if inotify == "1" and not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux only")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (tmp_path / "guard_app.py").write_text(
        APP.replace("FIRST", repr(str(first))).replace("SECOND", repr(str(second)))
    )
    env = {"DEVSTATIC_INOTIFY": inotify, "PYTHONPATH": str(tmp_path)}
    with (
        run_uvicorn("guard_app:app", cwd=tmp_path, env=env) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        assert client.get("/static/a.css").status_code == 404
        (second / "a.css").write_bytes(b"aaaa")
        assert client.get("/static/a.css").content == b"aaaa"
        assert client.get("/static/a.css").content == b"aaaa"  # now from the cache

        # An earlier dir grows the same name: it wins at the next request.
        (first / "a.css").write_bytes(b"AAAA")
        assert client.get("/static/a.css").content == b"AAAA"
        assert client.get("/static/a.css").content == b"AAAA"

        target = first / "a.css"
        stamp = target.stat().st_mtime_ns
        target.write_bytes(b"BBBB")
        os.utime(target, ns=(stamp, stamp + 1))
        assert client.get("/static/a.css").content == b"BBBB"

        target.unlink()
        assert client.get("/static/a.css").content == b"aaaa"
        (second / "a.css").unlink()
        assert client.get("/static/a.css").status_code == 404
