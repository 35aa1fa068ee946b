"""Turning inotify events into one live reload event per save (pure: no I/O, no clock).

A fixed debounce makes every save wait for it. Instead a burst is reported a few ms
after its last event when every file it touched is complete (written and closed, renamed
into place, or a temporary name gone again), and only after a longer quiet step while
one is not (created or truncated and still open, renamed away with its replacement
still to come, or new: a new file is often a temporary one about to be renamed over
another). Editors' saves are then one event each, as soon as they end:

- atomic rename: write ``name.tmp``, rename it over ``name``;
- vim: rename ``name`` to ``name~``, create and write ``name``,
  close, set its attributes, delete ``name~`` (with the default ``backupcopy=auto``
  after creating and deleting a probe file, ``4913``);
- JetBrains' safe write: write ``name___jb_tmp___``, rename ``name`` to
  ``name___jb_old___``, rename the temporary file to ``name``, delete the old one.

A name created and gone again within the burst is a temporary file and is not reported;
names the ignore patterns hide (and JetBrains' two) are not looked at at all.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field

from devstatic.disk.inotify import (
    IN_ATTRIB,
    IN_CLOSE_WRITE,
    IN_CREATE,
    IN_DELETE,
    IN_DELETE_SELF,
    IN_IGNORED,
    IN_ISDIR,
    IN_MODIFY,
    IN_MOVE_SELF,
    IN_MOVED_FROM,
    IN_MOVED_TO,
    IN_Q_OVERFLOW,
    IN_UNMOUNT,
    FileEvent,
)
from devstatic.finders import Location
from devstatic.ignore import IgnoreMatcher

#: After an event that completes every file in the burst: what follows this soon joins it.
QUIET_S = 0.003
#: After an event that leaves a file incomplete (its writer may be fsyncing).
STEP_S = 0.05
#: The longest burst: a ``git checkout`` that keeps writing still reports every 1.6 s.
LONGEST_S = 1.6

#: Temporary names of editors that the default ignore patterns do not hide.
EDITOR_TEMPORARY = ("*___jb_tmp___", "*___jb_old___")

_APPEARS = IN_CREATE | IN_MOVED_TO
_GOES = IN_DELETE | IN_MOVED_FROM
_COMPLETES = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ATTRIB
#: About a watched folder itself: its parent reports what matters (the resolver re-walks).
_SELF = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT


@dataclass(slots=True)
class _Seen:
    """What the burst did to one served path."""

    #: It did not exist before the burst (its first event made it appear).
    new: bool
    #: Its first event created it (not a rename over it): a new file, often an editor's
    #: temporary one, so its report waits a step for a rename or a delete to follow.
    created: bool
    #: Whether it exists now, and whether its content is complete.
    exists: bool = True
    complete: bool = True
    folder: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """One burst: served paths to publish, and new folders to list (their files may never
    have been reported: inotify watches a folder only once it is walked)."""

    paths: list[str]
    new_folders: list[tuple[str, str]] = field(default_factory=list)
    #: The watched folders changed (a new folder, an overflowed queue): re-walk them.
    rewatch: bool = False
    #: The kernel's queue overflowed: changes were lost, so what changed is unknown.
    lost: bool = False


class Burst:
    """The changes since the last report, and when the next report is due."""

    def __init__(
        self,
        roots: Iterable[Location],
        ignored: IgnoreMatcher,
        *,
        quiet: float = QUIET_S,
        step: float = STEP_S,
        longest: float = LONGEST_S,
    ) -> None:
        self.roots = list(roots)
        self.ignored = ignored
        self.quiet = quiet
        self.step = step
        self.longest = longest
        self._seen: dict[str, _Seen] = {}
        self._served: dict[str, str] = {}
        self._rewatch = False
        self._lost = False
        self._first = 0.0
        self._last = 0.0

    def served(self, path: str) -> list[str]:
        """Every served path of ``path`` (nested roots may serve it twice), minus those the
        ignore patterns hide and editors' temporary names."""
        out: list[str] = []
        for root in self.roots:
            served = root.served(path)
            if served is None or served in out:
                continue
            base = served.rpartition("/")[2]
            if self.ignored(served) or any(fnmatch.fnmatch(base, p) for p in EDITOR_TEMPORARY):
                continue
            out.append(served)
        return out

    def add(self, events: Iterable[FileEvent], now: float) -> None:
        """Take a batch of events read at ``now`` (seconds, any monotonic clock)."""
        for event in events:
            if event.mask & IN_Q_OVERFLOW:
                self._rewatch = self._lost = True
                self._touch(now)
                continue
            mask = event.mask
            if mask & _SELF or (mask & IN_ISDIR and not mask & (_APPEARS | _GOES)):
                continue
            for served in self.served(event.path):
                self._touch(now)
                seen = self._seen.get(served)
                if seen is None:
                    seen = _Seen(new=bool(mask & _APPEARS), created=bool(mask & IN_CREATE))
                    self._seen[served] = seen
                    self._served[served] = event.path
                self._apply(seen, mask)

    def _touch(self, now: float) -> None:
        if not self._seen and not self._rewatch:
            self._first = now
        self._last = now

    def _apply(self, seen: _Seen, mask: int) -> None:
        if mask & IN_ISDIR:
            seen.folder = True
            if mask & _APPEARS:
                self._rewatch = True
        if mask & _GOES:
            seen.exists = False
            seen.complete = seen.new  # a temporary name gone: done; an old file: replaced soon?
        elif mask & _APPEARS:
            seen.exists = True
            seen.complete = bool(mask & (IN_MOVED_TO | IN_ISDIR))
        elif mask & _COMPLETES:
            seen.complete = True
        elif mask & IN_MODIFY:
            seen.complete = False

    @property
    def deadline(self) -> float | None:
        """When to report (on the clock of ``add``'s ``now``); ``None`` with nothing to say."""
        if not self._seen and not self._rewatch:
            return None
        complete = all(
            seen.complete and not (seen.created and seen.exists) for seen in self._seen.values()
        )
        wait = self.quiet if complete and not self._rewatch else self.step
        return min(self._last + wait, self._first + self.longest)

    def take(self) -> Report:
        """The report of the burst so far, and a fresh burst."""
        paths: list[str] = []
        new_folders: list[tuple[str, str]] = []
        for served, seen in self._seen.items():
            if seen.new and not seen.exists:
                continue  # a temporary file
            if seen.folder and seen.exists:
                if seen.new:
                    new_folders.append((self._served[served], served))
                continue
            paths.append(served)
        report = Report(sorted(paths), new_folders, self._rewatch, self._lost)
        self._seen = {}
        self._served = {}
        self._rewatch = self._lost = False
        return report
