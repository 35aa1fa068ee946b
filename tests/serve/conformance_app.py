"""The app the end-to-end HTTP tests run under uvicorn: devstatic over DEVSTATIC_TEST_ROOT."""

from __future__ import annotations

import os
from typing import Any

from devstatic import Settings, StaticFilesMiddleware


async def fallback(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b"not static"})


app = StaticFilesMiddleware(
    fallback, settings=Settings(dirs=[os.environ["DEVSTATIC_TEST_ROOT"]], debug=True)
)
