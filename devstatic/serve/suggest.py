"""Close matches for the debug 404 page, in bounded work whatever the tree's size.

A ``dirs`` entry often holds a ``node_modules`` of 100,000 files. Listing the whole
tree and comparing every path (difflib) cost 1 to 1.6 s of CPU per miss there, once per
missing source map a page names. A mistyped path is almost always near its file: a
typo in the name (same folder), in a folder name (a sibling folder), or the file in a
neighbouring folder (``css/app.js`` for ``js/app.js``). So we walk the asked path one
component at a time, following the folders whose names are like it, and compare whole
paths only for the few files whose names are like the last component. Reads are
bounded (``MAX_ENTRIES``), so the cost does not grow with the tree.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

from devstatic.disk.within import is_below
from devstatic.finders import BaseFinder, Location, LocationFinder
from devstatic.ignore import IgnoreMatcher

#: Directory entries read per miss, at most (a folder is read whole or not at all).
MAX_ENTRIES = 20_000
#: Folders followed per asked component: the exact name and the closest others.
BEAM = 3
#: Sibling folders of the file's folder searched too, and subfolders of it (closest first).
NEIGHBOURS = 16
SUBFOLDERS = 8
#: A folder with more entries than this is searched by similar names only.
CROWDED = 64
#: Files per folder kept for the final whole-path comparison.
PER_FOLDER = 8
#: Served names listed from a finder that cannot be walked (a custom ``list()`` only).
MAX_LISTED = 2_000
#: Similarity of one component (difflib ratio) to be followed or kept.
COMPONENT_CUTOFF = 0.6
#: Similarity of the whole path to be suggested (as before this module).
CUTOFF = 0.7


class _Budget:
    """Entries still to be read for this miss."""

    def __init__(self, entries: int) -> None:
        self.left = entries


def close_matches(name: str, finders: Sequence[BaseFinder], ignore: Sequence[str]) -> list[str]:
    """Up to five served names that look like ``name`` (``css/globl.css`` → ``css/global.css``)."""
    ignored = IgnoreMatcher(ignore)
    budget = _Budget(MAX_ENTRIES)
    found: dict[str, None] = {}
    for finder in finders:
        if isinstance(finder, LocationFinder):
            follow = finder.settings.follow_symlinks
            for location in finder.served_locations():
                found.update(dict.fromkeys(_near(name, location, ignored, budget, follow)))
        else:
            listed = itertools.islice(finder.list(ignore), MAX_LISTED)
            found.update(dict.fromkeys(served for served, _ in listed))
    names = [served for served in found if not ignored(served)]
    return difflib.get_close_matches(name, names, n=5, cutoff=CUTOFF)


def _near(
    name: str, location: Location, ignored: IgnoreMatcher, budget: _Budget, follow: bool
) -> list[str]:
    """Served names under ``location`` near ``name``: in the folders its path leads to
    (or folders named like them), their subfolders, and the siblings of the file's folder."""
    parts = name.split("/")
    served = ""
    if location.prefix:
        prefix = location.prefix.split("/")
        if len(parts) <= len(prefix) or not all(
            _similar(want, got) for want, got in zip(prefix, parts, strict=False)
        ):
            return []
        parts = parts[len(prefix) :]
        served = location.prefix + "/"
    real_root = os.path.realpath(location.root)
    last = parts[-1]
    out: list[str] = []
    # (folder, its served path, whether it is on the asked path or a neighbour of it)
    beams: list[tuple[Path, str, bool]] = [(location.root, served, True)]
    for depth, part in enumerate(parts):
        final = depth == len(parts) - 1
        following: dict[Path, tuple[str, bool]] = {}
        for folder, at, on_path in beams:
            listing = _scan(folder, real_root, budget, follow)
            if listing is None:
                continue
            folders, files = listing
            out.extend(at + f for f in _closest(last, files, PER_FOLDER))
            if final:
                if on_path:  # one level too shallow: ``app.js`` for ``js/app.js``
                    for d in _unignored(
                        at, _closest(last, folders, SUBFOLDERS, every=True), ignored
                    ):
                        sub = _scan(folder / d, real_root, budget, follow)
                        if sub is not None:
                            out.extend(f"{at}{d}/{f}" for f in _closest(last, sub[1], PER_FOLDER))
                continue
            if on_path:
                for d in _unignored(at, _closest(part, folders, BEAM), ignored):
                    following.setdefault(folder / d, (f"{at}{d}/", True))
                if depth == len(parts) - 2:  # the file's folder's siblings: ``css/`` for ``js/``
                    near = _closest(part, folders, NEIGHBOURS, every=True)
                    for d in _unignored(at, near, ignored):
                        following.setdefault(folder / d, (f"{at}{d}/", False))
        on = [(p, at, True) for p, (at, flag) in following.items() if flag][:BEAM]
        off = [(p, at, False) for p, (at, flag) in following.items() if not flag]
        beams = on + off
        if not beams:
            break
    return out


def _closest(word: str, names: list[str], n: int, *, every: bool = False) -> list[str]:
    """``word`` itself when present, then the closest other names; with ``every``, a
    short list is taken whole (a project's ``css/``, ``js/``, ``img/`` are all near)."""
    if every and len(names) <= n:
        return ([word] if word in names else []) + [x for x in names if x != word]
    exact = [word] if word in names else []
    if exact and len(names) > CROWDED:
        # In a crowded folder (a node_modules) the exact name is the way on: comparing
        # with a thousand others costs more than it finds.
        return exact
    others = difflib.get_close_matches(word, names, n=n, cutoff=COMPONENT_CUTOFF)
    return (exact + [x for x in others if x != word])[:n]


def _unignored(at: str, folders: list[str], ignored: IgnoreMatcher) -> list[str]:
    """The folders not hidden by ``ignore_patterns`` (checked only for those chosen)."""
    return [d for d in folders if not ignored(at + d)]


def _similar(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= COMPONENT_CUTOFF


def _scan(
    folder: Path, real_root: str, budget: _Budget, follow: bool
) -> tuple[list[str], list[str]] | None:
    """The folder's subfolder and file names (sorted), or ``None`` when unreadable or over
    budget; a symlink leaving the root is skipped unless ``follow_symlinks`` (as serving)."""
    if budget.left <= 0:
        return None
    try:
        with os.scandir(folder) as entries:
            listed = list(itertools.islice(entries, budget.left + 1))
    except OSError:
        return None
    budget.left -= len(listed)
    if budget.left < 0:
        return None
    folders: list[str] = []
    files: list[str] = []
    for entry in listed:
        try:
            leaves = not follow and entry.is_symlink()
            if leaves and not is_below(os.path.realpath(entry.path), real_root):
                continue
            if entry.is_dir():
                folders.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
        except OSError:
            continue
    return sorted(folders), sorted(files)
