"""Live reload: watch the finder locations and push changes to open pages.

This module is imported by the Jinja extension and the middleware whether live reload is
on or not, so it stays light: ``watchfiles`` is imported only when a watcher is built.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from devstatic.finders import BaseFinder
    from devstatic.livereload.feedwatch import FeedSource
    from devstatic.livereload.service import LiveReload

logger = logging.getLogger("devstatic")

#: The folder of ``static_url`` whose paths belong to devstatic itself.
INTERNAL = "__devstatic__/"
EVENTS_PATH = INTERNAL + "events"
SCRIPT_PATH = INTERNAL + "reload.js"


def live_reload_enabled(settings: Settings, debug: bool) -> bool:
    """Whether live reload runs: ``live_reload`` when set, else follows ``debug``.

    ``debug`` is the resolved debug flag, so a middleware serving only because of
    ``insecure`` gets no live reload unless ``live_reload = true`` asks for it.
    """
    if settings.live_reload is not None:
        return settings.live_reload
    return debug


def script_url(settings: Settings) -> str:
    """The URL of the client script, ``{static_url}__devstatic__/reload.js``."""
    return settings.static_url + SCRIPT_PATH


def script_tag(settings: Settings) -> str:
    """The ``<script>`` element that loads the client script."""
    return f'<script src="{html.escape(script_url(settings))}"></script>'


def build_live_reload(
    settings: Settings, debug: bool, finders: list[BaseFinder], feed: FeedSource | None = None
) -> LiveReload | None:
    """The middleware's live reload service, or ``None`` when live reload is off.

    ``feed`` gives the resolver's change feed, which live reload then shares.

    Live reload that merely follows debug turns itself off with a warning when
    ``watchfiles`` is missing (the ``live`` extra); an explicit ``live_reload = true``
    makes that a configuration error instead, so it is never silently ignored.
    """
    if not live_reload_enabled(settings, debug):
        return None
    try:
        import watchfiles  # noqa: F401
    except ImportError as exc:
        if settings.live_reload:
            raise ImproperlyConfigured(
                "live_reload = true needs the watchfiles package: install it with "
                "pip install 'devstatic[live]', or set live_reload = false.",
                key="live_reload",
            ) from exc
        logger.warning(
            "devstatic live reload is off: the watchfiles package is not installed "
            "(pip install 'devstatic[live]'); set live_reload = false to silence this."
        )
        return None
    from devstatic.livereload.service import LiveReload

    return LiveReload(settings, finders, feed)


__all__ = [
    "EVENTS_PATH",
    "INTERNAL",
    "SCRIPT_PATH",
    "build_live_reload",
    "live_reload_enabled",
    "script_tag",
    "script_url",
]
