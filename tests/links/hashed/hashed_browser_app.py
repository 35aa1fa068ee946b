"""A page styled and scripted through ``static()`` with hashed URLs, for the browser tests
and the browser benchmark: ``HASHED_ROOT`` is the folder holding ``static/``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from devstatic import Settings, StaticFilesMiddleware, static

ROOT = Path(os.environ["HASHED_ROOT"])
settings = Settings(
    dirs=[ROOT / "static"],
    debug=True,
    storage="devstatic.storage.ManifestStaticFilesStorage",
    static_root=ROOT / "collected",
    hashed_urls=os.environ.get("HASHED_URLS", "1") == "1",
    live_reload=True,
)


def page() -> bytes:
    reload_js = settings.static_url + "__devstatic__/reload.js"
    return (
        '<!doctype html><html><head><meta charset=utf-8><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{static("css/app.css", settings)}"></head>'
        '<body><h1>hashed</h1><input id="note">'
        f'<script type="module" src="{static("js/main.js", settings)}"></script>'
        f'<script src="{reload_js}"></script></body></html>'
    ).encode()


async def site(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = page()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = StaticFilesMiddleware(site, settings=settings)
