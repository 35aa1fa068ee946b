"""Finders: where static files come from, searched in order; the first match wins.

Like Django's finders, each knows some locations and answers ``find``/``find_all``/
``list``. The built-ins also expose ``candidates()``, the exact files they would check
for a path, so the middleware can cache a lookup and re-validate it with a few ``stat``
calls instead of searching again. A custom finder may implement it too; one that does
not is simply asked ``find()`` on every request.
"""

from __future__ import annotations

import builtins
import enum
import importlib.util
import os
import stat as stat_module
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from devstatic.config.plugins import import_class
from devstatic.config.settings import Settings
from devstatic.disk.within import is_below, is_within_root
from devstatic.exceptions import ImproperlyConfigured
from devstatic.http.paths import safe_relative_path
from devstatic.ignore import IgnoreMatcher

__all__ = [
    "BaseFinder",
    "Candidate",
    "FileSystemFinder",
    "Location",
    "PackageFinder",
    "describe_location",
    "examine_candidate",
    "find",
    "find_all",
    "get_finders",
]


@dataclass(frozen=True)
class Location:
    """A folder whose files are served under ``prefix/`` (at the top when ``prefix`` is empty).

    Both directions of one mapping: ``candidate`` (served path to file, for lookups) and
    ``served`` (file to served path, for live reload's changed files).
    """

    prefix: str
    root: Path
    #: ``root`` as a string ending with the separator, for ``served`` (called per event).
    _below: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_below", str(self.root).rstrip(os.sep) + os.sep)

    def candidate(self, path: str) -> Path | None:
        """The file this location would serve for ``path``, or ``None`` if the prefix differs."""
        if not self.prefix:
            return self.root / path
        if path.startswith(self.prefix + "/"):
            return self.root / path[len(self.prefix) + 1 :]
        return None

    def served(self, path: str) -> str | None:
        """The served path of the file ``path`` when it lies below ``root`` as spelled
        (no symlink resolved), else ``None``."""
        if not is_below(path, self._below):
            return None
        relative = path[len(self._below) :].replace(os.sep, "/")
        if not relative:
            return None
        return f"{self.prefix}/{relative}" if self.prefix else relative


class BaseFinder:
    """The finder interface. Subclasses are built as ``Cls(settings)``.

    ``path`` arguments are POSIX relative paths without a leading ``/``; implementations
    must refuse (return nothing for) paths that escape their locations.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ignored = IgnoreMatcher(settings.ignore_patterns)

    def find(self, path: str) -> Path | None:
        """The first file for ``path``, or ``None``."""
        found = self.find_all(path)
        return found[0] if found else None

    def find_all(self, path: str) -> list[Path]:
        """Every file this finder has for ``path``, in its search order."""
        raise NotImplementedError

    def list(self, ignore_patterns: Iterable[str]) -> Iterable[tuple[str, Path]]:
        """Every ``(served path, source file)`` pair, skipping ``ignore_patterns``."""
        raise NotImplementedError

    # ``builtins.list``: inside the class body, ``list`` names the method above.
    def locations(self) -> builtins.list[Path]:
        """The folders searched, for ``findstatic -v2`` and the debug 404 page."""
        raise NotImplementedError

    # -- optional: what lets the middleware cache and live reload name files ------------

    def candidates(self, path: str) -> builtins.list[tuple[Path, Path]] | None:
        """The ``(file, root)`` pairs checked for ``path``, in order; ``None`` if opaque.

        Optional. When given, the middleware caches lookups and re-validates them with
        ``stat`` (the file must be a regular file and, unless ``follow_symlinks``, lie
        inside its root once symlinks are resolved). Default: ``None``, so ``find()`` is
        asked on every request.
        """
        return None

    def has_candidates(self) -> bool:
        """Whether ``candidates()`` names the files checked (then the middleware watches
        ``locations()`` for changes, so a cached lookup needs no ``stat``).

        Default: whether the class overrides ``candidates``; a finder whose
        ``candidates()`` answers ``None`` for every path may say ``False`` to save the
        watches.
        """
        return type(self).candidates is not BaseFinder.candidates

    def served_locations(self) -> builtins.list[Location]:
        """Each folder searched, with the prefix its files are served under (live reload
        names a changed file by its served path).

        Default: each of ``locations()`` at the top, no prefix; a finder that serves a
        folder under a prefix says so here, or live reload names its files wrongly.
        """
        return [Location("", Path(root)) for root in self.locations()]


class LocationFinder(BaseFinder):
    """A finder over a fixed list of ``Location`` folders (the shared half of the built-ins)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.search: tuple[Location, ...] = tuple(self.build_locations())

    def build_locations(self) -> Iterable[Location]:
        raise NotImplementedError

    def locations(self) -> list[Path]:
        return [location.root for location in self.search]

    def served_locations(self) -> list[Location]:
        return list(self.search)

    def candidates(self, path: str) -> list[tuple[Path, Path]] | None:
        if safe_relative_path(path) is None or self.ignored(path):
            return []
        out: list[tuple[Path, Path]] = []
        for location in self.search:
            candidate = location.candidate(path)
            if candidate is not None:
                out.append((candidate, location.root))
        return out

    def find_all(self, path: str) -> list[Path]:
        follow = self.settings.follow_symlinks
        return [
            candidate
            for candidate, root in self.candidates(path) or ()
            if is_servable_file(candidate, root, follow_symlinks=follow)
        ]

    def list(self, ignore_patterns: Iterable[str]) -> Iterator[tuple[str, Path]]:
        ignored = IgnoreMatcher(ignore_patterns)
        for location in self.search:
            for relative, source in walk_files(location.root, self.settings.follow_symlinks):
                served = f"{location.prefix}/{relative}" if location.prefix else relative
                if not ignored(served):
                    yield served, source


class FileSystemFinder(LocationFinder):
    """The folders of ``dirs``, in order, each optionally under a prefix (``STATICFILES_DIRS``)."""

    def build_locations(self) -> Iterable[Location]:
        for prefix, root in self.settings.dir_locations:
            yield Location(prefix, root)


class PackageFinder(LocationFinder):
    """The ``static/`` folder of each package in ``packages`` (Django's app directories).

    Found through importlib, so installed packages, editable installs and namespace
    packages (several folders) all work; a package without ``static/`` adds nothing.
    """

    def build_locations(self) -> Iterable[Location]:
        for package in self.settings.packages:
            for folder in package_folders(package):
                static = folder / "static"
                if static.is_dir():
                    yield Location("", static)


def package_folders(package: str) -> list[Path]:
    """The folders of an importable package, or ``ImproperlyConfigured`` naming it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"packages entry {package!r} cannot be imported ({exc}). Check the name, or "
            "install the package (pip install -e . for your own project).",
            key="packages",
        ) from exc
    if spec is None:
        raise ImproperlyConfigured(
            f"packages entry {package!r} cannot be imported: no such package. Check the name, "
            "or install the package (pip install -e . for your own project).",
            key="packages",
        )
    if spec.submodule_search_locations is None:
        raise ImproperlyConfigured(
            f"packages entry {package!r} is a module, not a package: list the package whose "
            "folder holds static/.",
            key="packages",
        )
    return [Path(folder) for folder in spec.submodule_search_locations]


class Candidate(enum.Enum):
    """What a candidate file of a location holds, as ``examine_candidate`` finds it."""

    MISSING = "missing"
    FOLDER = "folder"
    #: There, but never served: not a regular file, or a symlink out of its root.
    REFUSED = "refused"
    SERVABLE = "servable"


def examine_candidate(candidate: str | Path, root: Path, *, follow_symlinks: bool) -> Candidate:
    """THE rule for a candidate file, for finding, the middleware's cache, its
    precompressed siblings and development's hashed names alike.

    Without ``follow_symlinks`` a symlink may point anywhere inside its root but not
    outside it, so a stray ``ln -s /etc`` never exposes a byte beyond the roots.
    """
    try:
        st = os.stat(candidate)
    except (OSError, ValueError):
        return Candidate.MISSING
    if stat_module.S_ISDIR(st.st_mode):
        return Candidate.FOLDER
    if not stat_module.S_ISREG(st.st_mode):
        return Candidate.REFUSED
    if not follow_symlinks and not is_within_root(candidate, root):
        return Candidate.REFUSED
    return Candidate.SERVABLE


def is_servable_file(candidate: Path, root: Path, *, follow_symlinks: bool) -> bool:
    """True when ``candidate`` is a regular file we may serve from ``root``."""
    kind = examine_candidate(candidate, root, follow_symlinks=follow_symlinks)
    return kind is Candidate.SERVABLE


def walk_files(root: Path, follow_symlinks: bool) -> Iterator[tuple[str, Path]]:
    """Every regular file below ``root`` as ``(relative POSIX path, path)``, sorted.

    Symlinked folders are followed like Django does, but only where serving would allow
    it (inside the root unless ``follow_symlinks``), and never around a loop.
    """
    real_root = os.path.realpath(root)
    seen: set[str] = set()

    def visit(folder: Path, relative: str) -> Iterator[tuple[str, Path]]:
        real = os.path.realpath(folder)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = f"{relative}/{entry.name}" if relative else entry.name
            path = folder / entry.name
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            leaves = entry.is_symlink() and not follow_symlinks
            if leaves and not is_below(os.path.realpath(path), real_root):
                continue
            if is_dir:
                yield from visit(path, rel)
            elif is_file:
                yield rel, path

    if os.path.isdir(root):
        yield from visit(root, "")


def get_finders(settings: Settings) -> list[BaseFinder]:
    """The configured finders, built in order; import errors name the ``finders`` entry."""
    return [import_class(d, key="finders", base=BaseFinder)(settings) for d in settings.finders]


def find(path: str, settings: Settings) -> Path | None:
    """The file that wins for ``path`` (first finder, first location), or ``None``."""
    for finder in get_finders(settings):
        found = finder.find(path)
        if found is not None:
            return found
    return None


def find_all(path: str, settings: Settings) -> list[Path]:
    """Every file for ``path`` across all finders, in search order (``findstatic``)."""
    return [match for finder in get_finders(settings) for match in finder.find_all(path)]


#: What follows a location that is not an existing folder (findstatic -v2, the 404 page).
MISSING_MARK = "  (missing: no such folder)"


def describe_location(location: Path) -> str:
    """A location as listed to the user: a folder that is not there says so, since a
    typo in ``dirs`` otherwise looks like a folder that merely lacks the file."""
    return str(location) if location.is_dir() else f"{location}{MISSING_MARK}"
