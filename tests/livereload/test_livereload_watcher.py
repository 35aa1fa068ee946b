"""The watcher on a real folder: bursts, ignore patterns, deletions, stopping."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devstatic import Settings
from devstatic.finders import Location, get_finders
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.watcher import Watcher, watch_roots

SAFETY = 10.0  # seconds: only a bound on a hung test, never a speed assertion


class Events:
    """A running ``Watcher`` over ``root`` (served under ``prefix``) and what it reported."""

    def __init__(self, root: Path, prefix: str = "") -> None:
        self.root = root
        self.queue: asyncio.Queue[list[str]] = asyncio.Queue()
        ignored = IgnoreMatcher(Settings().ignore_patterns)
        self.watcher = Watcher([Location(prefix, root)], ignored, self.queue.put_nowait)

    async def next(self) -> list[str]:
        return await asyncio.wait_for(self.queue.get(), SAFETY)

    async def until_watching(self) -> None:
        """Touch a probe file until the watcher reports it: it is watching from then on."""
        probe = self.root / "probe.txt"
        for attempt in range(100):
            probe.write_text(str(attempt))
            try:
                paths = await asyncio.wait_for(self.queue.get(), 0.3)
            except TimeoutError:
                continue
            if any(path.endswith("probe.txt") for path in paths):
                break
        probe.unlink()
        await self.next()  # the probe's deletion
        while not self.queue.empty():
            self.queue.get_nowait()


@pytest.fixture
async def events(tmp_path: Path) -> AsyncIterator[Events]:
    watched = Events(tmp_path)
    watched.watcher.start()
    await watched.until_watching()
    try:
        yield watched
    finally:
        await watched.watcher.stop()


async def test_an_editor_save_write_temp_rename_delete_is_one_event(events: Events) -> None:
    target = events.root / "site.css"
    target.write_text("a {}")
    assert await events.next() == ["site.css"]
    # A typical atomic save: write a temp file, keep a backup, rename over the original.
    temp = events.root / "site.css.tmp123"
    temp.write_text("a { color: red }")
    os.replace(target, events.root / "site.css.bak")
    os.replace(temp, target)
    (events.root / "site.css.bak").unlink()

    burst = await events.next()

    assert "site.css" in burst
    assert events.queue.empty()


async def test_changes_apart_in_time_are_separate_events(events: Events) -> None:
    (events.root / "a.css").write_text("1")
    assert await events.next() == ["a.css"]
    (events.root / "b.css").write_text("2")
    assert await events.next() == ["b.css"]


async def test_ignored_files_send_nothing(events: Events) -> None:
    (events.root / ".site.css.swp").write_text("swap")
    (events.root / "site.css~").write_text("backup")
    (events.root / ".git").mkdir()
    (events.root / ".git" / "HEAD").write_text("ref")
    # Something visible afterwards: the first event must be it alone.
    await asyncio.sleep(0.2)
    (events.root / "visible.css").write_text("x")
    assert await events.next() == ["visible.css"]


async def test_a_deletion_is_a_change(events: Events) -> None:
    doomed = events.root / "old.js"
    doomed.write_text("x")
    assert await events.next() == ["old.js"]
    doomed.unlink()
    assert await events.next() == ["old.js"]


async def test_files_under_a_prefix_are_reported_with_it(tmp_path: Path) -> None:
    watched = Events(tmp_path, prefix="vendor")
    watched.watcher.start()
    try:
        await watched.until_watching()
        (tmp_path / "lib").mkdir()
        (tmp_path / "lib" / "x.js").write_text("x")
        assert await watched.next() == ["vendor/lib/x.js"]
    finally:
        await watched.watcher.stop()


async def test_stop_ends_the_watch_task(tmp_path: Path) -> None:
    watched = Events(tmp_path)
    watched.watcher.start()
    await watched.until_watching()
    assert watched.watcher.running
    await asyncio.wait_for(watched.watcher.stop(), SAFETY)
    assert not watched.watcher.running


async def test_a_missing_folder_is_not_watched_and_does_not_fail(tmp_path: Path) -> None:
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    watcher = Watcher([Location("", tmp_path / "missing")], IgnoreMatcher([]), queue.put_nowait)
    watcher.start()
    await asyncio.wait_for(watcher.stop(), SAFETY)
    assert queue.empty()


async def test_a_folder_reached_through_a_symlink_is_watched(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    watched = Events(link)
    roots = watch_roots(get_finders(Settings(dirs=[link], debug=True)))
    watched.watcher = Watcher(roots, IgnoreMatcher([]), watched.queue.put_nowait)
    watched.watcher.start()
    try:
        await watched.until_watching()
        (real / "a.css").write_text("a")
        assert await watched.next() == ["a.css"]
    finally:
        await watched.watcher.stop()


async def test_start_right_after_a_stop_request_watches_again(tmp_path: Path) -> None:
    # A lifespan shutdown then startup in one process: the old watch thread is still
    # ending (it notices the stop within one step) when the new start comes.
    watched = Events(tmp_path)
    watched.watcher.start()
    await watched.until_watching()
    watched.watcher.request_stop()
    watched.watcher.start()
    try:
        await watched.until_watching()
        assert watched.watcher.running
    finally:
        await watched.watcher.stop()
