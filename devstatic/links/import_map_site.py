"""What the import map is built from: the sources in development, the storage in
production (see :class:`devstatic.links.import_map.Site`)."""

from __future__ import annotations

from collections.abc import Mapping

from devstatic.config.debug_guard import resolve_debug
from devstatic.config.settings import Settings
from devstatic.http.paths import safe_relative_path
from devstatic.links.integrity import (
    algorithm_for,
    integrity,
    served_integrity,
    source_integrity,
)
from devstatic.links.static import static, storage_for
from devstatic.manifest.rewrite import decode_text
from devstatic.storage.base import Storage
from devstatic.storage.manifest_options import ManifestOptions

__all__ = ["DevelopmentSite", "ProductionSite", "site_for"]


def site_for(settings: Settings) -> tuple[DevelopmentSite | ProductionSite, bool]:
    """The site for ``settings`` and whether modules are mapped (``js-imports = "importmap"``)."""
    from devstatic.storage.manifest import ManifestFilesMixin

    if resolve_debug(settings, None):
        site: DevelopmentSite | ProductionSite = DevelopmentSite(settings)
        options = settings.storage_options
        map_modules = options.get("js_imports") == "importmap"
    else:
        storage = storage_for(settings)
        site = ProductionSite(settings, storage)
        map_modules = (
            isinstance(storage, ManifestFilesMixin) and storage.manifest_options.import_map_modules
        )
    return site, map_modules


class DevelopmentSite:
    """Plain names served from the sources, as the middleware serves them.

    One site per ``importmap()`` call: each source is looked up and read once per
    call (never remembered across calls, so an edit shows on the next render).
    Hashed names in development (``hashed_urls``) are not mapped here yet: ``url()``
    goes through ``static()``, so targets follow it, but ``hashed_names()`` is ``None``.
    """

    def __init__(self, settings: Settings) -> None:
        from devstatic.finders import get_finders

        self.settings = settings
        self.static_url = settings.static_url
        self.integrity_on = settings.storage_options.get("integrity") is not None
        algorithm_for(settings)  # a wrong value fails before any render
        self._finders = get_finders(settings)
        self._sources: dict[str, bytes | None] = {}
        self._texts: dict[str, str | None] = {}

    def url(self, path: str) -> str:
        if self._source(path) is None:
            raise ValueError(
                f"importmap: no static file {path!r} in the finders' locations; fix "
                "[tool.devstatic.importmap] or add the file."
            )
        return static(path, self.settings)

    def _source(self, path: str) -> bytes | None:
        """The bytes the middleware serves for ``path`` (first finder wins), or ``None``."""
        if path in self._sources:
            return self._sources[path]
        data = None
        if safe_relative_path(path):
            for finder in self._finders:
                found = finder.find(path)
                if found is not None:
                    try:
                        data = found.read_bytes()
                    except OSError:
                        data = None
                    break
        self._sources[path] = data
        return data

    def hashed_names(self) -> Mapping[str, str] | None:
        return None

    def module_text(self, path: str) -> str | None:
        if path not in self._texts:
            data = self._source(path)
            self._texts[path] = None if data is None else decode_text(data)
        return self._texts[path]

    def integrity(self, path: str) -> str:
        data = self._source(path)
        if data is None:
            return source_integrity(path, self.settings)  # raises, naming the file
        return served_integrity(path, data, self.settings)

    def recorded_integrity(self) -> Mapping[str, str]:
        return {}

    def version(self) -> object | None:
        return None


class ProductionSite:
    """What collectstatic wrote: names from the manifest, texts from the storage."""

    def __init__(self, settings: Settings, storage: Storage) -> None:
        from devstatic.storage.manifest import ManifestFilesMixin

        self.settings = settings
        self.static_url = settings.static_url
        self.storage = storage
        self.manifest = storage if isinstance(storage, ManifestFilesMixin) else None
        options = (
            self.manifest.manifest_options if self.manifest else ManifestOptions(pre_hashed=None)
        )
        self.integrity_on = options.integrity is not None
        self._texts: dict[str, str | None] = {}  # read once per build; the HTML is kept

    def url(self, path: str) -> str:
        return static(path, self.settings)

    def hashed_names(self) -> Mapping[str, str] | None:
        return None if self.manifest is None else self.manifest.manifest_paths()

    def module_text(self, path: str) -> str | None:
        texts = self._texts
        if path not in texts:
            # The collected original: its imports are as written, in every js-imports mode.
            try:
                data: bytes | None = self.storage.read_bytes(path)
            except (OSError, KeyError, ValueError):
                data = None
            texts[path] = None if data is None else decode_text(data)
        return texts[path]

    def integrity(self, path: str) -> str:
        return integrity(path, self.settings)  # production's one rule

    def recorded_integrity(self) -> Mapping[str, str]:
        return {} if self.manifest is None else self.manifest.manifest_integrity()

    def version(self) -> object | None:
        """The loaded manifest's ``paths`` object: a new collectstatic loads a new one.

        Plain storages give ``None``: a collected file can change under its name."""
        return None if self.manifest is None else self.manifest.manifest_paths()
