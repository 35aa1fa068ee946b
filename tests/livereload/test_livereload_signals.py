"""Chaining the server's exit signal handlers, so streams end before the server waits."""

from __future__ import annotations

import signal
from types import FrameType

from devstatic.livereload.signals import chain_exit_signals


def test_callback_runs_before_the_servers_handler_and_undo_restores_it() -> None:
    calls: list[str] = []

    def server_handler(signum: int, frame: FrameType | None) -> None:
        calls.append("server")

    previous = signal.signal(signal.SIGTERM, server_handler)
    try:
        undo = chain_exit_signals(lambda: calls.append("devstatic"))
        signal.raise_signal(signal.SIGTERM)
        assert calls == ["devstatic", "server"]
        undo()
        assert signal.getsignal(signal.SIGTERM) is server_handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_python_default_handlers_are_left_alone() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        undo = chain_exit_signals(lambda: None)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        undo()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert {sig: signal.getsignal(sig) for sig in before} == before
