"""The app the model-based walk runs under uvicorn: devstatic over two roots, with the
racy-window clock set by the test through a file (``DEVSTATIC_MODEL_CLOCK``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from devstatic import Settings, StaticFilesMiddleware

ROOTS = os.environ["DEVSTATIC_MODEL_ROOTS"].split(os.pathsep)
NOW_FILE = Path(os.environ["DEVSTATIC_MODEL_CLOCK"])


async def fallback(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 500, "headers": []})
    await send({"type": "http.response.body", "body": b"static requests must not get here"})


def clock() -> int:
    """The time the test says it is (frozen between its ticks)."""
    return int(NOW_FILE.read_text() or 0)


app = StaticFilesMiddleware(fallback, settings=Settings(dirs=ROOTS, debug=True, live_reload=False))
app.resolver.clock = clock
