"""Watching the finder locations and naming changed files as the browser requests them.

One ``watchfiles.awatch`` covers every location. ``served_paths`` (pure) turns the
file-system paths of a burst into served paths: ``prefix/relative`` for a ``dirs`` pair,
the path below ``static/`` for a package, minus anything the ignore patterns hide.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncGenerator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import anyio

from devstatic.blocking import run_blocking
from devstatic.finders import BaseFinder, Location
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.loops import spawn

logger = logging.getLogger("devstatic")

#: A burst ends after this long without a new change: an editor's write-temp, rename and
#: delete (a few ms apart) become one event, one reload.
STEP_MS = 50
#: The longest burst: a ``git checkout`` that keeps writing still reports every 1.6 s.
DEBOUNCE_MS = 1600
#: How long ``stop`` waits for the watch task before cancelling it.
STOP_TIMEOUT = 1.0


@dataclass(frozen=True)
class WatchRoot:
    """A watched folder whose files are served under ``prefix/`` (top level when empty)."""

    prefix: str
    root: str

    def served(self, path: str) -> str | None:
        """The served path of ``path`` when it lies below this root, else ``None``."""
        root = self.root.rstrip(os.sep) + os.sep
        if not path.startswith(root):
            return None
        relative = path[len(root) :].replace(os.sep, "/")
        if not relative:
            return None
        return f"{self.prefix}/{relative}" if self.prefix else relative


def watch_roots(finders: Iterable[BaseFinder]) -> list[WatchRoot]:
    """Every finder location as a ``WatchRoot``, with its real path as a second spelling.

    The built-in finders expose their ``Location`` list (so ``dirs`` prefixes are known);
    a custom finder only gives ``locations()``, whose files are mapped without a prefix.
    Watchers report paths as spelled when watching began, so a root reached through a
    symlink is matched under both spellings.
    """
    roots: list[WatchRoot] = []
    for finder in finders:
        search = getattr(finder, "search", None)
        if isinstance(search, tuple) and all(isinstance(loc, Location) for loc in search):
            pairs = [(loc.prefix, loc.root) for loc in search]
        else:
            locations = cast("Iterable[Path]", finder.locations())
            pairs = [("", Path(loc)) for loc in locations]
        for prefix, root in pairs:
            for spelling in (os.path.abspath(root), os.path.realpath(root)):
                candidate = WatchRoot(prefix, spelling)
                if candidate not in roots:
                    roots.append(candidate)
    return roots


def served_paths(
    changed: Iterable[str],
    roots: Iterable[WatchRoot],
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
    """One ``awatch`` over all roots, reporting each burst of served paths to ``publish``.

    The interface live reload relies on, kept small so another source of bursts (the
    resolver's inotify feed) can take its place: ``start``, ``request_stop``, ``stop``,
    ``running``, and ``bursts()``, the async iterator of served paths that ``start``
    feeds to ``publish``.

    ``start`` runs it beside the server's tasks (``loops.spawn``); ``stop`` sets the stop
    event (the watch thread notices it within one step) and waits for the task, so the
    process never waits on a watcher at exit. anyio only: asyncio and trio alike.
    """

    def __init__(
        self,
        roots: list[WatchRoot],
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
        # Made by ``start``: an anyio event belongs to the loop that is running.
        self._stop: anyio.Event | None = None
        self._done: anyio.Event | None = None
        self._scope: anyio.CancelScope | None = None
        self._task: object = None

    @property
    def running(self) -> bool:
        return self._done is not None and not self._done.is_set()

    def start(self) -> None:
        if self.running:
            return
        self._stop = anyio.Event()
        self._done = anyio.Event()
        self._task = spawn(self._main)  # keep a reference: asyncio holds tasks weakly

    def request_stop(self) -> None:
        """Ask the watch thread to end (safe to call from a signal callback on the loop)."""
        if self._stop is not None:
            self._stop.set()

    async def stop(self) -> None:
        self.request_stop()
        done = self._done
        if done is None or done.is_set():
            return
        with anyio.move_on_after(STOP_TIMEOUT):
            await done.wait()
        if not done.is_set() and self._scope is not None:
            self._scope.cancel()

    def served(self, changed: list[str], added: list[str]) -> list[str]:
        """The served paths of one burst (stats the files: run it off the loop)."""
        return served_paths([*changed, *expand_new_folders(added)], self.roots, self.ignored)

    async def _main(self) -> None:
        done = self._done
        try:
            with anyio.CancelScope() as self._scope:
                # aclosing: a cancelled watch releases its inotify descriptor at once.
                async with contextlib.aclosing(self.bursts()) as bursts:
                    async for paths in bursts:
                        self.publish(paths)
        except Exception:  # serving must go on whatever happens to live reload
            logger.exception("devstatic live reload stopped watching")
        finally:
            self._scope = None
            if done is not None:
                done.set()

    async def bursts(self) -> AsyncGenerator[list[str], None]:
        """The served paths of each burst of changes, until ``request_stop``."""
        from watchfiles import Change, awatch

        # Each folder once, by its real path (watch_roots maps that spelling too).
        folders = sorted({os.path.realpath(r.root) for r in self.roots if os.path.isdir(r.root)})
        # A folder inside another is already watched recursively.
        folders = [f for f in folders if not any(f.startswith(o + os.sep) for o in folders)]
        if not folders:
            return
        try:
            watching = awatch(
                *folders,
                watch_filter=None,
                step=self.step_ms,
                debounce=self.debounce_ms,
                stop_event=self._stop,
            )
            async with contextlib.aclosing(watching):
                async for changes in watching:
                    added = [path for change, path in changes if change == Change.added]
                    changed = [path for _change, path in changes]
                    paths = await run_blocking(self.served, changed, added)
                    if paths:
                        yield paths
        except FileNotFoundError as exc:
            logger.warning("devstatic live reload stopped watching: %s", exc)
        except Exception as exc:  # the inotify limit, permissions: serving must go on
            logger.warning(
                "devstatic live reload cannot watch the static folders (%s); pages will not "
                "refresh by themselves. Raise fs.inotify.max_user_instances or set "
                "live-reload = false.",
                exc,
            )
