"""``FileSystemStorage``: collected files in ``static_root``, written atomically."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devstatic.exceptions import StorageError
from devstatic.settings import Settings
from devstatic.storage.base import Storage
from devstatic.urlpath import safe_relative_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Temporary files are ``.<name>.devstatic-<8 random chars>.tmp`` beside their target.
_TEMP_MARK = ".devstatic-"
_TEMPORARY = re.compile(r"^\..+\.devstatic-[A-Za-z0-9_]{8}\.tmp$")

#: Files get the mode ``open()`` would give them, so nginx's worker can read them.
_FILE_MODE = 0o666 & ~_umask()


class FileSystemStorage(Storage):
    """Files under ``static_root``. Each write goes to a temporary name in the target
    folder and is renamed into place, so a killed run never leaves a truncated file
    under its final name."""

    supports_links = True
    max_workers = 4

    def __init__(self, settings: Settings, **options: Any) -> None:
        location = options.pop("location", None)
        super().__init__(settings, **options)
        root = Path(location).absolute() if location is not None else settings.root
        self._root = root

    @property
    def root(self) -> Path:
        if self._root is None:
            raise StorageError(
                'static_root is not configured: set static-root = "staticfiles" in '
                "[tool.devstatic] (the folder collectstatic writes to)."
            )
        return self._root

    def path(self, name: str) -> Path:
        """The file for ``name``; refuses names that would leave ``static_root``."""
        if safe_relative_path(name) is None:
            raise StorageError(f"refusing the unsafe file name {name!r}.")
        return self.root / name

    def describe(self) -> str | None:
        return repr(str(self.root))

    def check_writable(self) -> None:
        root = self.root
        for _, folder in self.settings.dir_locations:
            real_dir, real_root = os.path.realpath(folder), os.path.realpath(root)
            if real_root == real_dir or real_root.startswith(real_dir.rstrip(os.sep) + os.sep):
                raise StorageError(
                    f"static_root {str(root)!r} is inside the dirs folder {str(folder)!r}: "
                    "collected files would be found again. Pick a static_root outside dirs."
                )
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"static_root {str(root)!r} cannot be created: {exc.strerror}."
            ) from exc
        if not root.is_dir():
            raise StorageError(f"static_root {str(root)!r} is not a folder.")
        try:
            with tempfile.TemporaryFile(dir=root):
                pass
        except OSError as exc:
            raise StorageError(
                f"static_root {str(root)!r} is not writable: {exc.strerror}."
            ) from exc
        self.sweep_temporaries()

    def sweep_temporaries(self) -> int:
        """Remove temporary files a killed run left behind (only our own naming pattern).

        They are never under a final name, so nothing served depends on them; a rerun
        removes them so that nginx's ``alias`` does not expose them either.
        """
        removed = 0
        for folder, _, filenames in os.walk(self.root, followlinks=False):
            for name in filenames:
                if _TEMPORARY.match(name):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(folder, name))
                        removed += 1
        return removed

    def exists(self, name: str) -> bool:
        return os.path.lexists(self.path(name))

    def is_current(self, name: str, source: Path) -> bool:
        """Up to date when the copy has the same size and is not older (Django's rule)."""
        try:
            dest = os.stat(self.path(name), follow_symlinks=False)
            src = os.stat(source)
        except OSError:
            return False
        if os.path.islink(self.path(name)):
            return False
        return dest.st_size == src.st_size and dest.st_mtime >= src.st_mtime

    def save(self, name: str, source: Path) -> None:
        target = self.path(name)
        with self._atomic(target) as tmp:
            shutil.copyfile(source, tmp)

    def save_bytes(self, name: str, data: bytes) -> None:
        target = self.path(name)
        with self._atomic(target) as tmp, open(tmp, "wb") as handle:
            handle.write(data)

    def read_bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(name))

    def list_names(self) -> Iterator[str]:
        """Every file and symlink below the root; symlinked folders are not followed."""
        root = self.root
        if not root.is_dir():
            return
        for folder, dirnames, filenames in os.walk(root, followlinks=False):
            relative = os.path.relpath(folder, root)
            prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
            for name in sorted(filenames):
                yield prefix + name
            for name in sorted(dirnames):
                if os.path.islink(os.path.join(folder, name)):
                    yield prefix + name

    def link(self, name: str, source: Path) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}{_TEMP_MARK}{secrets.token_hex(4)}.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(os.path.abspath(source), tmp)
        try:
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @contextlib.contextmanager
    def _atomic(self, target: Path) -> Iterator[str]:
        """A temporary file beside ``target``, renamed onto it when the block succeeds."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}{_TEMP_MARK}", suffix=".tmp"
        )
        os.close(fd)
        try:
            yield tmp
            os.chmod(tmp, _FILE_MODE)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
