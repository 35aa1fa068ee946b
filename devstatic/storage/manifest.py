"""The manifest layer: content-hashed copies, rewritten references, ``staticfiles.json``.

``ManifestFilesMixin`` works over any ``Storage`` through its small interface
(``save_bytes``, ``read_bytes``, ``exists``), so the filesystem and S3 get the same
names, which equal Django's ``ManifestStaticFilesStorage`` byte for byte. The pure
work (hashing, rewriting, passes) lives in ``devstatic.manifest``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from devstatic.compress import check_codings, siblings
from devstatic.exceptions import StorageError
from devstatic.manifest.manifest import load_manifest, manifest_json
from devstatic.manifest.process import (
    MaxPassesExceededError,
    MissingReferenceError,
    post_process_contents,
)
from devstatic.settings import Settings
from devstatic.storage.base import Storage
from devstatic.storage.filesystem import FileSystemStorage

logger = logging.getLogger("devstatic")


class ManifestFilesMixin(Storage):
    """Adds hashed names and a manifest to a storage. Options (``storage-options``):

    - ``manifest-strict`` (default true): a reference to a missing file stops
      ``collectstatic``, and ``static()`` of a name the manifest lacks raises
      ``ValueError``; false keeps the original name and warns.
    - ``js-imports`` (default true): rewrite JS ``import``/``export ... from`` as Django
      does with ``support_js_module_import_aggregation``; false gives Django's default.
    - ``compress`` (default none): ``["br", "gz"]`` writes precompressed siblings of the
      hashed files.
    """

    manifest_name = "staticfiles.json"

    def __init__(self, settings: Settings, **options: Any) -> None:
        self.manifest_strict = bool(options.pop("manifest_strict", True))
        self.js_imports = bool(options.pop("js_imports", True))
        self.compress = check_codings(options.pop("compress", ()))
        super().__init__(settings, **options)
        self._lock = threading.Lock()
        self._paths: dict[str, str] | None = None
        self._loaded_version: object = None
        self._pending_manifest: bytes | None = None

    # -- collectstatic -------------------------------------------------------------------

    def post_process(
        self, found: Mapping[str, Path], *, dry_run: bool
    ) -> Iterable[tuple[str, str, bool]]:
        """Hash and rewrite every collected file; save the hashed copies; yield each name."""
        if dry_run:
            return []
        with ThreadPoolExecutor(max_workers=max(1, self.max_workers)) as pool:
            names = list(found)
            datas = list(pool.map(lambda n: Path(found[n]).read_bytes(), names))
            contents = dict(zip(names, datas, strict=True))
            try:
                result = post_process_contents(
                    contents,
                    static_url=self.settings.static_path,
                    js_imports=self.js_imports,
                    strict=self.manifest_strict,
                )
            except (MissingReferenceError, MaxPassesExceededError, ValueError) as exc:
                raise StorageError(f"post-processing stopped: {exc}") from exc
            for warning in result.warnings:
                logger.warning("devstatic: %s", warning)
            writes: dict[str, bytes] = {}
            for hashed, data in result.contents.items():
                if not self.exists(hashed):
                    writes[hashed] = data
                for sibling, packed in siblings(hashed, data, self.compress).items():
                    if hashed in writes or not self.exists(sibling):
                        writes[sibling] = packed
            list(pool.map(lambda item: self.save_bytes(*item), writes.items()))
        self._pending_manifest = manifest_json(result.hashed_files, result.manifest_hash)
        return [(name, result.hashed_files.get(name, name), True) for name in names]

    def finish(self) -> None:
        """Write the manifest last, atomically: a failed run never publishes one that
        names a file the storage does not have."""
        if self._pending_manifest is not None:
            self.save_bytes(self.manifest_name, self._pending_manifest)
            self._pending_manifest = None
            with self._lock:
                self._paths = None
        super().finish()

    # -- static() ----------------------------------------------------------------------

    def manifest_version(self) -> object:
        """What changes when the manifest file changes; ``None`` means "read it once"."""
        path = getattr(self, "path", None)
        if not callable(path):
            return None
        try:
            st = os.stat(path(self.manifest_name))
        except OSError:
            return ("missing",)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def manifest_paths(self) -> dict[str, str]:
        """The manifest's ``paths``, loaded once and reloaded when the file changes."""
        version = self.manifest_version()
        with self._lock:
            if self._paths is not None and (version is None or version == self._loaded_version):
                return self._paths
            try:
                data = self.read_bytes(self.manifest_name)
            except (FileNotFoundError, KeyError):
                paths: dict[str, str] = {}
            else:
                paths, _ = load_manifest(data)
            self._paths, self._loaded_version = paths, version
            return paths

    def hashed_name(self, name: str) -> str:
        """The hashed name of ``name``; ``ValueError`` when the manifest lacks it (strict)."""
        clean = name.lstrip("/")
        paths = self.manifest_paths()
        hashed = paths.get(clean)
        if hashed is None:
            if self.manifest_strict:
                raise ValueError(f"Missing staticfiles manifest entry for '{clean}'")
            return clean
        return hashed

    def url(self, name: str) -> str:
        parts = urlsplit(name)
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        return self.settings.static_url + quote(self.hashed_name(parts.path)) + suffix


class ManifestStaticFilesStorage(ManifestFilesMixin, FileSystemStorage):
    """Hashed names and ``staticfiles.json`` in ``static_root`` (Django's storage of that name)."""
