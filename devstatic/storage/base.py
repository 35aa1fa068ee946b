"""The storage interface: where ``collectstatic`` puts files and how ``static()`` names them.

A storage is built as ``Cls(settings, **storage_options)``. Names are POSIX relative
paths (``css/site.css``). Every method may be called from worker threads at once
(``collectstatic`` runs ``max_workers`` saves in parallel), so implementations keep no
per-call state on ``self``. The built-ins use nothing a custom storage cannot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured


class Storage:
    """Base class. Subclasses implement the file operations; the rest has defaults."""

    #: How many saves ``collectstatic`` may run at once.
    max_workers: int = 4
    #: Whether ``link()`` works (``collectstatic --link``).
    supports_links: bool = False

    def __init__(self, settings: Settings, **options: Any) -> None:
        if options:
            names = ", ".join(sorted(k.replace("_", "-") for k in options))
            raise ImproperlyConfigured(
                f"storage-options {names} not understood by {type(self).__name__} "
                f"(storage = {settings.storage!r}). Remove them or pick a storage that takes them."
            )
        self.settings = settings

    # -- what collectstatic needs ------------------------------------------------------

    def describe(self) -> str | None:
        """Where files go, for the summary line (``'/abs/root'``); ``None`` for a bucket."""
        return None

    def check_writable(self) -> None:
        """Raise ``StorageError`` (message for the user) if nothing can be written here."""

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def is_current(self, name: str, source: Path) -> bool:
        """Whether the stored ``name`` already equals ``source`` (then it is not copied)."""
        raise NotImplementedError

    def save(self, name: str, source: Path) -> None:
        """Store the bytes of ``source`` as ``name``, atomically (never a half-written file)."""
        raise NotImplementedError

    def save_bytes(self, name: str, data: bytes) -> None:
        """Store ``data`` as ``name``, atomically."""
        raise NotImplementedError

    def read_bytes(self, name: str) -> bytes:
        raise NotImplementedError

    # -- optional batches (collectstatic uses them when ``max_workers`` is 1) -----------

    def save_many(self, items: Iterable[tuple[str, Path]]) -> Iterator[str]:
        """Store each ``(name, source)`` unless ``is_current``; yield, in order, what was
        done: ``"unmodified"``, ``"written"`` (new) or ``"replaced"``.

        ``collectstatic`` calls this instead of ``save()`` per file when the storage says
        ``max_workers = 1``: one thread, so a storage that can batch (one listing of a
        folder instead of a stat per file) may. A failure raises at the failing item,
        after every earlier one has been yielded. The default loops over the basics.
        """
        for name, source in items:
            if self.is_current(name, source):
                yield "unmodified"
                continue
            existed = self.exists(name)
            self.save(name, source)
            yield "replaced" if existed else "written"

    def save_bytes_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """``save_bytes()`` of each ``(name, data)`` (one thread; see ``save_many``)."""
        for name, data in items:
            self.save_bytes(name, data)

    def existing(self, names: Iterable[str]) -> set[str]:
        """Which of ``names`` are stored (``exists()`` of each, unless batched)."""
        return {name for name in names if self.exists(name)}

    def delete(self, name: str) -> None:
        """Remove ``name``; a missing name is not an error."""
        raise NotImplementedError

    def list_names(self) -> Iterator[str]:
        """Every stored name (for ``--clear``)."""
        raise NotImplementedError

    def link(self, name: str, source: Path) -> None:
        """Make ``name`` a symlink to ``source`` (only where ``supports_links``)."""
        raise ImproperlyConfigured(
            f"{type(self).__name__} cannot make links; run collectstatic without --link."
        )

    def post_process(
        self, found: Mapping[str, Path], *, dry_run: bool
    ) -> Iterable[tuple[str, str, bool]]:
        """Work after copying (hashing, compressing); yields ``(name, new name, processed)``.

        ``found`` maps every collected name to its source file. The default does nothing.
        """
        return ()

    def finish(self) -> None:
        """Called once after a successful run (the manifest layer writes its file here)."""

    def close(self) -> None:
        """Release clients and pools."""

    # -- what static() needs ------------------------------------------------------------

    def url(self, name: str) -> str:
        """The public URL of ``name``: ``static_url`` plus the quoted name."""
        return self.settings.static_url + quote(name)


def get_storage(settings: Settings) -> Storage:
    """The configured storage, built with ``storage_options`` (errors name the key)."""
    from devstatic.config.plugins import import_class

    cls = import_class(settings.storage, key="storage", base=Storage)
    try:
        return cls(settings, **dict(settings.storage_options))  # type: ignore[no-any-return]
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"storage-options do not fit {settings.storage!r}: {exc}. Check the option names."
        ) from exc
