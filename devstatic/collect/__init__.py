"""Getting files to production: ``collectstatic``'s copy, configuration checks, the nginx
block, progress reporting and the cleanup of old hashed versions.

``collect`` and ``CollectOptions`` (collectstatic from Python, as the README shows) are
importable from here; they load on first use, so the middleware, which imports only
``collect.checks``, does not pay for the copy machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devstatic.collect.collector import CollectOptions, collect

__all__ = ["CollectOptions", "collect"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from devstatic.collect import collector

        return getattr(collector, name)
    raise AttributeError(f"module 'devstatic.collect' has no attribute {name!r}")
