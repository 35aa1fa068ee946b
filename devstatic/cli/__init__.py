"""The ``devstatic`` command line: ``main`` parses, loads the settings, and runs one
subcommand module (``findstatic``, ``collectstatic``, ``check``, ``clean``, ``nginx``)."""

from __future__ import annotations

from devstatic.cli.main import main

__all__ = ["main"]
