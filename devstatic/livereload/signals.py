"""Hearing that the server is stopping before it waits for open responses.

uvicorn stops in this order: stop accepting, wait for every open response to finish,
and only then send ``lifespan.shutdown``. An event stream never finishes by itself, so
waiting for the lifespan message would keep ``Ctrl+C`` and ``uvicorn --reload`` waiting
forever. The server's own SIGINT/SIGTERM handler is therefore chained: ours runs first
(ending the streams on the loop), then the server's, unchanged.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def chain_exit_signals(callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` on SIGINT/SIGTERM before the server's own handler; returns an undo.

    Only a Python handler a server installed is chained: Python's default SIGINT handler
    (plain scripts, pytest) and the OS defaults are left alone, as is any thread but the
    main one (where signal handlers cannot be set).
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    installed: dict[int, tuple[Any, Callable[[int, FrameType | None], None]]] = {}
    for sig in SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous) or previous is signal.default_int_handler:
            continue

        def handler(
            signum: int, frame: FrameType | None, previous: Callable[..., Any] = previous
        ) -> None:
            with contextlib.suppress(Exception):
                callback()
            previous(signum, frame)

        signal.signal(sig, handler)
        installed[sig] = (previous, handler)

    def undo() -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig, (previous, handler) in installed.items():
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous)
        installed.clear()

    return undo
