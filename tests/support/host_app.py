"""An app for the Host allow-list's end-to-end tests: a page, a stylesheet, live reload.

``write_host_app(folder)`` writes ``hostapp.py`` and ``static/css/a.css`` there; run it
with ``uvicorn hostapp:app --app-dir folder``. The page at ``/`` is the wrapped app's own
route (so any Host reaches it, as an attacker's rebound page would); the stylesheet and
the live reload endpoints are the middleware's.
"""

from __future__ import annotations

from pathlib import Path

CSS = "body { color: rgb(1, 2, 3); }\n"

APP = """
from pathlib import Path

from devstatic import StaticFilesMiddleware

PAGE = b"<!doctype html><html><head><title>host app</title></head><body>page</body></html>"


async def page(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": PAGE})


app = StaticFilesMiddleware(
    page, dirs=[Path(__file__).parent / "static"], debug=True, live_reload=True
)
"""


def write_host_app(folder: Path) -> Path:
    (folder / "static" / "css").mkdir(parents=True)
    (folder / "static" / "css" / "a.css").write_text(CSS)
    (folder / "hostapp.py").write_text(APP)
    return folder
