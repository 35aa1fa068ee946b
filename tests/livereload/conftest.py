"""Fixtures for the live reload tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from livereload_support import Server, copy_demo


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


@pytest.fixture
def demo_server(demo_copy: Path) -> Iterator[Server]:
    server = Server(demo_copy)
    server.start()
    try:
        yield server
    finally:
        server.stop()
