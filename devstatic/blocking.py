"""The one way devstatic runs blocking file work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

T = TypeVar("T")


async def run_blocking(func: Callable[..., T], *args: object) -> T:
    """Run ``func(*args)`` in a worker thread (asyncio or trio alike) and return its result."""
    return await anyio.to_thread.run_sync(func, *args)
