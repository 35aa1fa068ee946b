"""Resolving a served path to a file, cached and re-validated on every request.

The cache is what makes a hit cheap, and the validation is what keeps it honest. On
Linux an inotify feed (``devstatic.disk.inotify``) watches every folder under the finder
locations: the kernel queues an event before the changing system call returns, so an
empty queue at the start of a request proves that nothing changed and a hit costs one
non-blocking ``read`` whatever the number of folders. Where inotify cannot vouch for a
path (another OS, a network mount, a symlink, a hard-linked file, a folder being
re-watched, ``DEVSTATIC_INOTIFY=0``) every request re-checks the file's identity
(inode, size, mtime and ctime in nanoseconds) and that no earlier location has grown a
file that would now win. Either way, a file modified so recently that the file
system's coarse clock could hide a second same-size write (git's "racy clean" problem)
is never trusted from the cache: it is re-read and re-hashed until it settles.

One rule decides every reuse (``Resolver.current``): an entry, the decisions kept on its
representations and plain serving's whole answers are reused only while every path
the lookup depended on is vouched for, by the feed or by ``stat``: the file, the
precompressed siblings it read, the siblings and earlier candidates it found absent.
Siblings are examined by the same function as the file (``Resolver._examine``), so they
obey the same root, regular-file and hard-link rules.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
import time
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path

import anyio

from devstatic.disk.blocking import run_blocking
from devstatic.disk.inotify import ChangeFeed
from devstatic.disk.versions import RACY_NS, version_of
from devstatic.finders import BaseFinder, Candidate, examine_candidate
from devstatic.http.encoding import SIBLINGS as SIBLINGS  # precompressed, in checking order
from devstatic.http.httpdate import format_http_date
from devstatic.http.mediatypes import content_type_for, is_compressible
from devstatic.serve.representation import FileEntry, Representation

#: Files up to this size get a content-hash ETag (stable across touch and checkout).
HASH_LIMIT = 1024 * 1024
#: Files up to this size are kept in memory and sent without touching the disk again.
SMALL_FILE = 256 * 1024
#: Total bytes of file content the cache may hold.
CONTENT_BUDGET = 64 * 1024 * 1024


#: ``0`` (or ``false``/``no``/``off``) validates every hit with ``stat`` instead of inotify.
INOTIFY_ENV = "DEVSTATIC_INOTIFY"


class Refused(Enum):
    """A path that exists but must not be served (not a regular file, out of its root,
    unreadable): it neither shadows nor can be vouched for."""

    REFUSED = "refused"


REFUSED = Refused.REFUSED


def read_representation(path: str, *, clock: Callable[[], int] = time.time_ns) -> Representation:
    """Stat, and for small files read and hash, ``path``. Raises ``OSError`` if unreadable."""
    with open(path, "rb", buffering=0) as handle:
        before = os.fstat(handle.fileno())
        if not stat_module.S_ISREG(before.st_mode):
            raise IsADirectoryError(path)
        content: bytes | None = None
        if before.st_size <= HASH_LIMIT:
            data = handle.read(before.st_size + 1)
            after = os.fstat(handle.fileno())
            stable = len(data) == before.st_size and version_of(after) == version_of(before)
            digest = hashlib.blake2b(data, digest_size=10).hexdigest()
            etag = f'"{digest}"'
            if before.st_size <= SMALL_FILE:
                content = data
        else:
            stable = True
            etag = f'"{before.st_ino:x}-{before.st_mtime_ns:x}-{before.st_size:x}"'
    now = clock()
    newest = max(before.st_mtime_ns, before.st_ctime_ns)
    settled = stable and (before.st_size > HASH_LIMIT or now - newest > RACY_NS)
    mtime = int(before.st_mtime)
    return Representation(
        path=path,
        size=len(content) if content is not None else before.st_size,
        version=version_of(before),
        etag=etag,
        mtime=mtime,
        last_modified=format_http_date(mtime),
        content=content,
        settled=settled,
        links=before.st_nlink,
    )


def inotify_wanted() -> bool:
    """False when ``DEVSTATIC_INOTIFY`` turns the change feed off."""
    value = os.environ.get(INOTIFY_ENV, "").strip().lower()
    return value not in ("0", "false", "no", "off")


class Resolver:
    """Finds the file for a served path across the finders, with a validated cache.

    ``watch=False`` (or ``DEVSTATIC_INOTIFY=0``) skips the inotify feed: every hit is
    then validated with ``stat``, as on systems without inotify.
    """

    def __init__(
        self,
        finders: Sequence[BaseFinder],
        *,
        follow_symlinks: bool,
        watch: bool | None = None,
    ) -> None:
        self.finders = tuple(finders)
        self.follow_symlinks = follow_symlinks
        self._cache: dict[str, FileEntry] = {}
        self._content_bytes = 0
        #: Bumped on every invalidation; a lookup started before it is not cached.
        self._generation = 0
        self._want_watch = inotify_wanted() if watch is None else watch
        self._feed: ChangeFeed | None = None
        #: The feed is up to date: watched entries need no ``stat``.
        self._watching = False
        self._rescanning = False
        self._rescan_again = False
        #: Nanoseconds now, for the racy-window check (a test may move it on).
        self.clock: Callable[[], int] = time.time_ns

    def cached(self, name: str) -> bool:
        """Whether ``name`` has a cache entry (tests use it to prove the cache is in play)."""
        return name in self._cache

    @property
    def watching(self) -> bool:
        """Whether cache hits are currently vouched for by inotify (for tests and bench)."""
        return self._watching

    def hit(self, name: str) -> FileEntry | None:
        """The cached entry for ``name`` when it is known current without a thread hop
        (watched: one non-blocking read of the change feed); else ``None``, ask ``resolve``.
        """
        if self._want_watch:
            if self._feed is not None:
                self._poll_changes()
            if not self._watching:
                return None
        entry = self._cache.get(name)
        if entry is not None and self.current(entry):
            return entry
        return None

    def vouches_for(self, entry: FileEntry) -> bool:
        """Whether something built from ``entry`` (a decision, a whole answer) may be
        reused now: the change feed is read first, then ``current`` decides."""
        feed = self._feed
        if feed is not None and feed.pending():
            self._poll_changes()
        return self.current(entry)

    def current(self, entry: FileEntry) -> bool:
        """THE freshness rule: ``entry`` still is what its name resolves to.

        Only a trusted entry (cacheable, every file it read settled) is ever reused. A
        watched one is vouched for by the live change feed while it is still the cached
        entry (any event drops the cache); any other is checked with ``stat``: each file
        it read is the same version and each path it found absent is still absent.
        """
        if not entry.trusted:
            return False
        if entry.watched and self._watching:
            return self._cache.get(entry.name) is entry
        for rep in entry.files:
            try:
                if version_of(os.stat(rep.path)) != rep.version:
                    return False
            except (OSError, ValueError):
                return False
        for path in entry.absent:
            try:
                os.stat(path)
            except (OSError, ValueError):
                continue
            return False
        return True

    @property
    def generation(self) -> int:
        """Bumped whenever the cache is dropped (a change on disk, a rescan)."""
        return self._generation

    async def resolve(self, name: str) -> FileEntry | None:
        """The entry for ``name`` or ``None``; a watched hit costs one non-blocking read."""
        entry = self.hit(name)
        if entry is not None:
            return entry
        if self._want_watch and not self._watching and not self._rescanning:
            await self._rescan()
        entry = self._cache.get(name)
        if entry is not None and self.current(entry):
            return entry
        generation = self._generation
        entry = await run_blocking(self._lookup, name)
        if generation == self._generation:
            self._remember(name, entry)
        return entry

    async def change_feed(self) -> ChangeFeed | None:
        """The inotify feed behind the cache, started or re-walked first if it needs it;
        ``None`` where inotify cannot vouch. Live reload subscribes to it, so each folder
        is watched once (``devstatic.livereload.feedwatch``)."""
        if self._feed is not None:
            self._poll_changes()
        while self._rescanning:  # a request is walking (at startup, creating the feed)
            await anyio.sleep(0.005)
        if self._want_watch and not self._watching:
            await self._rescan()
        return self._feed

    def forget(self, name: str) -> None:
        """Drop ``name`` from the cache (its file vanished between lookup and open)."""
        self._remember(name, None)

    def close(self) -> None:
        """Stop watching (the descriptor is also closed when the process ends)."""
        self._want_watch = self._watching = False
        if self._feed is not None:
            self._feed.close()
            self._feed = None

    # -- the change feed ----------------------------------------------------------------

    def roots(self) -> list[Path]:
        """The folders to watch: every location of a finder that ``has_candidates()``."""
        found: list[Path] = []
        for finder in self.finders:
            try:
                if not finder.has_candidates():
                    continue
                found.extend(finder.locations())
            except Exception:  # a plugin's bug must not stop serving; stat still validates
                continue
        return found

    def _poll_changes(self) -> None:
        """Drop the cache if anything changed; a new folder or link means re-watching."""
        assert self._feed is not None
        change = self._feed.read()
        if change is None:
            return
        self._invalidate()
        if change.rescan:
            self._watching = False
            self._rescan_again = True

    async def _rescan(self) -> None:
        """(Re)watch every folder in a worker thread; until done, hits use ``stat``.

        Events read meanwhile (by this or concurrent requests) that call for another
        walk make us walk again, so we only go live on a walk nothing has outdated.
        """
        self._rescanning = True
        try:
            while True:
                self._rescan_again = False
                if self._feed is None:
                    self._feed = await run_blocking(ChangeFeed.start, self.roots())
                    if self._feed is None:
                        self._want_watch = False
                        return
                elif not await run_blocking(self._feed.watch, self.roots()):
                    self.close()
                    return
                if self._feed is None:  # closed while we walked
                    return
                self._poll_changes()
                if not self._rescan_again:
                    break
            # Entries looked up while degraded were judged against an older walk.
            self._invalidate()
            self._watching = True
        finally:
            self._rescanning = False

    def _invalidate(self) -> None:
        self._generation += 1
        self._cache.clear()
        self._content_bytes = 0

    def _covered(self, files: Sequence[Representation], absent: Sequence[str]) -> bool:
        """Whether the feed reports every change that could alter this lookup: each file
        read has one link and no symlink on its way, each absent path is under a root."""
        feed = self._feed
        if feed is None:
            return False
        # One snapshot: a rescan in another thread swaps ``real_roots`` for a new dict
        # (never edits it), so reading it twice could mix two generations.
        roots = feed.real_roots
        for rep in files:
            # Another hard link: a write through it is reported in another folder.
            if rep.links != 1:
                return False
            root = next((r for r in roots if rep.path.startswith(r)), None)
            # A symlink on the way: the real file lives in a folder we may not watch.
            if (
                root is None
                or os.path.realpath(rep.path) != roots[root] + rep.path[len(root) - 1 :]
            ):
                return False
        return all(any(path.startswith(r) for r in roots) for path in absent)

    # -- internals --------------------------------------------------------------------

    def _remember(self, name: str, entry: FileEntry | None) -> None:
        old = self._cache.pop(name, None)
        if old is not None:
            self._content_bytes -= old.content_bytes
        if entry is None:
            return
        size = entry.content_bytes
        if self._content_bytes + size > CONTENT_BUDGET:
            self._evict(size)
        self._content_bytes += size
        self._cache[name] = entry

    def _evict(self, needed: int) -> None:
        """Drop the oldest entries until ``needed`` bytes fit (dicts keep insertion order)."""
        for key in list(self._cache):
            if self._content_bytes + needed <= CONTENT_BUDGET:
                break
            self._content_bytes -= self._cache.pop(key).content_bytes

    def _lookup(self, name: str) -> FileEntry | None:
        shadows: list[str] = []
        cacheable = True
        for finder in self.finders:
            candidates = finder.candidates(name)
            if candidates is None:
                # An opaque finder: its ``find`` is the only rule we know, for siblings too.
                cacheable = False
                found = finder.find(name)
                rep = None if found is None else self._read(str(found))
                if isinstance(rep, Representation):
                    return self._entry(name, rep, None, finder, shadows, cacheable=False)
                continue
            for candidate, root in candidates:
                path = str(candidate)
                rep = self._examine(path, root)
                if rep is None:
                    shadows.append(path)
                elif rep is REFUSED:
                    cacheable = False
                else:
                    return self._entry(name, rep, root, finder, shadows, cacheable=cacheable)
        return None

    def _examine(self, path: str, root: Path) -> Representation | Refused | None:
        """What ``path``, a candidate in ``root``, holds: ``None`` if it is missing,
        ``REFUSED`` if it must not be served, else the file read. The one rule for
        candidates and their precompressed siblings alike."""
        kind = examine_candidate(path, root, follow_symlinks=self.follow_symlinks)
        if kind is Candidate.MISSING:
            return None
        if kind is not Candidate.SERVABLE:
            return REFUSED
        return self._read(path)

    def _read(self, path: str) -> Representation | Refused:
        try:
            return read_representation(path, clock=self.clock)
        except (OSError, ValueError):
            return REFUSED

    def _entry(
        self,
        name: str,
        plain: Representation,
        root: Path | None,
        finder: BaseFinder,
        shadows: list[str],
        *,
        cacheable: bool,
    ) -> FileEntry:
        content_type = content_type_for(name)
        compressible = is_compressible(content_type)
        variants: dict[str, Representation] = {}
        absent: list[str] = []
        for coding, suffix in SIBLINGS if compressible else ():
            path = plain.path + suffix
            if root is not None:
                sibling = self._examine(path, root)
            else:
                found = finder.find(name + suffix)
                sibling = None if found is None or str(found) != path else self._read(path)
            if sibling is None:
                absent.append(path)
            elif sibling is REFUSED:
                cacheable = False
            else:
                variants[coding] = sibling
        files = (plain, *variants.values())
        return FileEntry(
            name=name,
            source=plain.path,
            content_type=content_type,
            plain=plain,
            shadows=tuple(shadows),
            cacheable=cacheable,
            compressible=compressible,
            variants=variants,
            absent_siblings=tuple(absent),
            watched=cacheable and self._covered(files, (*shadows, *absent)),
        )
