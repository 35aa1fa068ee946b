"""Watching the finder locations and naming changed files as the browser requests them.

One ``watchfiles.watch``, in a thread, covers every location. ``served_paths`` (pure) turns the
file-system paths of a burst into served paths: ``prefix/relative`` for a ``dirs`` pair,
the path below ``static/`` for a package, minus anything the ignore patterns hide.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from devstatic.disk.blocking import run_blocking
from devstatic.disk.within import is_below
from devstatic.finders import BaseFinder, Location
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.loops import Soon, soon_on_this_loop

logger = logging.getLogger("devstatic")

#: A burst ends after this long without a new change: an editor's write-temp, rename and
#: delete (a few ms apart) become one event, one reload.
STEP_MS = 50
#: The longest burst: a ``git checkout`` that keeps writing still reports every 1.6 s.
DEBOUNCE_MS = 1600
#: How long ``stop`` waits for the watch thread (it ends within one step once asked).
STOP_TIMEOUT = 1.0


def watch_roots(finders: Iterable[BaseFinder]) -> list[Location]:
    """Every finder location (``served_locations()``, so ``dirs`` prefixes are known), with
    its real path as a second spelling.

    Watchers report paths as spelled when watching began, so a root reached through a
    symlink is matched under both spellings.
    """
    roots: list[Location] = []
    for finder in finders:
        for location in finder.served_locations():
            for spelling in (os.path.abspath(location.root), os.path.realpath(location.root)):
                candidate = Location(location.prefix, Path(spelling))
                if candidate not in roots:
                    roots.append(candidate)
    return roots


def served_paths(
    changed: Iterable[str],
    roots: Iterable[Location],
    ignored: IgnoreMatcher,
    *,
    is_dir: Callable[[str], bool] = os.path.isdir,
) -> list[str]:
    """The sorted served paths of the changed files; ignored files and folders drop out.

    A deleted file is a change like any other (it cannot be a folder: ``is_dir`` is
    false for what no longer exists).
    """
    roots = list(roots)
    out: set[str] = set()
    for path in changed:
        if is_dir(path):
            continue
        for root in roots:
            served = root.served(path)
            if served is not None and not ignored(served):
                out.add(served)
    return sorted(out)


def expand_new_folders(added: Iterable[str]) -> list[str]:
    """Every file inside the new folders among ``added``.

    inotify watches a new folder only once it is reported, so files written into it at
    once (``mkdir -p`` then a write, a ``git checkout``) may never be reported themselves.
    """
    out: list[str] = []
    for path in added:
        if os.path.isdir(path):
            for folder, _dirs, names in os.walk(path):
                out.extend(os.path.join(folder, name) for name in names)
    return out


class Watcher:
    """One ``watchfiles.watch`` over all roots, reporting each burst of served paths.

    The interface live reload relies on, kept small so another source of bursts (the
    resolver's inotify feed) can take its place: ``start`` (on the running loop),
    ``request_stop`` (safe from a signal callback), ``await stop()``, ``running``, and
    ``publish(paths)`` called on the loop for each burst.

    The watch runs in a daemon thread of its own, not in a task: a server that stops
    its event loop without a lifespan shutdown (daphne) can then never be kept alive by
    it, and asyncio and trio are served alike (``loops.soon_on_this_loop`` hands each
    burst to the loop).
    """

    def __init__(
        self,
        roots: list[Location],
        ignored: IgnoreMatcher,
        publish: Callable[[list[str]], None],
        *,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        self.roots = roots
        self.ignored = ignored
        self.publish = publish
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running and not self._stop.is_set():
            return
        # A thread still ending after a stop keeps its own (set) event and ends alone.
        self._stop = threading.Event()
        soon = soon_on_this_loop()
        self._thread = threading.Thread(
            target=self._watch, args=(self._stop, soon), name="devstatic-watch", daemon=True
        )
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the watch thread to end within one step (safe from a signal callback)."""
        self._stop.set()

    async def stop(self) -> None:
        self.request_stop()
        thread = self._thread
        if thread is not None and thread.is_alive():
            await run_blocking(thread.join, STOP_TIMEOUT)

    def served(self, changed: list[str], added: list[str]) -> list[str]:
        """The served paths of one burst (stats the files: run it off the loop)."""
        return served_paths([*changed, *expand_new_folders(added)], self.roots, self.ignored)

    def _watch(self, stop: threading.Event, soon: Soon) -> None:
        """The watch thread: each burst's served paths go to ``publish`` on the loop."""
        from watchfiles import Change, watch

        # Each folder once, by its real path (watch_roots maps that spelling too).
        folders = sorted({os.path.realpath(r.root) for r in self.roots if os.path.isdir(r.root)})
        # A folder inside another is already watched recursively.
        folders = [f for f in folders if not any(is_below(f, o) for o in folders)]
        if not folders:
            return
        try:
            for changes in watch(
                *folders,
                watch_filter=None,
                step=self.step_ms,
                debounce=self.debounce_ms,
                stop_event=stop,
                raise_interrupt=False,
            ):
                added = [path for change, path in changes if change == Change.added]
                paths = self.served([path for _change, path in changes], added)
                if paths and not stop.is_set():
                    soon(functools.partial(self.publish, paths))
        except FileNotFoundError as exc:
            logger.warning("devstatic live reload stopped watching: %s", exc)
        except Exception as exc:  # the inotify limit, permissions: serving must go on
            logger.warning(
                "devstatic live reload cannot watch the static folders (%s); pages will not "
                "refresh by themselves. Raise fs.inotify.max_user_instances or set "
                "live-reload = false.",
                exc,
            )
