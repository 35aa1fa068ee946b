"""``integrity(path)``: the subresource-integrity value of a static file.

In production it is read from ``staticfiles.json`` (the ``integrity`` storage option
records it at collectstatic); in development it is computed from the source the
middleware serves under the URL ``static()`` returns, so a template's
``integrity="..."`` works in both, and a stale value can never be served.
"""

from __future__ import annotations

import threading

from devstatic.config.debug_guard import resolve_debug
from devstatic.config.settings import Settings
from devstatic.http.paths import safe_relative_path
from devstatic.links.static import default_settings, storage_for
from devstatic.manifest.integrity import DEFAULT_ALGORITHM, integrity_value
from devstatic.storage.base import Storage
from devstatic.storage.manifest_options import integrity_algorithm

__all__ = ["algorithm_for", "integrity", "served_integrity", "source_integrity"]


def algorithm_for(settings: Settings) -> str:
    """The storage option ``integrity`` when set, else ``sha384``."""
    return integrity_algorithm(settings.storage_options.get("integrity")) or DEFAULT_ALGORITHM


def integrity(path: str, settings: Settings | None = None) -> str:
    """``sha384-...`` (the storage's algorithm) for the file ``static(path)`` names.

    Debug: computed from the source (``ValueError`` when no finder has it). Otherwise:
    the manifest's ``integrity`` entry; without one, computed from the bytes the storage
    holds under the name ``static()`` uses (``ValueError`` when it holds none).
    """
    settings = settings or default_settings()
    name = path.lstrip("/")
    if resolve_debug(settings, None):
        return source_integrity(name, settings)
    from devstatic.storage.manifest import ManifestFilesMixin

    storage = storage_for(settings)
    algorithm = algorithm_for(settings)
    if not isinstance(storage, ManifestFilesMixin):
        return integrity_value(_stored_bytes(storage, name, name), algorithm)
    recorded = storage.manifest_integrity().get(name)
    if recorded is not None:
        return recorded
    stored = storage.hashed_name(name)  # ValueError when the manifest lacks it
    # A hashed name's bytes never change, so its value is kept (no GET per page on S3).
    key = (id(storage), stored, algorithm)
    with _lock:
        cached = _by_hashed_name.get(key)
    if cached is not None and cached[0] is storage:
        return cached[1]
    value = integrity_value(_stored_bytes(storage, name, stored), algorithm)
    with _lock:
        if len(_by_hashed_name) >= _MAX_KEPT:
            _by_hashed_name.pop(next(iter(_by_hashed_name)))
        _by_hashed_name[key] = (storage, value)
    return value


_lock = threading.Lock()
_by_hashed_name: dict[tuple[int, str, str], tuple[Storage, str]] = {}
_MAX_KEPT = 4096


def _stored_bytes(storage: Storage, name: str, stored: str) -> bytes:
    try:
        return storage.read_bytes(stored)
    except (FileNotFoundError, KeyError):
        raise ValueError(
            f"integrity({name!r}): {stored!r} is not in the storage; run collectstatic."
        ) from None


def source_integrity(name: str, settings: Settings) -> str:
    """The integrity of the source the finders give for ``name``, read each call.

    Not memoised: sha384 runs at ~0.5 GB/s, so a page's modules cost well under a
    millisecond, and a memo keyed by stat could hand out a stale value after a
    same-size rewrite within one clock tick (the browser would then refuse the file).
    """
    from devstatic.finders import find

    found = find(name, settings) if safe_relative_path(name) else None
    if found is None:
        raise ValueError(
            f"integrity({name!r}): no static file of that name in the finders' locations."
        )
    return served_integrity(name, found.read_bytes(), settings)


def served_integrity(name: str, source: bytes, settings: Settings) -> str:
    """In development, the integrity of what the middleware serves under ``static(name)``,
    given the source's bytes: today those bytes themselves (plain names are served as
    they are on disk). The one place to change when development serves rewritten bytes
    under hashed names (``hashed_urls``): those are the bytes to hash then."""
    from devstatic.links.hashed_names import hashed_urls_enabled, names_for

    if hashed_urls_enabled(settings):
        named = names_for(settings).lookup(name)
        if named.hashed is not None and named.content is not None:
            # A rewritten CSS/JS file: the browser checks the bytes sent, not the source.
            return integrity_value(named.content, algorithm_for(settings))
    return integrity_value(source, algorithm_for(settings))
