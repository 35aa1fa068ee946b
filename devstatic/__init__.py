"""devstatic: Django's staticfiles workflow for every ASGI app."""

from __future__ import annotations

from devstatic.exceptions import ImproperlyConfigured
from devstatic.middleware import StaticFilesMiddleware
from devstatic.settings import Settings
from devstatic.urls import static

__all__ = ["ImproperlyConfigured", "Settings", "StaticFilesMiddleware", "static"]
__version__ = "0.1.0"
