"""devstatic: Django's staticfiles workflow for every ASGI app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from devstatic.links.import_map import importmap
    from devstatic.links.integrity import integrity
    from devstatic.links.static import static
    from devstatic.serve.middleware import StaticFilesMiddleware

__all__ = [
    "ImproperlyConfigured",
    "Settings",
    "StaticFilesMiddleware",
    "importmap",
    "integrity",
    "static",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``StaticFilesMiddleware`` and ``static`` are imported on first use: the commands
    (``devstatic collectstatic``) never need the middleware, whose imports (asyncio,
    the resolver) cost ~0.1 s of every command's start."""
    if name == "StaticFilesMiddleware":
        from devstatic.serve.middleware import StaticFilesMiddleware

        return StaticFilesMiddleware
    if name == "static":
        from devstatic.links.static import static

        return static
    if name == "importmap":
        from devstatic.links.import_map import importmap

        return importmap
    if name == "integrity":
        from devstatic.links.integrity import integrity

        return integrity
    raise AttributeError(f"module 'devstatic' has no attribute {name!r}")
