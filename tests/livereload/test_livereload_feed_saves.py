"""Live reload on the resolver's change feed, driven by real system calls on a real folder.

Each editor's save is replayed syscall by syscall and must arrive as exactly one event
naming the served path: after it, a later write of another file is the next event.
Both consumers of the one inotify descriptor must see every change, whoever read it.
Every test runs on asyncio and on trio (the feed's watcher uses anyio only), except those
that end in the watchfiles fallback, whose watcher is still asyncio's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from devstatic import Settings
from devstatic.finders import get_finders
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.feedwatch import LiveWatcher
from devstatic.livereload.watcher import watch_roots
from devstatic.serve.resolver import Resolver

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")

SAFETY = 10.0  # seconds: only a bound on a hung test, never a speed assertion
SETTLE = 0.3  # seconds for a stray second event to show up before the sentinel

BACKENDS = ["asyncio", "trio"]


class Live:
    """A resolver over ``root`` and a live watcher on its feed, with what was published."""

    def __init__(self, root: Path, *, watch: bool = True) -> None:
        self.root = root
        settings = Settings(dirs=[root], debug=True)
        finders = get_finders(settings)
        self.resolver = Resolver(finders, follow_symlinks=False, watch=watch)
        self.reports: list[list[str]] = []
        self._arrived = anyio.Event()
        self.watcher = LiveWatcher(
            watch_roots(finders),
            IgnoreMatcher(settings.ignore_patterns),
            self._publish,
            feed=self.resolver.change_feed,
        )

    def _publish(self, paths: list[str]) -> None:
        self.reports.append(paths)
        self._arrived.set()

    async def next(self) -> list[str]:
        with anyio.fail_after(SAFETY):
            while not self.reports:
                self._arrived = anyio.Event()
                await self._arrived.wait()
        return self.reports.pop(0)

    async def start(self) -> None:
        self.watcher.start()
        with anyio.fail_after(SAFETY):
            while not (self.watcher.on_feed or self.watcher.fallback is not None):
                await anyio.sleep(0.01)

    async def until_watching(self) -> None:
        """Write a probe until it is reported (the fallback watcher starts in a thread)."""
        probe = self.root / "probe.txt"
        with anyio.fail_after(SAFETY):
            while not any("probe.txt" in paths for paths in self.reports):
                probe.write_text("x")
                await anyio.sleep(0.1)
        probe.unlink()
        assert await self.next_without("probe.txt") is None
        self.reports.clear()

    async def next_without(self, name: str) -> list[str] | None:
        await anyio.sleep(SETTLE)
        rest = [paths for paths in self.reports if paths != [name]]
        return rest[0] if rest else None

    async def only_event_is(self) -> list[str]:
        """The next event, after checking that nothing else follows it."""
        first = await self.next()
        await anyio.sleep(SETTLE)
        (self.root / "sentinel.txt").write_text("later")
        second = await self.next()
        assert second == ["sentinel.txt"], f"a second event for one save: {second}"
        return first

    async def stop(self) -> None:
        await self.watcher.stop()
        self.resolver.close()


def run(backend: str, tmp_path: Path, scenario: Callable[[Live], Awaitable[None]]) -> None:
    async def main() -> None:
        live = Live(tmp_path)
        await live.start()
        assert live.watcher.on_feed, "live reload did not subscribe to the change feed"
        assert live.watcher.fallback is None, "a second watcher watches the same folder"
        try:
            await scenario(live)
        finally:
            await live.stop()

    anyio.run(main, backend=backend)


def write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_write_in_place_is_one_event(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        (live.root / "site.css").write_text("a {}")
        assert await live.next() == ["site.css"]
        (live.root / "site.css").write_text("a { color: red }")
        assert await live.only_event_is() == ["site.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_atomic_rename_save_is_one_event(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        target = live.root / "site.css"
        target.write_text("a {}")
        assert await live.next() == ["site.css"]
        temp = live.root / "site.css.tmp8f3a"
        write(temp, b"a { color: red }")
        os.rename(temp, target)
        assert await live.only_event_is() == ["site.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("probe", [False, True], ids=["backupcopy-no", "backupcopy-auto"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_vim_backup_and_write_save_is_one_event(
    backend: str, probe: bool, tmp_path: Path
) -> None:
    """vim 9, ``writebackup`` (from strace): unlink(f~) fails, rename f to f~, open f
    O_CREAT, ftruncate, write, fsync, fchmod, close, set the ACL (an attribute change;
    chmod here), unlink f~. With the default ``backupcopy=auto`` vim first checks that it
    may create files in the folder: it creates ``4913`` (O_EXCL), chowns, closes and
    deletes it."""

    async def scenario(live: Live) -> None:
        target, backup = live.root / "site.css", live.root / "site.css~"
        target.write_text("a {}")
        assert await live.next() == ["site.css"]
        if probe:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            fd = os.open(live.root / "4913", flags, 0o644)
            os.fchown(fd, os.getuid(), os.getgid())
            os.close(fd)
            os.unlink(live.root / "4913")
        with pytest.raises(FileNotFoundError):
            os.unlink(backup)
        os.rename(target, backup)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o644)
        os.ftruncate(fd, 0)
        os.write(fd, b"a { color: red }\n")
        os.fsync(fd)
        os.fchmod(fd, 0o644)
        os.close(fd)
        os.chmod(target, 0o644)
        os.unlink(backup)
        assert await live.only_event_is() == ["site.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_jetbrains_safe_write_is_one_event(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        target = live.root / "site.css"
        temp, old = live.root / "site.css___jb_tmp___", live.root / "site.css___jb_old___"
        target.write_text("a {}")
        assert await live.next() == ["site.css"]
        write(temp, b"a { color: red }")
        os.rename(target, old)
        os.rename(temp, target)
        os.unlink(old)
        assert await live.only_event_is() == ["site.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_deletion_is_an_event(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        doomed = live.root / "old.js"
        doomed.write_text("x")
        assert await live.next() == ["old.js"]
        doomed.unlink()
        assert await live.only_event_is() == ["old.js"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_files_written_at_once_into_a_new_folder_are_reported(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        (live.root / "lib" / "deep").mkdir(parents=True)
        (live.root / "lib" / "deep" / "x.js").write_text("x")
        assert await live.next() == ["lib/deep/x.js"]
        # The new folders are watched from then on.
        (live.root / "lib" / "deep" / "x.js").write_text("y")
        assert await live.only_event_is() == ["lib/deep/x.js"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ignored_names_send_nothing(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        (live.root / ".site.css.swp").write_text("swap")
        (live.root / "site.css~").write_text("backup")
        (live.root / ".git").mkdir()
        (live.root / ".git" / "HEAD").write_text("ref")
        await anyio.sleep(SETTLE)
        (live.root / "visible.css").write_text("x")
        assert await live.next() == ["visible.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_change_live_reload_read_first_still_reaches_the_cache(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No racy window: a fresh file is trusted at once, so only the feed's word can make
    # the cache look again.
    monkeypatch.setattr("devstatic.serve.resolver.RACY_NS", 0)

    async def scenario(live: Live) -> None:
        (live.root / "a.css").write_text("old")
        assert await live.next() == ["a.css"]
        entry = await live.resolver.resolve("a.css")
        assert entry is not None and entry.plain.content == b"old"
        assert entry.watched and entry.plain.settled
        assert live.resolver.hit("a.css") is entry
        (live.root / "a.css").write_text("new")
        assert await live.next() == ["a.css"]  # live reload's task drained the descriptor
        assert live.resolver.hit("a.css") is None
        entry = await live.resolver.resolve("a.css")
        assert entry is not None and entry.plain.content == b"new"

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_change_a_request_read_first_still_reaches_live_reload(
    backend: str, tmp_path: Path
) -> None:
    async def scenario(live: Live) -> None:
        (live.root / "a.css").write_text("old")
        assert await live.next() == ["a.css"]
        await live.resolver.resolve("a.css")
        feed = await live.resolver.change_feed()
        assert feed is not None
        (live.root / "a.css").write_text("new")
        # No await in between: the request's poll reads the event before live reload can.
        assert live.resolver.hit("a.css") is None
        assert not feed.pending()
        assert await live.next() == ["a.css"]

    run(backend, tmp_path, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_stop_ends_the_watch_task(backend: str, tmp_path: Path) -> None:
    async def scenario(live: Live) -> None:
        assert live.watcher.running
        with anyio.fail_after(SAFETY):
            await live.watcher.stop()
        assert not live.watcher.running

    run(backend, tmp_path, scenario)


# -- where the feed does not reach, watchfiles remains (its watcher is asyncio's) ----------


async def test_without_inotify_watchfiles_watches(tmp_path: Path) -> None:
    live = Live(tmp_path, watch=False)
    await live.start()
    try:
        assert not live.watcher.on_feed
        assert live.watcher.fallback is not None
        await live.until_watching()
        (tmp_path / "a.css").write_text("x")
        assert await live.next() == ["a.css"]
    finally:
        await live.stop()


async def test_a_symlinked_folder_the_feed_does_not_enter_is_watched_by_watchfiles(
    tmp_path: Path,
) -> None:
    root, elsewhere = tmp_path / "static", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "vendor").symlink_to(elsewhere)
    live = Live(root)
    await live.start()
    try:
        assert live.watcher.on_feed
        assert live.watcher.fallback is not None
        assert {str(r.root) for r in live.watcher.fallback.roots} == {
            str(root / "vendor"),
            str(elsewhere),
        }
        await live.until_watching()
        (elsewhere / "lib.js").write_text("x")
        assert await live.next() == ["vendor/lib.js"]
    finally:
        await live.stop()


async def test_when_the_resolver_gives_up_inotify_watchfiles_takes_over(tmp_path: Path) -> None:
    live = Live(tmp_path)
    await live.start()
    try:
        assert live.watcher.on_feed
        live.resolver.close()  # what a failed re-walk (the watch limit) does
        with anyio.fail_after(SAFETY):
            while live.watcher.fallback is None:
                await anyio.sleep(0.01)
        assert not live.watcher.on_feed
        await live.until_watching()
        (tmp_path / "a.css").write_text("x")
        assert await live.next() == ["a.css"]
    finally:
        await live.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_live_reload_waits_for_a_walk_a_request_started(backend: str, tmp_path: Path) -> None:
    """Without a lifespan the first page's request may be walking the folders (creating
    the feed) when the event stream starts live reload: it must get that feed, not
    ``None`` (which would start watchfiles on the same folders)."""

    for n in range(300):  # a walk long enough to be caught in the middle
        (tmp_path / f"d{n}").mkdir()

    async def main() -> None:
        settings = Settings(dirs=[tmp_path], debug=True)
        resolver = Resolver(get_finders(settings), follow_symlinks=False)
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(resolver.resolve, "a.css")
                with anyio.fail_after(SAFETY):
                    while not resolver._rescanning:  # until the request is walking
                        await anyio.sleep(0)
                feed = await resolver.change_feed()
            assert feed is not None and not feed.closed
        finally:
            resolver.close()

    anyio.run(main, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_overflowed_kernel_queue_makes_every_page_reload(backend: str, tmp_path: Path) -> None:
    """More events than the kernel queues while nobody reads (the loop is blocked): the
    changes are lost, so the event names no path, which makes reload.js reload the page."""
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())

    async def scenario(live: Live) -> None:
        (live.root / "site.css").write_text("a {}")
        assert await live.next() == ["site.css"]
        # In a watched folder, each file is at least two events (create, close); the
        # loop never runs meanwhile, so nobody reads the queue.
        for i in range(limit // 2 + 100):
            write(live.root / f"{i}.js", b"x")
        assert await live.next() == []
        (live.root / "site.css").write_text("a { color: red }")
        assert await live.only_event_is() == ["site.css"]  # and it watches on

    run(backend, tmp_path, scenario)
