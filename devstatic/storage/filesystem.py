"""``FileSystemStorage``: collected files in ``static_root``, written atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from devstatic.config.settings import Settings
from devstatic.config.static_root import static_root_in_dirs
from devstatic.disk import threads
from devstatic.exceptions import StorageError
from devstatic.http.paths import safe_relative_path
from devstatic.storage.base import Storage


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Temporary files are ``.<name>.devstatic-<8 random chars>.tmp`` beside their target.
_TEMP_MARK = ".devstatic-"
_TEMPORARY = re.compile(r"^\..+\.devstatic-[A-Za-z0-9_]{8}\.tmp$")

#: Files get the mode ``open()`` would give them, so nginx's worker can read them.
_FILE_MODE = 0o666 & ~_umask()

#: A new temporary file: never reuse a name (``O_EXCL``), never leak the fd to a child.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
_READ = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
#: The first read of a source; a short one is the whole file (most static files are).
_FIRST_READ = 64 << 10
_NEXT_READ = 1 << 20


class FileSystemStorage(Storage):
    """Files under ``static_root``. Each write goes to a temporary name in the target
    folder and is renamed into place, so a killed run never leaves a truncated file
    under its final name."""

    supports_links = True
    #: collectstatic calls from one thread: a local copy is a few syscalls, and handing
    #: each to a pool cost more (GIL hand-offs) than the copy itself. ``save_many``
    #: batches instead, and moves a batch to ``threads.DISK_WRITES`` threads only once
    #: the kernel proves the bottleneck (see ``_save_many``).
    max_workers = 1

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
        clash = static_root_in_dirs(root, (folder for _, folder in self.settings.dir_locations))
        if clash is not None:
            raise StorageError(f"static_root {clash}")
        if root.exists() and not root.is_dir():
            raise StorageError(
                f"static_root {str(root)!r} is a file, not a folder: point static_root at a "
                "folder (it is created if missing)."
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
        return _is_current(_Lstat.of(str(self.path(name))), source)

    def save(self, name: str, source: Path) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_file(str(target), source, keep=False)

    def save_bytes(self, name: str, data: bytes) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_file(str(target), data)

    def save_many(self, items: Iterable[tuple[str, Path]]) -> Iterator[str]:
        """``save()`` of many files with the fewest syscalls: each destination folder is
        listed once (the up-to-date check and ``exists`` read the listing instead of
        failing ``stat``s on a fresh root; it also tells whether the folder must be made)
        and each copy costs two opens, reads and writes through the fds, and a rename."""
        return self._save_many(items, None, 0)

    def save_bytes_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        if not self._batches("save_bytes"):
            super().save_bytes_many(items)
            return
        batch = _Batch(self)

        def write(chunk: list[tuple[str, bytes]]) -> None:
            for name, data in chunk:
                _write_file(batch.entry(name)[0], data)

        for _ in _in_chunks(list(items), write):
            pass

    def existing(self, names: Iterable[str]) -> set[str]:
        """One listing per folder instead of an ``lstat`` per name."""
        if not self._batches("exists"):
            return super().existing(names)
        batch = _Batch(self, make=False)
        return {name for name in names if batch.entry(name)[1] is not None}

    def _save_many(
        self, items: Iterable[tuple[str, Path]], keep: dict[str, bytes] | None, limit: int
    ) -> Iterator[str]:
        """``save_many``; with ``keep``, the bytes of the files copied are put there until
        they add up to about ``limit`` (the manifest layer hashes them instead of reading
        each source again).

        Chunks of ``_CHUNK`` files run in this thread while a file takes little time (the
        work is Python's, which threads would only slow down with GIL hand-offs). Once a
        chunk averages over ``_SLOW_FILE`` seconds a file, the kernel or the disk is the
        bottleneck (measured here: creating files right after deleting thousands costs
        ~0.5 ms of kernel CPU each), and the remaining chunks go to ``threads.DISK_WRITES``
        threads, which overlap it on every core, one hand-off per chunk. Outcomes are
        yielded in order; a failure is raised at its file.
        """
        if not self._batches("save", "is_current", "exists"):
            yield from super().save_many(items)
            return
        batch = _Batch(self)
        budget = [limit if keep is not None else 0]
        results = _in_chunks(list(items), lambda chunk: _save_chunk(batch, chunk, budget))
        yield from _outcomes(results, keep)

    def _batches(self, *methods: str) -> bool:
        """Whether the batches may stand in for ``methods``: a subclass that overrides
        one of them (to refuse, count or transform) gets its own per-file calls."""
        cls = type(self)
        return all(getattr(cls, m) is getattr(FileSystemStorage, m) for m in methods)

    def read_bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(name))

    def list_names(self) -> Iterator[str]:
        """Every file and symlink below the root; symlinked folders are not followed."""
        yield from _walk_names(self.root, "")

    def names_under(self, folder: str) -> list[str]:
        """A walk of ``folder`` alone, not of the whole root."""
        start = folder.strip("/")
        return list(_walk_names(self.path(start), start + "/"))

    def modified_times(self) -> dict[str, float]:
        """Each name's ``lstat`` modification time (a symlink's own, not its target's)."""
        times = {}
        for name in self.list_names():
            try:
                times[name] = os.lstat(self.path(name)).st_mtime
            except FileNotFoundError:
                continue
        return times

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


def _walk_names(top: Path, prefix: str) -> Iterator[str]:
    """``prefix`` plus the relative POSIX name of every file and symlink below ``top``
    (nothing when it is no folder); symlinked folders are listed, not followed."""
    if not top.is_dir():
        return
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        relative = os.path.relpath(folder, top)
        inner = prefix if relative == "." else prefix + relative.replace(os.sep, "/") + "/"
        for name in sorted(filenames):
            yield inner + name
        for name in sorted(dirnames):
            if os.path.islink(os.path.join(folder, name)):
                yield inner + name


#: ``FileSystemStorage._save_many``: files per chunk; the time a file may take on
#: average before the rest of a batch goes to threads (``threads.DISK_WRITES`` of
#: them). Measured on 5 000 files: in one thread 0.2 s when files take ~40 us each
#: (two threads: 0.3 s), but 3.7 s when the kernel takes ~0.5 ms a file.
_CHUNK = 64
_SLOW_FILE = 150e-6

#: A chunk's outcomes, the bytes kept, and the error that stopped it (after them).
_ChunkResult = tuple[list[str], list[tuple[str, bytes]], BaseException | None]


_T = TypeVar("_T")
_R = TypeVar("_R")


def _in_chunks(items: list[_T], work: Callable[[list[_T]], _R]) -> Iterator[_R]:
    """``work`` of each chunk of ``_CHUNK`` items, results in order: in this thread while
    an item takes under ``_SLOW_FILE`` on average, then the rest on ``threads.DISK_WRITES``
    threads (see ``FileSystemStorage._save_many``). An exception from ``work`` is raised
    at its chunk, after the results before it."""
    chunks = iter([items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)])
    for chunk in chunks:
        started = time.perf_counter()
        result = work(chunk)
        slow = time.perf_counter() - started > _SLOW_FILE * len(chunk)
        yield result
        if slow:
            break
    rest = list(chunks)
    if not rest:
        return
    pool = threads.executor(threads.DISK_WRITES, "copy")
    try:
        futures = [pool.submit(work, chunk) for chunk in rest]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _save_chunk(batch: _Batch, chunk: list[tuple[str, Path]], budget: list[int]) -> _ChunkResult:
    """Copy one chunk in order; stops at the first error, which is returned, not raised,
    so that the outcomes before it are still reported."""
    outcomes: list[str] = []
    kept: list[tuple[str, bytes]] = []
    try:
        for name, source in chunk:
            target, entry = batch.entry(name)
            if _is_current(entry, source):
                outcomes.append("unmodified")
                continue
            data = _copy_file(target, source, keep=budget[0] > 0)
            if data is not None:
                kept.append((name, data))
                budget[0] -= len(data)  # a soft limit: threads may overshoot a little
            outcomes.append("replaced" if entry is not None else "written")
    except Exception as exc:  # re-raised by _outcomes, at its file
        return outcomes, kept, exc
    return outcomes, kept, None


def _outcomes(results: Iterable[_ChunkResult], keep: dict[str, bytes] | None) -> Iterator[str]:
    for outcomes, kept, error in results:
        if keep is not None:
            keep.update(kept)
        yield from outcomes
        if error is not None:
            raise error


def _is_current(entry: os.DirEntry[str] | _Lstat | None, source: Path) -> bool:
    """THE current-file rule (Django's), for ``is_current`` and the batches alike: the
    stored copy (a listing entry, or one ``lstat``) is no symlink, has the source's size
    and is not older. ``None``: nothing is stored under the name."""
    if entry is None:
        return False
    try:
        if entry.is_symlink():
            return False
        dest = entry.stat(follow_symlinks=False)
        src = os.stat(source)
    except OSError:
        return False
    return dest.st_size == src.st_size and dest.st_mtime >= src.st_mtime


class _Batch:
    """The folder listings of one batch under a root, each made once.

    Used by one thread for one call. A listing is trusted only for names not yet
    written in the batch (collectstatic writes each name at most once per run).
    """

    def __init__(self, storage: FileSystemStorage, *, make: bool = True) -> None:
        self.root = str(storage.root)
        self.make = make
        self.listings: dict[str, dict[str, os.DirEntry[str]] | None] = {}

    def entry(self, name: str) -> tuple[str, os.DirEntry[str] | _Lstat | None]:
        """``(target path, what is there now or None)``; makes a missing folder (unless
        ``make`` is false)."""
        if safe_relative_path(name) is None:
            raise StorageError(f"refusing the unsafe file name {name!r}.")
        target = os.path.join(self.root, name)
        folder = os.path.dirname(target)
        try:
            listing = self.listings[folder]
        except KeyError:
            listing = self.listings[folder] = self._list(folder)
        if listing is None:
            return target, _Lstat.of(target)
        return target, listing.get(target[len(folder) + 1 :])

    def _list(self, folder: str) -> dict[str, os.DirEntry[str]] | None:
        """The entries of ``folder`` (made if missing); ``None`` if it cannot be listed."""
        try:
            with os.scandir(folder) as entries:
                return {entry.name: entry for entry in entries}
        except (FileNotFoundError, NotADirectoryError):
            if self.make:  # raises, as save() would, when a file is in the way
                Path(folder).mkdir(parents=True, exist_ok=True)
            return {}
        except OSError:
            return None  # searchable but not readable: ask for each name


class _Lstat:
    """What ``is_current`` needs of a ``DirEntry``, from an ``lstat`` of one path."""

    def __init__(self, st: os.stat_result) -> None:
        self.st = st

    @classmethod
    def of(cls, path: str) -> _Lstat | None:
        try:
            return cls(os.lstat(path))
        except OSError:
            return None

    def is_symlink(self) -> bool:
        return stat.S_ISLNK(self.st.st_mode)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return self.st


#: Random temporary names; ``O_EXCL`` turns a clash (another thread, a forked
#: process with the same state) into a retry, never into a shared file.
_NAMES = random.Random()


def _create_temp(target: str) -> tuple[int, str]:
    """A new temporary file beside ``target`` (``.<name>.devstatic-XXXXXXXX.tmp``),
    created with the final mode, so no ``chmod`` is needed."""
    folder, base = os.path.split(target)
    for _ in range(100):
        tmp = f"{folder}/.{base}{_TEMP_MARK}{_NAMES.getrandbits(32):08x}.tmp"
        try:
            return os.open(tmp, _CREATE, _FILE_MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name found", folder)


def _copy_file(target: str, source: Path, *, keep: bool) -> bytes | None:
    """Copy ``source`` onto ``target`` atomically (temp file, rename); the bytes if
    ``keep``. Two opens: the source, then the temporary file, written through its fd."""
    src = os.open(source, _READ)
    try:
        return _replace_atomically(target, lambda fd: _pump(src, fd, keep))
    finally:
        os.close(src)


def _write_file(target: str, data: bytes) -> None:
    """Write ``data`` onto ``target`` atomically (temp file, rename)."""
    _replace_atomically(target, lambda fd: _write_all(fd, data))


def _replace_atomically(target: str, fill: Callable[[int], _R]) -> _R:
    """A temporary file beside ``target``, filled by ``fill(fd)``, then renamed onto it;
    on any failure the temporary file is removed and ``target`` is left as it was."""
    fd, tmp = _create_temp(target)
    try:
        try:
            result = fill(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return result


def _pump(src: int, dst: int, keep: bool) -> bytes | None:
    """Copy ``src`` to ``dst`` (both fds): one read for a small file, the kernel's
    ``sendfile`` for the rest of a big one unless its bytes are kept."""
    first = os.read(src, _FIRST_READ)
    if not first:
        return b"" if keep else None
    _write_all(dst, first)
    big = len(first) == _FIRST_READ
    if big and not keep and _sendfile_rest(src, dst):
        return None
    chunks = [first]
    # A short first read is nearly always the whole file: the read that proves it asks
    # for little, as Python allocates the whole size asked for before reading.
    size = _NEXT_READ if big else _FIRST_READ
    while chunk := os.read(src, size):
        _write_all(dst, chunk)
        if keep:
            chunks.append(chunk)
        size = _NEXT_READ
    if not keep:
        return None
    return first if len(chunks) == 1 else b"".join(chunks)


def _sendfile_rest(src: int, dst: int) -> bool:
    """The rest of ``src`` into ``dst`` in the kernel; False if it cannot (then nothing
    was sent and the caller reads and writes)."""
    sent_any = False
    try:
        while os.sendfile(dst, src, None, 1 << 30):
            sent_any = True
    except OSError as exc:
        if sent_any or exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
            raise
        return False
    except AttributeError:  # no sendfile on this platform
        return False
    return True


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written < len(data):
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]
