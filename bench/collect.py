"""devstatic collectstatic vs Django collectstatic on the same generated 5 000-file tree."""

from __future__ import annotations

from typing import Any


def run(*, quick: bool) -> dict[str, Any]:
    return {}
