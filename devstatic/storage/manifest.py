"""The manifest layer: content-hashed copies, rewritten references, ``staticfiles.json``.

``ManifestFilesMixin`` works over any ``Storage`` through its small interface
(``save_bytes``, ``read_bytes``, ``exists``), so the filesystem and S3 get the same
names, which equal Django's ``ManifestStaticFilesStorage`` byte for byte. The pure
work (hashing, rewriting, passes) lives in ``devstatic.manifest``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from devstatic.config.settings import Settings
from devstatic.disk import threads
from devstatic.exceptions import StorageError
from devstatic.manifest.integrity import integrity_table
from devstatic.manifest.manifest import load_manifest, load_manifest_integrity, manifest_json
from devstatic.manifest.process import (
    MaxPassesExceededError,
    MissingReferenceError,
    ProcessResult,
    post_process_contents,
)
from devstatic.storage import manifest_history
from devstatic.storage.base import Storage, storage_class
from devstatic.storage.compress import check_codings, siblings
from devstatic.storage.filesystem import FileSystemStorage
from devstatic.storage.manifest_options import ManifestOptions

logger = logging.getLogger("devstatic")


class ManifestFilesMixin(Storage):
    """Adds hashed names and a manifest to a storage. Options (``storage-options``):

    - ``manifest-strict`` (default true): a reference to a missing file stops
      ``collectstatic``, and ``static()`` of a name the manifest lacks raises
      ``ValueError``; false keeps the original name and warns.
    - ``js-imports`` (default true): rewrite JS ``import``/``export ... from`` as Django
      does with ``support_js_module_import_aggregation``; false gives Django's default;
      ``"importmap"`` leaves imports as written and lets ``importmap()`` map every
      module's plain URL to its hashed URL (changing a module renames only it).
    - ``integrity`` (default none): ``"sha256"``, ``"sha384"`` or ``"sha512"`` records
      each file's subresource integrity in ``staticfiles.json`` (``"integrity"``).
    - ``pre-hashed`` (default Propshaft's ``-HASH.digested.``): a regular expression
      searched in file names; such files keep their name and bytes, unrenamed.
    - ``compress`` (default none): ``["br", "gz"]`` writes precompressed siblings of the
      hashed files.

    ``self.manifest_options`` holds the parsed options (:class:`ManifestOptions`);
    ``manifest_strict`` and ``js_imports`` (whether imports are rewritten) mirror it.
    """

    manifest_name = "staticfiles.json"

    def __init__(self, settings: Settings, **options: Any) -> None:
        self.manifest_options = ManifestOptions.pop_from(options)
        self.manifest_strict = self.manifest_options.strict
        self.js_imports = self.manifest_options.rewrite_js_imports
        self.compress = check_codings(options.pop("compress", ()))
        super().__init__(settings, **options)
        self._lock = threading.Lock()
        self._paths: dict[str, str] | None = None
        self._integrity: dict[str, str] = {}
        self._loaded_version: object = None
        self._pending_manifest: bytes | None = None
        #: Source bytes this run's batch copy kept for ``post_process`` (by name): state
        #: carried from one step of a run to the next, which ``Storage`` allows. Only
        #: ``save_many`` fills it, from collectstatic's one thread (``max_workers = 1``),
        #: and ``post_process`` empties it.
        self._kept: dict[str, bytes] = {}
        #: The hashing pass ``begin`` started, and the files it was started for.
        self._hashing: tuple[Mapping[str, Path], Future[ProcessResult]] | None = None

    # -- collectstatic -------------------------------------------------------------------

    def begin(self, found: Mapping[str, Path], *, dry_run: bool, post_process: bool) -> None:
        """Over a threaded storage (an object store), start hashing the sources now, on
        a thread of its own: the pass needs only the sources, and so overlaps the copies'
        waits on the network (for a rerun, the bucket's listing) instead of following them.
        """
        super().begin(found, dry_run=dry_run, post_process=post_process)
        if dry_run or not post_process or self.max_workers <= 1:
            return
        pool = threads.executor(1, "hash")
        self._hashing = (found, pool.submit(self._hash_sources, found, {}))
        pool.shutdown(wait=False)

    def post_process(
        self, found: Mapping[str, Path], *, dry_run: bool
    ) -> Iterable[tuple[str, str, bool]]:
        """Hash and rewrite every collected file; save the hashed copies; yield each name.

        The pass is the one ``begin`` started, when it was given these files; otherwise
        it runs here. Which hashed names already exist is asked in one ``existing()`` call.
        """
        kept, self._kept = self._kept, {}
        hashing, self._hashing = self._hashing, None
        if dry_run:
            return []
        if hashing is not None and hashing[0] is found:
            result = hashing[1].result()
        else:
            result = self._hash_sources(found, kept)
        del kept
        for warning in result.warnings:
            logger.warning("devstatic: %s", warning)
        packed = {
            hashed: siblings(hashed, data, self.compress)
            for hashed, data in result.contents.items()
        }
        present = self.existing(
            [*result.contents, *(sib for sibs in packed.values() for sib in sibs)]
        )
        writes: dict[str, bytes] = {}
        for hashed, data in result.contents.items():
            if hashed not in present:
                writes[hashed] = data
            for sibling, packed_data in packed[hashed].items():
                if hashed in writes or sibling not in present:
                    writes[sibling] = packed_data
        if self.max_workers > 1:
            pool = threads.executor(self.max_workers, "post-process")
            try:
                list(pool.map(lambda item: self.save_bytes(*item), writes.items()))
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            self.save_bytes_many(writes.items())
        algorithm = self.manifest_options.integrity
        table = (
            None
            if algorithm is None
            else integrity_table(result.hashed_files, result.contents, algorithm)
        )
        self._pending_manifest = manifest_json(result.hashed_files, result.manifest_hash, table)
        return [(name, result.hashed_files.get(name, name), True) for name in found]

    def _hash_sources(self, found: Mapping[str, Path], kept: dict[str, bytes]) -> ProcessResult:
        """The hashing pass over ``found``: sources are read once (the bytes a batch copy
        kept are reused; the rest are read on ``max_workers`` threads when there are more
        than one), then hashed and rewritten (``devstatic.manifest``)."""
        names = list(found)
        missing = [name for name in names if name not in kept]
        if self.max_workers > 1:
            pool = threads.executor(self.max_workers, "read")
            try:
                kept.update(zip(missing, pool.map(lambda n: _read(found[n]), missing), strict=True))
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            kept.update((name, _read(found[name])) for name in missing)
        contents = {name: kept[name] for name in names}
        kept.clear()
        try:
            return post_process_contents(
                contents,
                static_url=self.settings.static_path,
                js_imports=self.js_imports,
                strict=self.manifest_strict,
                pre_hashed=self.manifest_options.pre_hashed,
            )
        except (MissingReferenceError, MaxPassesExceededError, ValueError) as exc:
            raise StorageError(f"post-processing stopped: {exc}") from exc

    def finish(self) -> None:
        """Write the manifest last, atomically: a failed run never publishes one that
        names a file the storage does not have."""
        if self._pending_manifest is not None:
            self.save_bytes(self.manifest_name, self._pending_manifest)
            manifest_history.record(self, self._pending_manifest)
            self._pending_manifest = None
            with self._lock:
                self._paths = None
        super().finish()

    # -- static() ----------------------------------------------------------------------

    def manifest_version(self) -> object:
        """What changes when the manifest file changes; ``None`` means "read it once"."""
        try:
            local = self.path(self.manifest_name)
        except NotImplementedError:  # a bucket: ``Storage.path``
            return None
        try:
            st = os.stat(local)
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
                integrity: dict[str, str] = {}
            else:
                paths, _ = load_manifest(data)
                integrity = load_manifest_integrity(data)
            self._paths, self._integrity, self._loaded_version = paths, integrity, version
            return paths

    def manifest_integrity(self) -> dict[str, str]:
        """The manifest's ``integrity`` table (plain name → ``sha384-...``); ``{}`` when
        collectstatic ran without the ``integrity`` option."""
        self.manifest_paths()
        with self._lock:
            return self._integrity

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

    def save_many(self, items: Iterable[tuple[str, Path]]) -> Iterator[str]:
        """``FileSystemStorage.save_many``, keeping the bytes read (up to ``KEEP_LIMIT``
        in all) for ``post_process``, which then reads only the files not copied."""
        self._kept = {}
        return self._save_many(items, self._kept, KEEP_LIMIT)


#: At most this many source bytes are kept between the copy and ``post_process`` (the
#: rest is read again): bounded memory for ``--no-post-process`` on a huge tree.
KEEP_LIMIT = 256 << 20


def _read(source: Path) -> bytes:
    with open(source, "rb") as handle:
        return handle.read()


def pre_hashed_pattern_of(settings: Settings) -> re.Pattern[str] | None:
    """The ``pre-hashed`` pattern of ``settings``' storage when it keeps a manifest.

    Such names never change, so production caches them as long as hashed ones (the nginx
    block, the S3 objects' ``Cache-Control``). A plain storage recognises none.
    """
    if not issubclass(storage_class(settings), ManifestFilesMixin):
        return None
    return ManifestOptions.of(settings.storage_options).pre_hashed
