"""The storage interface: where ``collectstatic`` puts files and how ``static()`` names them.

A storage is built as ``Cls(settings, **storage_options)``, once per command run. Names
are POSIX relative paths (``css/site.css``). With ``max_workers`` above 1, calls of one
step (the saves, the deletes) come from that many threads at once: what they share on
``self`` is locked, and nothing of one call is kept where another could read it. A
storage may carry what one step of a run learned to a later step (S3's listing of the
bucket, the manifest layer's copied bytes for ``post_process``). The built-ins use
nothing a custom storage cannot: every optional method is declared here, with a default.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured, StorageError


class Storage:
    """Base class. Subclasses implement the file operations; the rest has defaults."""

    #: How many threads ``collectstatic`` calls the storage from at once. 1: it calls the
    #: batch methods (``save_many``, ``save_bytes_many``) from its own thread, and the
    #: storage decides how to run a batch (``FileSystemStorage`` may hand a slow one to
    #: threads of its own, per ``devstatic.disk.threads``).
    max_workers: int = 4
    #: Whether ``link()`` works (``collectstatic --link``).
    supports_links: bool = False

    def __init__(self, settings: Settings, **options: Any) -> None:
        if options:
            names = ", ".join(sorted(k.replace("_", "-") for k in options))
            raise ImproperlyConfigured(
                f"storage-options {names} not understood by {type(self).__name__} "
                f"(storage = {settings.storage!r}). Remove them or pick a storage that takes them.",
                key="storage_options",
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

    def begin(self, found: Mapping[str, Path], *, dry_run: bool, post_process: bool) -> None:
        """Called once per run after the finders were walked and before the first copy,
        with every file the run collects (the same mapping ``post_process`` gets).

        A storage may start here, in the background, work that needs no copy, so that it
        overlaps the run's other waits: ``S3Storage`` lists the bucket, the manifest layer
        over a threaded storage hashes the sources. ``post_process`` is false under
        ``--no-post-process``. The default does nothing.
        """

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

    # -- optional: what clean, links and the manifest reload use where a storage has it --

    def path(self, name: str) -> Path:
        """The local file of ``name``, for a storage whose files are on this machine.

        ``collectstatic --link`` uses it to leave a current symlink alone, and
        ``static()`` to see a new manifest without reading it. Default: raise
        ``NotImplementedError``, as Django's ``Storage.path`` does for a bucket.
        """
        raise NotImplementedError(f"{type(self).__name__} keeps no files on this machine.")

    def names_under(self, folder: str) -> Iterable[str]:
        """The stored names below ``folder`` (``staticfiles.history``, for ``clean``).

        Default: ``list_names()`` filtered; a storage that can list one folder alone
        (a directory, an S3 prefix) should, as this runs on every collectstatic.
        """
        start = folder.strip("/") + "/"
        return [name for name in self.list_names() if name.startswith(start)]

    def modified_times(self) -> Mapping[str, float]:
        """Each stored name and when it was last written (seconds since the epoch), for
        ``devstatic clean``'s ``--max-age``. Default: a ``StorageError`` saying so."""
        raise StorageError(
            f"{type(self).__name__} cannot tell when its files were written "
            "(Storage.modified_times), which devstatic clean needs."
        )

    def link(self, name: str, source: Path) -> None:
        """Make ``name`` a symlink to ``source`` (only where ``supports_links``)."""
        raise ImproperlyConfigured(
            f"{type(self).__name__} cannot make links; run collectstatic without --link.",
            key=None,
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


def storage_class(settings: Settings) -> type[Storage]:
    """The configured storage's class, imported by its dotted path and checked to be a
    ``Storage`` (an error names the ``storage`` key)."""
    from devstatic.config.plugins import import_class

    return import_class(settings.storage, key="storage", base=Storage)


def get_storage(settings: Settings) -> Storage:
    """The configured storage, built with ``storage_options`` (errors name the key)."""
    cls = storage_class(settings)
    try:
        return cls(settings, **dict(settings.storage_options))
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"storage-options do not fit {settings.storage!r}: {exc}. Check the option names.",
            key="storage_options",
        ) from exc
