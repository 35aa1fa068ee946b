"""The burst rules, on event sequences as inotify reports them (pure: no files, no clock).

Each sequence is what the kernel queues for one save (checked with strace and the real
feed in test_livereload_feed_saves.py); the rows say what one report must contain and
whether it is due a few ms after the last event (complete) or only after a step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devstatic import Settings
from devstatic.disk.inotify import (
    IN_ATTRIB,
    IN_CLOSE_WRITE,
    IN_CREATE,
    IN_DELETE,
    IN_DELETE_SELF,
    IN_IGNORED,
    IN_ISDIR,
    IN_MODIFY,
    IN_MOVED_FROM,
    IN_MOVED_TO,
    IN_Q_OVERFLOW,
    FileEvent,
)
from devstatic.finders import Location
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.bursts import Burst

ROOT = "/site/static"
QUIET = 0.004
STEP = 0.05
LONGEST = 1.6


def burst() -> Burst:
    roots = [Location("", Path(ROOT)), Location("vendor", Path("/site/vendor"))]
    ignored = IgnoreMatcher(Settings().ignore_patterns)
    return Burst(roots, ignored, quiet=QUIET, step=STEP, longest=LONGEST)


def events(*steps: tuple[int, str]) -> list[FileEvent]:
    return [FileEvent(f"{ROOT}/{name}" if name else ROOT, mask) for mask, name in steps]


WRITE_IN_PLACE = ((IN_MODIFY, "site.css"), (IN_MODIFY, "site.css"), (IN_CLOSE_WRITE, "site.css"))
ATOMIC_RENAME = (
    (IN_CREATE, "site.css.tmp123"),
    (IN_MODIFY, "site.css.tmp123"),
    (IN_CLOSE_WRITE, "site.css.tmp123"),
    (IN_MOVED_FROM, "site.css.tmp123"),
    (IN_MOVED_TO, "site.css"),
)
# vim 9 with backupcopy=no (strace): unlink(~) ENOENT, rename(f, f~), open(f, O_CREAT),
# ftruncate, write, fsync, fchmod, close, setxattr, unlink(f~).
VIM = (
    (IN_MOVED_FROM, "site.css"),
    (IN_MOVED_TO, "site.css~"),
    (IN_CREATE, "site.css"),
    (IN_MODIFY, "site.css"),
    (IN_ATTRIB, "site.css"),
    (IN_CLOSE_WRITE, "site.css"),
    (IN_ATTRIB, "site.css"),
    (IN_DELETE, "site.css~"),
)
# vim's default backupcopy=auto first probes the folder with a file named 4913.
VIM_AUTO = (
    (IN_CREATE, "4913"),
    (IN_ATTRIB, "4913"),
    (IN_CLOSE_WRITE, "4913"),
    (IN_DELETE, "4913"),
    *VIM,
)
JETBRAINS = (
    (IN_CREATE, "site.css___jb_tmp___"),
    (IN_MODIFY, "site.css___jb_tmp___"),
    (IN_CLOSE_WRITE, "site.css___jb_tmp___"),
    (IN_MOVED_FROM, "site.css"),
    (IN_MOVED_TO, "site.css___jb_old___"),
    (IN_MOVED_FROM, "site.css___jb_tmp___"),
    (IN_MOVED_TO, "site.css"),
    (IN_DELETE, "site.css___jb_old___"),
)


@pytest.mark.parametrize(
    ("steps", "paths", "wait"),
    [
        pytest.param(WRITE_IN_PLACE, ["site.css"], QUIET, id="write-in-place"),
        pytest.param(ATOMIC_RENAME, ["site.css"], QUIET, id="atomic-rename"),
        pytest.param(VIM, ["site.css"], QUIET, id="vim-backupcopy-no"),
        pytest.param(VIM_AUTO, ["site.css"], QUIET, id="vim-backupcopy-auto"),
        pytest.param(JETBRAINS, ["site.css"], QUIET, id="jetbrains-safe-write"),
        pytest.param(((IN_ATTRIB, "site.css"),), ["site.css"], QUIET, id="touch"),
        pytest.param(
            ((IN_CREATE, "new.js"), (IN_MODIFY, "new.js"), (IN_CLOSE_WRITE, "new.js")),
            ["new.js"],
            STEP,
            id="new-file-waits-a-step-for-a-rename",
        ),
        pytest.param(((IN_DELETE, "old.js"),), ["old.js"], STEP, id="deletion-waits-a-step"),
        pytest.param(
            ((IN_MOVED_FROM, "site.css"),), ["site.css"], STEP, id="renamed-away-waits-a-step"
        ),
        pytest.param(
            ((IN_MODIFY, "big.js"),), ["big.js"], STEP, id="still-open-for-writing-waits-a-step"
        ),
        pytest.param(
            ((IN_CREATE, "4913"), (IN_CLOSE_WRITE, "4913"), (IN_DELETE, "4913")),
            [],
            QUIET,
            id="temporary-file-created-and-gone",
        ),
        pytest.param(
            ((IN_CLOSE_WRITE, ".site.css.swp"), (IN_CLOSE_WRITE, "site.css~")),
            [],
            None,
            id="ignored-names-are-not-a-burst",
        ),
        pytest.param(
            ((IN_CREATE | IN_ISDIR, "sub"),), [], STEP, id="new-folder-listed-not-reported"
        ),
        pytest.param(
            ((IN_DELETE, "sub/a.js"), (IN_DELETE_SELF, "sub"), (IN_IGNORED, "sub")),
            ["sub/a.js"],
            STEP,
            id="folder-self-events-say-nothing",
        ),
        pytest.param(((IN_MOVED_FROM | IN_ISDIR, "sub"),), ["sub"], STEP, id="folder-moved-away"),
    ],
)
def test_a_sequence_is_one_report_due_after_the_right_wait(
    steps: tuple[tuple[int, str], ...], paths: list[str], wait: float | None
) -> None:
    current = burst()
    current.add(events(*steps), now=10.0)
    assert current.deadline == (None if wait is None else 10.0 + wait)
    assert current.take().paths == paths
    assert current.deadline is None


def test_each_event_restarts_the_wait() -> None:
    current = burst()
    current.add(events((IN_MOVED_FROM, "site.css")), now=10.0)
    current.add(events((IN_CREATE, "site.css"), (IN_MODIFY, "site.css")), now=10.03)
    assert current.deadline == pytest.approx(10.03 + STEP)
    current.add(events((IN_CLOSE_WRITE, "site.css")), now=10.07)
    assert current.deadline == pytest.approx(10.07 + QUIET)


def test_a_burst_that_keeps_going_is_reported_after_the_longest_wait() -> None:
    current = burst()
    for tick in range(100):
        current.add(events((IN_MODIFY, f"f{tick}.js")), now=10.0 + tick * 0.04)
    assert current.deadline == pytest.approx(10.0 + LONGEST)


def test_a_new_folder_is_listed_and_rewatched() -> None:
    current = burst()
    current.add(events((IN_CREATE | IN_ISDIR, "lib")), now=1.0)
    report = current.take()
    assert report.new_folders == [(f"{ROOT}/lib", "lib")]
    assert report.rewatch


def test_an_overflowed_queue_asks_for_a_rewatch_and_says_changes_were_lost() -> None:
    current = burst()
    current.add([FileEvent("", IN_Q_OVERFLOW)], now=1.0)
    assert current.deadline == 1.0 + STEP
    report = current.take()
    assert (report.rewatch, report.lost) == (True, True)
    current.add(events((IN_CLOSE_WRITE, "a.css")), now=2.0)
    assert current.take().lost is False  # the next burst starts knowing everything again


def test_files_under_a_prefixed_root_are_reported_with_the_prefix() -> None:
    current = burst()
    current.add([FileEvent("/site/vendor/lib/x.js", IN_CLOSE_WRITE)], now=1.0)
    assert current.take().paths == ["vendor/lib/x.js"]


def test_paths_outside_every_root_are_not_a_burst() -> None:
    current = burst()
    current.add([FileEvent("/elsewhere/x.js", IN_CLOSE_WRITE)], now=1.0)
    assert current.deadline is None


def test_a_slow_jetbrains_save_never_reports_its_temporary_names() -> None:
    current = burst()
    current.add(events(*JETBRAINS[:-1]), now=1.0)
    assert current.take().paths == ["site.css"]
    current.add(events(JETBRAINS[-1]), now=1.5)  # the old copy deleted after the report
    assert current.deadline is None


def test_a_file_under_nested_roots_is_reported_under_each_served_path() -> None:
    nested = Burst(
        [Location("", Path(ROOT)), Location("lib", Path(f"{ROOT}/js"))],
        IgnoreMatcher(Settings().ignore_patterns),
    )
    nested.add([FileEvent(f"{ROOT}/js/app.js", IN_CLOSE_WRITE)], now=1.0)
    assert nested.take().paths == ["js/app.js", "lib/app.js"]
