"""``static()``: the public URL of a static file, hashed in production."""

from __future__ import annotations

import threading
from urllib.parse import quote

from devstatic.config.debug_guard import resolve_debug
from devstatic.config.settings import Settings
from devstatic.links.hashed_names import development_url, hashed_urls_enabled
from devstatic.storage.base import Storage, get_storage

_lock = threading.Lock()
_default: Settings | None = None
_storages: dict[int, tuple[Settings, Storage]] = {}
#: How many settings objects keep a storage (and its loaded manifest) at once.
MAX_STORAGES = 16


def default_settings() -> Settings:
    """``Settings.load()``, read once per process (what ``static()`` uses by default)."""
    global _default
    with _lock:
        if _default is None:
            _default = Settings.load()
        return _default


def storage_for(settings: Settings) -> Storage:
    """One storage per settings object, so a manifest is loaded once, not per URL."""
    with _lock:
        cached = _storages.get(id(settings))
        if cached is not None and cached[0] is settings:
            return cached[1]
        storage = get_storage(settings)
        if len(_storages) >= MAX_STORAGES:
            # Bounded: static(p, Settings.load()) per call must not grow without limit.
            _storages.pop(next(iter(_storages)))
        _storages[id(settings)] = (settings, storage)
        return storage


def static(path: str, settings: Settings | None = None) -> str:
    """``static_url + path`` in debug; otherwise the storage's URL (hashed with a manifest).

    In debug with ``hashed_urls`` on, the name collectstatic would write for the current
    sources. Raises ``ValueError`` when a manifest storage does not know ``path`` (or, in
    development, when collectstatic could not hash it).
    """
    settings = settings or default_settings()
    if resolve_debug(settings, None):
        if hashed_urls_enabled(settings):
            return development_url(path.lstrip("/"), settings)
        return settings.static_url + quote(path.lstrip("/"))
    return storage_for(settings).url(path.lstrip("/"))
