"""``Settings``: one frozen object read by the middleware, the commands and ``static()``."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeAlias, TypedDict
from urllib.parse import urlsplit

from devstatic.config.django_settings import django_values
from devstatic.config.field_checks import (
    Findings,
    check_bool,
    check_dirs,
    check_dotted,
    check_names,
    check_static_root,
    check_static_url,
    check_storage_options,
    spelling,
)
from devstatic.config.import_map import check_importmap
from devstatic.config.pyproject import find_config_file, read_config_table
from devstatic.exceptions import ImproperlyConfigured
from devstatic.http.hosts import check_allowed_hosts

PathLike: TypeAlias = str | os.PathLike[str]

#: A ``dirs`` entry: a folder, or a ``(prefix, folder)`` pair served under ``prefix/``.
DirSpec: TypeAlias = PathLike | Sequence[PathLike]

DEFAULT_FINDERS: tuple[str, ...] = (
    "devstatic.finders.FileSystemFinder",
    "devstatic.finders.PackageFinder",
)
DEFAULT_IGNORE_PATTERNS: tuple[str, ...] = ("CVS", ".*", "*~")
DEFAULT_STORAGE = "devstatic.storage.FileSystemStorage"
DEBUG_ENV = "DEVSTATIC_DEBUG"
#: The attribute naming where ``debug`` came from when a framework's setting gave it
#: (``Settings.from_django`` sets ``"DEBUG"``), so that the refusal names that setting.
DEBUG_SOURCE = "_debug_source"

#: Where devstatic's own names come from, for settings users bring from Django, Flask,
#: Starlette's ``StaticFiles`` and the like (matched lower-case, ``-`` as ``_``).
KEY_ALIASES: dict[str, str] = {
    "staticfiles_dirs": "dirs",
    "static_dirs": "dirs",
    "static_dir": "dirs",
    "static_folder": "dirs",
    "static_folders": "dirs",
    "static_directory": "dirs",
    "static_directories": "dirs",
    "directory": "dirs",
    "directories": "dirs",
    "folders": "dirs",
    "static_url_path": "static_url",
    "url": "static_url",
    "staticfiles_finders": "finders",
    "staticfiles_storage": "storage",
    "installed_apps": "packages",
    "apps": "packages",
}

_REQUIRED_BOOLS = ("insecure", "follow_symlinks", "live_reload_inject")
#: ``None`` is "not set": debug then comes from elsewhere, live reload and hashed URLs
#: follow debug and the storage.
_OPTIONAL_BOOLS = ("debug", "live_reload", "hashed_urls")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything devstatic is configured with; see the README's configuration reference.

    Values are checked and normalised on construction (paths made absolute, lists
    made tuples), so a mistake surfaces where it is made, not at the first request.
    """

    static_url: str = "/static/"
    dirs: Sequence[DirSpec] = ()
    packages: Sequence[str] = ()
    finders: Sequence[str] = DEFAULT_FINDERS
    static_root: PathLike | None = None
    storage: str = DEFAULT_STORAGE
    storage_options: Mapping[str, Any] = field(default_factory=dict)
    ignore_patterns: Sequence[str] = DEFAULT_IGNORE_PATTERNS
    debug: bool | None = None
    insecure: bool = False
    follow_symlinks: bool = False
    live_reload: bool | None = None
    live_reload_inject: bool = False
    importmap: Mapping[str, Any] = field(default_factory=dict)
    allowed_hosts: Sequence[str] = ()
    hashed_urls: bool | None = None

    def __post_init__(self) -> None:
        found = Findings()
        for name, check in _CHECKS.items():
            object.__setattr__(self, name, check(getattr(self, name), found.about(name)))
        if found.problems:
            raise ImproperlyConfigured.gather(found.problems)

    # -- derived views -----------------------------------------------------------------

    @property
    def static_path(self) -> str:
        """The path part of ``static_url`` (``/static/`` for ``https://cdn.example.com/static/``)."""
        return urlsplit(self.static_url).path

    @property
    def dir_locations(self) -> tuple[tuple[str, Path], ...]:
        """``dirs`` as ``(prefix, absolute folder)`` pairs; the prefix is ``""`` when none."""
        out: list[tuple[str, Path]] = []
        for entry in self.dirs:
            if isinstance(entry, tuple):
                out.append((str(entry[0]), Path(entry[1])))
            else:
                out.append(("", Path(entry)))  # type: ignore[arg-type]
        return tuple(out)

    @property
    def root(self) -> Path | None:
        """``static_root`` as a ``Path`` (absolute), or ``None`` when not configured."""
        return None if self.static_root is None else Path(self.static_root)

    # -- constructors ------------------------------------------------------------------

    @classmethod
    def load(cls, path: PathLike | None = None, **overrides: Any) -> Settings:
        """Settings from ``[tool.devstatic]`` of ``path`` or of the nearest pyproject.toml.

        Precedence, lowest first: defaults, the file, then ``overriding_values``
        (``DEVSTATIC_DEBUG``, keyword ``overrides``). Relative paths in the file resolve
        against its folder.
        """
        config = Path(path) if path is not None else find_config_file()
        values: dict[str, Any] = {}
        unknown: list[str] = []
        spelled: dict[str, str] = {}
        if config is not None:
            table = read_config_table(config)
            values, unknown = _from_table(table, base=config.absolute().parent, source=str(config))
            spelled = {raw.replace("-", "_"): raw for raw in table}
        values.update(overriding_values(overrides))
        # A keyword override is named as a keyword, though the file has the key too.
        spelled = {name: raw for name, raw in spelled.items() if name not in overrides}
        # Report unknown keys together with every other problem, so that one
        # `devstatic check` shows all there is to fix.
        unknown_problems = [(None, message) for message in unknown]
        try:
            with spelling(spelled):
                settings = cls(**values)
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured.gather([*unknown_problems, *exc.problems]) from None
        if unknown_problems:
            raise ImproperlyConfigured.gather(unknown_problems)
        return settings

    @classmethod
    def from_django(cls, django_settings: Any = None, **overrides: Any) -> Settings:
        """Settings from a Django project's settings (``django.conf.settings`` by default).

        Precedence, lowest first: defaults, the Django settings (as ``django_values``
        translates them), then ``overriding_values`` (``DEVSTATIC_DEBUG``, keyword
        ``overrides``), as for a pyproject file. A field set above Django is not read
        from it, so ``static_url=`` stands in for a missing ``STATIC_URL``.
        """
        above = overriding_values(overrides)
        settings = cls(**{**django_values(django_settings, skip=frozenset(above)), **above})
        if "debug" not in above:
            # So that a refusal names DEBUG, the setting the user controls.
            object.__setattr__(settings, DEBUG_SOURCE, "DEBUG")
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (checked like a new ``Settings``)."""
        _check_keywords(changes)
        changed = dataclasses.replace(self, **changes)
        source = getattr(self, DEBUG_SOURCE, None)
        if source is not None and "debug" not in changes:
            object.__setattr__(changed, DEBUG_SOURCE, source)
        return changed


_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))

#: Each field's check, which returns the value normalised (paths absolute, lists as
#: tuples); in this order, so that the problems are listed in it.
_CHECKS: dict[str, Callable[[Any, list[str]], Any]] = {
    "static_url": check_static_url,
    "dirs": check_dirs,
    "packages": partial(check_names, "packages", dotted=True),
    "finders": partial(check_names, "finders", dotted=True),
    "ignore_patterns": partial(check_names, "ignore_patterns"),
    "storage": partial(check_dotted, "storage", example=DEFAULT_STORAGE),
    "static_root": check_static_root,
    "storage_options": check_storage_options,
    **{name: partial(check_bool, name, optional=False) for name in _REQUIRED_BOOLS},
    **{name: partial(check_bool, name, optional=True) for name in _OPTIONAL_BOOLS},
    "importmap": check_importmap,
    "allowed_hosts": check_allowed_hosts,
}


class SettingsOverrides(TypedDict, total=False):
    """The ``Settings`` fields as keyword arguments, so type checkers check the names.

    ``StaticFilesMiddleware(app, dirz=[...])`` or ``app.add_middleware(StaticFilesMiddleware,
    debug="yes")`` are then caught by mypy before they reach ``ImproperlyConfigured``.
    """

    static_url: str
    dirs: Sequence[DirSpec]
    packages: Sequence[str]
    finders: Sequence[str]
    static_root: PathLike | None
    storage: str
    storage_options: Mapping[str, Any]
    ignore_patterns: Sequence[str]
    debug: bool | None
    insecure: bool
    follow_symlinks: bool
    live_reload: bool | None
    live_reload_inject: bool
    importmap: Mapping[str, Any]
    allowed_hosts: Sequence[str]
    hashed_urls: bool | None


def overriding_values(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """What wins over a source of settings (a pyproject file, Django's settings):
    ``DEVSTATIC_DEBUG`` for ``debug``, then the keyword ``overrides``.

    A ``debug=None`` override is no override (the source, or the environment, decides);
    an unknown keyword is an error naming the field most likely meant.
    """
    _check_keywords(overrides)
    values: dict[str, Any] = {}
    env_debug = debug_from_env()
    if env_debug is not None:
        values["debug"] = env_debug
    for key, value in overrides.items():
        if key == "debug" and value is None:
            continue
        values[key] = value
    return values


def _check_keywords(names: Iterable[str]) -> None:
    """An error for the first keyword argument that is no ``Settings`` field."""
    for name in names:
        if name not in _FIELDS:
            raise ImproperlyConfigured(_unknown_key_message(name, "keyword argument"), key=None)


def debug_from_env(environ: Mapping[str, str] | None = None) -> bool | None:
    """``DEVSTATIC_DEBUG`` as a bool, ``None`` when unset; any other value is an error."""
    raw = (os.environ if environ is None else environ).get(DEBUG_ENV)
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{DEBUG_ENV}={raw!r} is not a boolean. Set it to 1, true, yes or on to turn debug on, "
        "or 0, false, no or off to turn it off.",
        key=None,
    )


def _unknown_key_message(key: str, where: str, *, toml: bool = False) -> str:
    """The unknown ``key`` named with the field the user most likely meant, and every
    known key, spelled as the source spells keys (``static-url`` in TOML)."""
    meant = nearest_field(key)

    def spell(name: str) -> str:
        return name.replace("_", "-") if toml else name

    hint = f" Did you mean {spell(meant)!r}?" if meant else ""
    known = ", ".join(spell(f) for f in _FIELDS)
    return f"Unknown devstatic setting {key!r} ({where}).{hint} Known keys: {known}."


def nearest_field(key: str) -> str | None:
    """The field an unknown key most likely means: itself in another case or spelling,
    the name other tools give it (``STATICFILES_DIRS``), else the closest spelling."""
    normal = key.lower().replace("-", "_")
    if normal in _FIELDS:
        return normal
    if normal in KEY_ALIASES:
        return KEY_ALIASES[normal]
    close = difflib.get_close_matches(normal, _FIELDS, n=1)
    return close[0] if close else None


def _from_table(
    table: Mapping[str, Any], *, base: Path, source: str
) -> tuple[dict[str, Any], list[str]]:
    """The table's values (paths anchored at ``base``) and a message per unknown key."""
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _FIELDS:
            unknown.append(
                _unknown_key_message(raw_key, f"in [tool.devstatic] of {source}", toml=True)
            )
            continue
        values[key] = value
    if isinstance(values.get("dirs"), list):
        values["dirs"] = [_anchor_dir(entry, base) for entry in values["dirs"]]
    if isinstance(values.get("static_root"), str):
        values["static_root"] = base / values["static_root"]
    return values, unknown


def _anchor_dir(entry: Any, base: Path) -> Any:
    if isinstance(entry, str):
        return base / entry
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str):
        return [entry[0], base / entry[1]]
    return entry
