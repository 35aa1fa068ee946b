"""Configuration problems, for ``devstatic check`` and the middleware's start-up log.

Each problem is one line naming the key and the offending value:
``error: dirs: '/abs/missing' does not exist. Create the folder or remove it from dirs.``
Errors break collecting or serving; warnings (one destination path provided by several
files, where only the first is used) are legal but usually a mistake, as in Django.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devstatic.config.settings import Settings
from devstatic.config.static_root import static_root_in_dirs
from devstatic.exceptions import ImproperlyConfigured

Level = Literal["error", "warning"]

#: At most this many problems are logged at start-up; ``devstatic check`` shows all.
STARTUP_LOG_LIMIT = 20
#: The start-up check lists at most this many files (``devstatic check`` lists all).
STARTUP_FILE_LIMIT = 20_000


@dataclass(frozen=True)
class Problem:
    """One problem: ``level``, the settings ``key``, the offending ``value``, a sentence."""

    level: Level
    key: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.key}: {self.message}"


def find_problems(
    settings: Settings, *, storage: bool = True, file_limit: int | None = None
) -> list[Problem]:
    """Every problem of ``settings``: errors first, then warnings, each in settings order.

    ``storage=False`` skips building the storage (the middleware does not use it, and a
    bucket storage's client is slow to import). ``file_limit`` bounds how many files the
    duplicate scan lists, so a ``node_modules`` under ``dirs`` cannot stall start-up.
    """
    problems: list[Problem] = []
    problems += _dirs_problems(settings)
    problems += _static_root_problems(settings)
    good_packages = _package_problems(settings, problems)
    good_finders = _finder_problems(settings, problems)
    if storage:
        problems += _storage_problems(settings)
    if good_finders:
        usable = settings.replace(packages=good_packages, finders=good_finders)
        problems += _importmap_problems(usable)
        problems += _duplicate_problems(usable, problems, file_limit)
    return sorted(problems, key=lambda p: p.level != "error")


def problems_from_error(error: ImproperlyConfigured) -> list[Problem]:
    """An ``ImproperlyConfigured`` as error problems, one per line of each of its problems.

    A line is under the field its problem's key names when it starts with that field's
    name, as written (``static-url '/s' must end with '/' ...`` becomes ``error:
    static_url: '/s' must end ...``); any other line (an unknown key, bad TOML,
    ``importmap.imports entry ...``) is whole under ``config``.
    """
    out: list[Problem] = []
    for key, message in error.problems:
        field = _field(key)
        for line in message.splitlines():
            line = line.strip()
            if not line:
                continue
            first, _, rest = line.partition(" ")
            if field is not None and first.replace("-", "_") == field and rest:
                out.append(Problem("error", field, None, rest))
            else:
                out.append(Problem("error", "config", None, line))
    return out


_logged: set[str] = set()
_logged_lock = threading.Lock()


def log_startup_warnings(settings: Settings, logger: logging.Logger) -> None:
    """Log the problems of ``settings`` once per process (the middleware calls this).

    Never raises: a check that fails must not stop the app from starting.
    """
    key = repr(settings)
    with _logged_lock:
        if key in _logged:
            return
        _logged.add(key)
    try:
        problems = find_problems(settings, storage=False, file_limit=STARTUP_FILE_LIMIT)
    except Exception:  # a custom finder may fail in any way; serving reports it better
        logger.debug("devstatic: the start-up check failed", exc_info=True)
        return
    for problem in problems[:STARTUP_LOG_LIMIT]:
        level = logging.ERROR if problem.level == "error" else logging.WARNING
        logger.log(level, "devstatic: %s", problem)
    if len(problems) > STARTUP_LOG_LIMIT:
        logger.warning(
            "devstatic: %d more problems; run `devstatic check` to see them all.",
            len(problems) - STARTUP_LOG_LIMIT,
        )


# -- the checks ---------------------------------------------------------------------------


def _dirs_problems(settings: Settings) -> list[Problem]:
    out: list[Problem] = []
    for _, folder in settings.dir_locations:
        if not folder.exists():
            out.append(
                Problem(
                    "error",
                    "dirs",
                    str(folder),
                    f"'{folder}' does not exist. Create the folder or remove it from dirs.",
                )
            )
        elif not folder.is_dir():
            out.append(
                Problem(
                    "error",
                    "dirs",
                    str(folder),
                    f"'{folder}' is not a folder. List folders in dirs, not files.",
                )
            )
    return out


def _static_root_problems(settings: Settings) -> list[Problem]:
    root = settings.root
    if root is None:
        return []
    clash = static_root_in_dirs(root, (folder for _, folder in settings.dir_locations))
    return [] if clash is None else [Problem("error", "static_root", str(root), clash)]


def _package_problems(settings: Settings, problems: list[Problem]) -> tuple[str, ...]:
    """Adds an error per unimportable package; returns the importable ones."""
    from devstatic.finders import package_folders

    good: list[str] = []
    for package in settings.packages:
        try:
            package_folders(package)
        except ImproperlyConfigured as exc:
            field = _field(exc.key) or "packages"
            problems.append(Problem("error", field, package, _strip_key(str(exc), field)))
        else:
            good.append(package)
    return tuple(good)


def _finder_problems(settings: Settings, problems: list[Problem]) -> tuple[str, ...]:
    """Adds an error per unimportable finder; returns the importable ones."""
    from devstatic.config.plugins import import_class
    from devstatic.finders import BaseFinder

    good: list[str] = []
    for dotted in settings.finders:
        try:
            import_class(dotted, key="finders", base=BaseFinder)
        except ImproperlyConfigured as exc:
            field = _field(exc.key) or "finders"
            problems.append(Problem("error", field, dotted, _strip_key(str(exc), field)))
        else:
            good.append(dotted)
    return tuple(good)


def _storage_problems(settings: Settings) -> list[Problem]:
    from devstatic.storage.base import get_storage

    try:
        built = get_storage(settings)
    except ImproperlyConfigured as exc:
        # A storage's own error without a key is, most likely, about its options.
        field = _field(exc.key) or "storage_options"
        value = getattr(settings, field, None)
        return [Problem("error", field, value, _strip_key(str(exc), field))]
    except ImportError as exc:
        return [
            Problem(
                "error",
                "storage",
                settings.storage,
                f"{settings.storage!r} needs a package that is not installed ({exc}).",
            )
        ]
    built.close()
    return []


def _importmap_problems(settings: Settings) -> list[Problem]:
    """An error per import-map entry or preload naming a file no finder finds: the page
    rendering ``importmap()`` would fail with it, in development and in production."""
    from devstatic.config.import_map import is_url
    from devstatic.finders import get_finders

    table = settings.importmap
    named: list[tuple[str, str]] = [
        (f"imports {specifier!r} = {path!r}", path)
        for specifier, path in table.get("imports", {}).items()
    ]
    for prefix, imports in table.get("scopes", {}).items():
        named += [
            (f"scopes {prefix!r} {specifier!r} = {path!r}", path)
            for specifier, path in imports.items()
        ]
    named += [(f"preload {path!r}", path) for path in table.get("preload", ())]
    wanted = [(what, path) for what, path in named if not is_url(path) and not path.endswith("/")]
    if not wanted:
        return []
    finders = get_finders(settings)
    return [
        Problem(
            "error",
            "importmap",
            path,
            f"{what}: no static file {path!r} in the finders' locations. Add the file or "
            "fix [tool.devstatic.importmap].",
        )
        for what, path in wanted
        if not any(finder.find(path) is not None for finder in finders)
    ]


def _duplicate_problems(
    settings: Settings, problems: list[Problem], file_limit: int | None = None
) -> list[Problem]:
    """A warning per destination path that several files provide (only the first is used)."""
    from devstatic.finders import BaseFinder, FileSystemFinder, PackageFinder, get_finders

    def key_of(finder: BaseFinder) -> str:
        if isinstance(finder, FileSystemFinder):
            return "dirs"
        if isinstance(finder, PackageFinder):
            return "packages"
        return "finders"

    sources: dict[str, list[tuple[Path, str]]] = {}
    try:
        finders = get_finders(settings)
    except ImproperlyConfigured as exc:
        problems.extend(problems_from_error(exc))
        return []
    listed = (
        (name, source, key_of(finder))
        for finder in finders
        for name, source in finder.list(settings.ignore_patterns)
    )
    for name, source, key in itertools.islice(listed, file_limit):
        sources.setdefault(name, []).append((source, key))
    out: list[Problem] = []
    for name, found in sources.items():
        if len(found) < 2:
            continue
        keys = ", ".join(dict.fromkeys(key for _, key in found))
        ignored = _join_quoted(str(path) for path, _ in found[1:])
        verb = "is" if len(found) == 2 else "are"
        out.append(
            Problem(
                "warning",
                keys,
                name,
                f"'{name}' is provided by {len(found)} files: '{found[0][0]}' is used, "
                f"{ignored} {verb} ignored. Rename or remove the ones you do not want.",
            )
        )
    return out


def _join_quoted(items: Iterable[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _field(key: str | None) -> str | None:
    """The settings field an error's ``key`` is about (``storage_options`` for
    ``storage_options.bucket``); ``None`` for an error about no single field."""
    return None if key is None else key.partition(".")[0]


def _strip_key(message: str, key: str) -> str:
    """``packages entry 'x' cannot ...`` → ``entry 'x' cannot ...`` (the key is printed before)."""
    prefix = key + " "
    return message[len(prefix) :] if message.startswith(prefix) else message
