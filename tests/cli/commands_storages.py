"""Storages the command tests plug in by dotted path, as users plug in their own."""

from __future__ import annotations

import errno
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from devstatic.config.settings import Settings
from devstatic.exceptions import StorageError
from devstatic.storage.filesystem import FileSystemStorage


class RefusingStorage(FileSystemStorage):
    """Refuses to store ``js/app.js``, as a bucket that denies a write would."""

    def save(self, name: str, source: Path) -> None:
        if name == "js/app.js":
            raise StorageError("the bucket refused 'js/app.js': AccessDenied.")
        super().save(name, source)


class FullDiskStorage(FileSystemStorage):
    """Every write fails with ENOSPC, as on a full disk."""

    def save(self, name: str, source: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path(name)))


class NoLinkStorage(FileSystemStorage):
    supports_links = False


class BucketLikeStorage(FileSystemStorage):
    """Writes to disk but describes itself as a bucket does: no local path."""

    def describe(self) -> str | None:
        return None


class ProcessingStorage(FileSystemStorage):
    """Post-processes CSS into a ``.hashed.css`` copy and logs the call order to ``log.txt``."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        self.fail = bool(options.pop("fail", False))
        super().__init__(settings, **options)

    def _note(self, line: str) -> None:
        with open(self.root / "log.txt", "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def post_process(
        self, found: Mapping[str, Path], *, dry_run: bool
    ) -> Iterable[tuple[str, str, bool | Exception]]:
        self._note(f"post_process dry_run={dry_run} names={sorted(found)}")
        for name in sorted(found):
            if not name.endswith(".css"):
                yield name, name, False
                continue
            hashed = name[:-4] + ".hashed.css"
            if self.fail:
                yield name, hashed, ValueError("The file 'img/x.png' could not be found.")
                return
            if not dry_run:
                self.save_bytes(hashed, self.read_bytes(name))
            yield name, hashed, True

    def finish(self) -> None:
        self._note("finish")
