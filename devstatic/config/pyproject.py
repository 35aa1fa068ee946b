"""Finding and reading the ``[tool.devstatic]`` table, as ruff finds its own table."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from devstatic.exceptions import ImproperlyConfigured


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.devstatic]`` table.

    A pyproject without the table is passed over, so a monorepo's inner package
    without devstatic settings does not hide the outer project's.
    """
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _tool_table(candidate)
            if table is not None:
                return candidate
    return None


def read_config_table(path: Path) -> dict[str, Any]:
    """The ``[tool.devstatic]`` table of ``path`` (an empty dict when the table is absent)."""
    if path.is_dir():
        raise ImproperlyConfigured(
            f"The config file {str(path)!r} is a folder. Pass the pyproject.toml inside it: "
            f"{str(path / 'pyproject.toml')!r}.",
            key=None,
        )
    if not path.is_file():
        raise ImproperlyConfigured(
            f"The config file {str(path)!r} does not exist. Pass the path of a pyproject.toml "
            "that has a [tool.devstatic] table, or leave it out to use the nearest one.",
            key=None,
        )
    return _tool_table(path) or {}


def _tool_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(
            f"{path} is not valid TOML: {exc}. Fix the file.", key=None
        ) from exc
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get("devstatic")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ImproperlyConfigured(
            f"[tool.devstatic] in {path} must be a table, e.g. [tool.devstatic] then "
            'static-url = "/static/" on the next line.',
            key=None,
        )
    return table
