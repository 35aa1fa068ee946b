"""The module-graph page (bench.browser_modules) under each Python server.

``BENCH_MODULES_KIND``: ``hashed`` / ``plain`` (devstatic, with or without hashed URLs),
``starlette`` (``StaticFiles``) or ``servestatic`` (``autorefresh=True``);
``BENCH_MODULES_ROOT``: the folder holding ``static/``. The page names its entry module
through ``static()`` in every case (a plain URL where there are no hashed names).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from devstatic import Settings, StaticFilesMiddleware, static

KIND = os.environ["BENCH_MODULES_KIND"]
ROOT = Path(os.environ["BENCH_MODULES_ROOT"])
settings = Settings(
    dirs=[ROOT / "static"],
    debug=True,
    storage="devstatic.storage.ManifestStaticFilesStorage",
    static_root=ROOT / "collected",
    hashed_urls=KIND == "hashed",
    live_reload=False,
)


def page_html() -> bytes:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f'</head><body><script type="module" src="{static("js/main.js", settings)}">'
        "</script></body></html>"
    ).encode()


async def page(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["path"] != "/":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": page_html()})


app: Any
if KIND in ("hashed", "plain"):
    app = StaticFilesMiddleware(page, settings=settings)
elif KIND == "starlette":
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    async def page_response(request: Request) -> Response:
        return Response(page_html(), media_type="text/html", headers={"cache-control": "no-cache"})

    app = Starlette(
        routes=[
            Route("/", page_response),
            Mount("/static", app=StaticFiles(directory=ROOT / "static")),
        ]
    )
else:
    from servestatic import ServeStaticASGI

    app = ServeStaticASGI(page, autorefresh=True)
    app.add_files(str(ROOT / "static"), prefix="static/")
