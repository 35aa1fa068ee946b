"""Live reload's watcher: the resolver's inotify feed where there is one, else watchfiles.

On Linux the resolver already watches every folder under the finder locations for its
cache (``devstatic.disk.inotify``). Live reload subscribes to that feed instead of watching
the same folders a second time: one descriptor, one watch per folder. The task here
sleeps in ``wait_readable`` on the descriptor (no polling, nothing to do while idle);
events reach it whoever reads them, a request's poll included, and ``Burst`` decides
when a save is complete. Where the feed cannot vouch (another OS, ``DEVSTATIC_INOTIFY=0``,
a network mount, the watch limit) or does not reach (a custom finder's folders, a
symlinked folder the walk does not enter) the watchfiles ``Watcher`` remains.

Written with anyio only, so it runs on asyncio and trio alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import anyio

from devstatic.disk.blocking import run_blocking
from devstatic.disk.inotify import ChangeFeed, FileEvent
from devstatic.disk.within import is_at_or_below
from devstatic.finders import Location
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.bursts import Burst, Report
from devstatic.livereload.watcher import Watcher, expand_new_folders, served_paths

logger = logging.getLogger("devstatic")

#: How long ``stop`` waits for the task to end.
STOP_TIMEOUT = 1.0

FeedSource = Callable[[], Awaitable[ChangeFeed | None]]


def uncovered_roots(roots: list[Location], feed: ChangeFeed) -> list[Location]:
    """The roots (and symlinked folders inside the feed's) that the feed does not watch."""
    out = [
        root
        for root in roots
        if os.path.isdir(root.root)
        and not any(is_at_or_below(os.path.realpath(root.root), top) for top in feed.walked)
    ]
    for link in feed.linked:
        for root in roots:
            served = root.served(link)
            if served is None:
                continue
            for spelling in (link, os.path.realpath(link)):
                candidate = Location(served, Path(spelling))
                if candidate not in out:
                    out.append(candidate)
    return out


def _spawn(run: Callable[[], Coroutine[Any, Any, None]]) -> object:
    """Run ``run()`` in the background of the running event loop (asyncio or trio)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio, the other loop anyio speaks to
        import trio

        return trio.lowlevel.spawn_system_task(run)
    return loop.create_task(run())


class LiveWatcher:
    """Reports each save under ``roots`` to ``publish`` as a list of served paths.

    ``feed`` gives the resolver's change feed (started if need be), or ``None`` where it
    has none; without ``feed`` the watchfiles ``Watcher`` watches everything.
    """

    def __init__(
        self,
        roots: list[Location],
        ignored: IgnoreMatcher,
        publish: Callable[[list[str]], None],
        *,
        feed: FeedSource | None = None,
    ) -> None:
        self.roots = roots
        self.ignored = ignored
        self.publish = publish
        self.feed_source = feed
        #: The watchfiles watcher over what the feed does not cover (``None``: nothing).
        self.fallback: Watcher | None = None
        #: Whether the change feed serves live reload right now (for tests).
        self.on_feed = False
        self._task: object = None
        self._scope: anyio.CancelScope | None = None
        self._done: anyio.Event | None = None
        self._stopping = False
        self._wait: anyio.CancelScope | None = None
        self._closed = False

    @property
    def running(self) -> bool:
        following = self._done is not None and not self._done.is_set()
        return following or (self.fallback is not None and self.fallback.running)

    def start(self) -> None:
        if self._done is not None and not self._done.is_set():
            return
        self._stopping = False
        self._done = anyio.Event()
        self._task = _spawn(self.run)  # keep a reference: the loop holds tasks weakly

    def request_stop(self) -> None:
        """End the task soon (safe from a signal callback run on the loop)."""
        self._stopping = True
        if self._scope is not None:
            self._scope.cancel()

    async def stop(self) -> None:
        self.request_stop()
        done = self._done
        if done is not None:
            with anyio.move_on_after(STOP_TIMEOUT):
                await done.wait()
        fallback, self.fallback = self.fallback, None
        if fallback is not None:
            await fallback.stop()

    async def run(self) -> None:
        """Watch until stopped. ``start`` runs it in the background; a caller with a task
        group of its own may run it there instead."""
        if self._done is None or self._done.is_set():
            self._done = anyio.Event()
        done = self._done
        try:
            with anyio.CancelScope() as scope:
                self._scope = scope
                if self._stopping:
                    return
                await self._watch()
        except Exception:  # serving must go on whatever happens to live reload
            logger.exception("devstatic live reload stopped watching")
        finally:
            self._scope = None
            self.on_feed = False
            if done is not None:
                done.set()

    async def _watch(self) -> None:
        feed = await self.feed_source() if self.feed_source is not None else None
        if feed is None or feed.closed:
            self._fall_back(self.roots)
            return
        self._fall_back(uncovered_roots(self.roots, feed))
        await self._follow(feed)
        # The feed closed (the resolver gave up on inotify): watchfiles takes over.
        if not self._stopping:
            self._fall_back(self.roots)

    def _fall_back(self, roots: list[Location]) -> None:
        if self.fallback is not None:
            self.fallback.request_stop()
            self.fallback = None
        if roots:
            self.fallback = Watcher(roots, self.ignored, self.publish)
            self.fallback.start()

    async def _follow(self, feed: ChangeFeed) -> None:
        """Sleep on the descriptor; report each burst when ``Burst`` says it is complete."""
        burst = Burst(self.roots, self.ignored)
        self._closed = False
        # The burst's clock is the loop's (cancel scope deadlines), read without the loop.
        offset = anyio.current_time() - time.monotonic()

        def heard(events: list[FileEvent] | None) -> None:
            if events is None:
                self._closed = True
                with contextlib.suppress(Exception):
                    anyio.notify_closing(feed.fd)  # wake the wait before the fd closes
            else:
                burst.add(events, time.monotonic() + offset)
            # Events a request's poll read never wake the descriptor: wake ourselves.
            wait, due = self._wait, burst.deadline
            if wait is not None and self._closed:
                wait.cancel()
            elif wait is not None and due is not None:
                wait.deadline = due

        unsubscribe = feed.subscribe(heard)
        self.on_feed = True
        try:
            feed.drain()  # events queued before we listened belong to the cache alone
            burst.take()
            while not self._closed:
                due = burst.deadline
                with anyio.CancelScope(deadline=math.inf if due is None else due) as wait:
                    self._wait = wait
                    with contextlib.suppress(anyio.ClosedResourceError):
                        await anyio.wait_readable(feed.fd)
                self._wait = None
                feed.drain()
                due = burst.deadline
                if self._closed or due is None or anyio.current_time() < due:
                    continue
                await self._report(burst.take())
        finally:
            self._wait = None
            self.on_feed = False
            unsubscribe()

    async def _report(self, report: Report) -> None:
        paths = report.paths
        if report.rewatch and self.feed_source is not None:
            await self.feed_source()  # watch the new folders before listing them
        if report.lost:
            self.publish([])  # no paths: every page reloads (reload.js), none stays stale
            return
        if report.new_folders:
            added = [path for path, _served in report.new_folders]
            files = await run_blocking(expand_new_folders, added)
            inside = served_paths(files, self.roots, self.ignored, is_dir=lambda _path: False)
            paths = sorted({*paths, *inside})
        if paths:
            self.publish(paths)
