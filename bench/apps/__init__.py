"""One ASGI app module per peer, each configured from the environment.

``BENCH_WORK`` is the data folder and ``BENCH_LAYOUT`` either ``single`` (one static
dir) or ``multi`` (20 dirs); every app serves its files under ``/static/``.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_COUNT = 20


def work() -> Path:
    return Path(os.environ["BENCH_WORK"])


def layout() -> str:
    return os.environ.get("BENCH_LAYOUT", "single")


def roots() -> list[Path]:
    """The static folders of this layout, in search order."""
    if layout() == "multi":
        return [work() / "multi" / f"bench_dir{i:02d}" / "static" for i in range(DIR_COUNT)]
    return [work() / "single" / "static"]


async def not_found(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    """The app behind each static handler: a bare 404."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 404, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]
