"""The types the Django reference fixtures hand to tests (a module of its own, since
``conftest`` is a name every test folder has)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DjangoReference:
    """An interpreter with Django installed, and its version."""

    python: str
    version: tuple[int, int, int]


@dataclass(frozen=True)
class DjangoRun:
    """What Django's collectstatic left behind."""

    version: tuple[int, int, int]
    order: list[str]
    error: dict[str, Any] | None
    stderr: str
    manifest: bytes | None
    root_files: dict[str, bytes]

    @property
    def paths(self) -> dict[str, str]:
        assert self.manifest is not None, self.error
        paths: dict[str, str] = json.loads(self.manifest)["paths"]
        return paths


RunDjango = Callable[..., DjangoRun]
