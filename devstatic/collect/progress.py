"""Progress reporting for long ``collectstatic`` runs: a bar on a terminal, nothing elsewhere.

The bar is drawn with ``rich`` (the ``rich`` extra). Without rich, or when the output is
not a terminal, or at ``-v0``, a silent reporter stands in, so callers never branch.
Per-file messages go through ``write()`` so they print above the bar instead of through it.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class Progress(Protocol):
    """What ``collect()`` reports to: a total, steps done, and lines to print."""

    def start(self, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...

    def write(self, line: str) -> None: ...

    def close(self) -> None: ...


class PlainProgress:
    """No bar: lines go straight to the stream (or nowhere when ``stream`` is ``None``)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def start(self, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def write(self, line: str) -> None:
        if self.stream is not None:
            self.stream.write(line + "\n")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.flush()


class RichProgress:
    """A ``rich`` bar of files done / total; lines printed above it."""

    def __init__(self, stream: TextIO, description: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self.console = Console(file=stream)
        self.bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.description = description
        self.task: Any = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task(self.description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, steps)

    def write(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        self.bar.stop()


def make_progress(
    stream: TextIO | None = None, *, verbosity: int = 1, description: str = "Collecting"
) -> Progress:
    """A bar when ``stream`` is a terminal, ``verbosity`` > 0 and rich is installed."""
    stream = sys.stdout if stream is None else stream
    if verbosity > 0 and _is_terminal(stream):
        try:
            return RichProgress(stream, description)
        except ImportError:
            pass
    return PlainProgress(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
