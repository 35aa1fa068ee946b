"""A change feed over directory trees, from Linux inotify (ctypes, no dependency).

Why it makes the resolver's cache both fast and honest: the kernel queues an inotify
event *before* the system call that changed a watched directory returns. So if a
non-blocking read of the inotify descriptor finds nothing at the start of a request,
nothing under the watched trees has changed since the previous request, and cached
entries can be trusted without a single ``stat``. Where inotify cannot give that
guarantee (not Linux, a network or FUSE file system, the watch limit reached) ``start``
returns ``None`` and the caller validates with ``stat`` as before.

The same descriptor serves live reload, so each folder is watched once. Whoever reads it
(the resolver polling at a request, live reload woken by the descriptor) hands every
event to every consumer: the cache keeps an unread ``Change`` until it asks, and each
subscriber is called with the events as paths. Neither can consume what the other needs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import select
import struct
import sys
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC

#: Everything that can change what a path resolves to or what a file contains.
WATCH_MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
    | IN_DONT_FOLLOW
)
#: Events after which the set of watched folders may be incomplete or wrong.
RESCAN_MASK = IN_Q_OVERFLOW | IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF

#: File systems whose changes all pass through this kernel, so inotify sees every one.
#: Network (nfs, cifs, 9p) and FUSE mounts (Docker Desktop's shares) are left out.
LOCAL_FILESYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "reiserfs",
     "jfs", "bcachefs", "ramfs", "vfat", "exfat", "hfsplus", "nilfs2"}
)  # fmt: skip

_EVENT = struct.Struct("iIII")
_READ_SIZE = 64 * 1024

logger = logging.getLogger("devstatic")


@dataclass(frozen=True, slots=True)
class Change:
    """What a batch of events means for a cache: drop everything, and maybe re-watch."""

    rescan: bool


@dataclass(frozen=True, slots=True)
class FileEvent:
    """One inotify event named by path: ``mask`` says what happened to ``path``.

    ``path`` joins the watched folder (as spelled when walked) and the event's name; an
    event about a watched folder itself, or an overflowed queue, has no name.
    """

    path: str
    mask: int


#: Called with each batch of events read, by whoever read them; ``None`` once the feed closes.
Listener = Callable[[list[FileEvent] | None], None]


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):
        return None
    return libc


def mount_types() -> list[tuple[str, str]]:
    """``(mount point, file system type)`` pairs, longest mount point first."""
    mounts: list[tuple[str, str]] = []
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if " - " not in line or len(fields) < 5:
                    continue
                after = line.split(" - ", 1)[1].split()
                point = fields[4].replace("\\040", " ")
                mounts.append((point, after[0] if after else ""))
    except OSError:
        return []
    mounts.sort(key=lambda item: len(item[0]), reverse=True)
    return mounts


def filesystem_type(path: str, mounts: list[tuple[str, str]]) -> str | None:
    for point, fstype in mounts:
        if path == point or path.startswith(point.rstrip("/") + "/"):
            return fstype
    return None


class ChangeFeed:
    """An inotify descriptor watching every folder under some roots (not following links).

    ``real_roots`` maps each watched root (with a trailing ``/``) to its real path: a
    change to a path under one of them is reported. Only roots that hold no symlinked
    folders are listed (a change behind a symlink happens in a folder we do not watch).
    A rescan replaces the dict, never edits it, so readers in other threads take one
    snapshot of it.
    """

    def __init__(self, libc: ctypes.CDLL, fd: int) -> None:
        self._libc = libc
        self.fd = fd
        # A middleware dropped without shutdown (tests, reloaders) must not leak the
        # descriptor: the per-user inotify instance limit is small (often 128).
        self._closer = weakref.finalize(self, _close_fd, fd)
        # ``poll(0)`` on an empty queue costs a quarter of a failing ``read`` (no exception).
        self._poller = select.poll()
        self._poller.register(fd, select.POLLIN)
        #: Watched roots (with a trailing ``/``) and their real paths (without).
        self.real_roots: dict[str, str] = {}
        #: Real paths of every root walked, and the symlinked folders the walk did not
        #: enter: what live reload needs no other watcher for, and what it still does.
        self.walked: tuple[str, ...] = ()
        self.linked: tuple[str, ...] = ()
        self._folders: dict[int, str] = {}
        #: What the cache has not read yet: ``None`` (nothing), else whether to re-walk.
        self._unread: bool | None = None
        self._listeners: list[Listener] = []
        self.closed = False

    @classmethod
    def start(cls, roots: Iterable[Path], *, max_watches: int = 100_000) -> ChangeFeed | None:
        """Watch every folder under ``roots``; ``None`` where inotify cannot be trusted."""
        libc = _libc()
        if libc is None:
            return None
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            return None
        feed = cls(libc, fd)
        if not feed.watch(roots, max_watches=max_watches):
            feed.close()
            return None
        return feed

    def watch(self, roots: Iterable[Path], *, max_watches: int = 100_000) -> bool:
        """(Re)walk ``roots`` and watch every folder; ``False`` if some cannot be watched."""
        mounts = mount_types()
        covered: dict[str, str] = {}
        walked: list[str] = []
        linked: list[str] = []
        for root in roots:
            top = os.path.abspath(root)
            if not os.path.isdir(top) or os.path.islink(top):
                continue  # missing (or a link): its paths stay validated with ``stat``
            real = os.path.realpath(top)
            if filesystem_type(real, mounts) not in LOCAL_FILESYSTEMS:
                continue
            safe = True
            walked.append(real)
            for folder, subfolders, _files in os.walk(top):
                links = [os.path.join(folder, n) for n in subfolders]
                links = [path for path in links if os.path.islink(path)]
                if links:
                    safe = False
                    linked.extend(links)
                wd = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCH_MASK)
                if wd < 0:
                    code = ctypes.get_errno()
                    if code in (errno.ENOENT, errno.ENOTDIR):
                        continue  # removed while walking: its parent's event forces a rescan
                    return False  # ENOSPC (watch limit) or EACCES: fall back to stat
                self._folders[wd] = folder
                if len(self._folders) > max_watches:
                    return False
            if safe:
                covered[top.rstrip("/") + "/"] = real.rstrip("/")
        self.real_roots = covered
        self.walked = tuple(walked)
        self.linked = tuple(linked)
        return True

    def pending(self) -> bool:
        """Whether a ``read`` has something to say (one ``poll(0)``, no exception when empty)."""
        return self._unread is not None or bool(self._poller.poll(0))

    def read(self) -> Change | None:
        """``None`` when nothing changed since the last call, else what to do about it.

        Counts events another consumer drained since (they are kept for this call).
        """
        if self._poller.poll(0):
            self.drain()
        elif self._unread is None:
            return None  # the hot path: nothing queued, nothing kept
        unread, self._unread = self._unread, None
        return None if unread is None else Change(rescan=unread)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every batch of events from now on; returns the undo."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def drain(self) -> bool:
        """Read every queued event, keep the cache's verdict, hand the events to listeners.

        Non-blocking; ``False`` when nothing was queued. Paths are only built when someone
        listens, so the cache alone pays for no names.
        """
        events: list[FileEvent] | None = [] if self._listeners else None
        rescan = False
        got = False
        while True:
            try:
                data = os.read(self.fd, _READ_SIZE)
            except (BlockingIOError, OSError):  # empty, or closed under us
                break
            got = True
            offset = 0
            while offset + _EVENT.size <= len(data):
                wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                rescan = rescan or self._needs_rescan(wd, mask, name)
                if events is not None:
                    folder = self._folders.get(wd, "")
                    path = os.path.join(folder, os.fsdecode(name)) if name else folder
                    events.append(FileEvent(path, mask))
        if not got:
            return False
        self._unread = rescan or bool(self._unread)
        if events is not None:
            self._tell(events)
        return True

    def _tell(self, events: list[FileEvent] | None) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(events)
            except Exception:  # a listener's bug must not stop the cache's invalidation
                logger.exception("devstatic: a change feed listener failed")

    def _needs_rescan(self, wd: int, mask: int, name: bytes) -> bool:
        """A lost watch, an overflowed queue, a new folder (not watched yet) or a new
        symlink (it may lead to a folder we do not watch) make our view incomplete."""
        if mask & RESCAN_MASK:
            return True
        if not mask & (IN_CREATE | IN_MOVED_TO):
            return False
        if mask & IN_ISDIR:
            return True
        folder = self._folders.get(wd)
        return folder is None or os.path.islink(os.path.join(folder, os.fsdecode(name)))

    def close(self) -> None:
        """Close the descriptor; listeners hear ``None`` first (so they stop waiting on it)."""
        if not self.closed:
            self.closed = True
            self._tell(None)
            self._listeners.clear()
        self._closer()


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
