"""``Settings``: one frozen object read by the middleware, the commands and ``static()``."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, TypedDict
from urllib.parse import urlsplit

from devstatic.config.django_settings import django_values
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

#: Settings fields named as the source of the values spelled them (``static-url`` for
#: ``[tool.devstatic]``); a field not listed is named as its keyword (``static_url``).
_spelled: ContextVar[Mapping[str, str] | None] = ContextVar("devstatic_spelled", default=None)


@contextmanager
def spelling(spelled: Mapping[str, str]) -> Iterator[None]:
    """Within this block, messages about field ``f`` name it ``spelled[f]``."""
    token = _spelled.set(spelled)
    try:
        yield
    finally:
        _spelled.reset(token)


def _key(name: str) -> str:
    """How the user wrote the key ``name`` (its TOML spelling when it came from the file)."""
    return (_spelled.get() or {}).get(name, name)


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
        found = _Findings()
        set_ = object.__setattr__
        set_(self, "static_url", _check_static_url(self.static_url, found.about("static_url")))
        set_(self, "dirs", _check_dirs(self.dirs, found.about("dirs")))
        for name in ("packages", "finders"):
            set_(
                self, name, _check_names(name, getattr(self, name), found.about(name), dotted=True)
            )
        set_(
            self,
            "ignore_patterns",
            _check_names("ignore_patterns", self.ignore_patterns, found.about("ignore_patterns")),
        )
        set_(self, "storage", _check_dotted("storage", self.storage, found.about("storage")))
        set_(self, "static_root", _check_static_root(self.static_root, found.about("static_root")))
        set_(
            self,
            "storage_options",
            _check_storage_options(self.storage_options, found.about("storage_options")),
        )
        for name in ("insecure", "follow_symlinks", "live_reload_inject"):
            _check_bool(name, getattr(self, name), found.about(name), optional=False)
        for name in ("debug", "live_reload", "hashed_urls"):
            _check_bool(name, getattr(self, name), found.about(name), optional=True)
        set_(self, "importmap", check_importmap(self.importmap, found.about("importmap")))
        set_(
            self,
            "allowed_hosts",
            check_allowed_hosts(self.allowed_hosts, found.about("allowed_hosts")),
        )
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


# -- checks: each appends one line naming the key, the value and the fix -------------------


class _Findings:
    """The problems of a ``Settings`` being built, each under the field it is about.

    A check appends plain lines to the list ``about(field)`` gives it, so it needs to
    know nothing of keys; ``problems`` are then ``(field, line)`` in the checks' order.
    """

    def __init__(self) -> None:
        self._lists: list[tuple[str, list[str]]] = []

    def about(self, field: str) -> list[str]:
        lines: list[str] = []
        self._lists.append((field, lines))
        return lines

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(field, line) for field, lines in self._lists for line in lines]


def _check_static_url(value: Any, problems: list[str]) -> str:
    key = _key("static_url")
    if not isinstance(value, str) or not value:
        problems.append(f"{key} must be a non-empty string such as '/static/', not {value!r}.")
        return "/static/"
    parts = urlsplit(value)
    if parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc):
        problems.append(
            f"{key} {value!r} is not a path or an http(s) URL: write '/static/' or "
            "'https://cdn.example.com/static/'."
        )
    elif parts.query or parts.fragment:
        problems.append(f"{key} {value!r} must not have a query or fragment.")
    else:
        # One fix that is right as a whole: 'static' needs both slashes, '/static/'.
        starts = bool(parts.scheme) or value.startswith("/")
        ends = value.endswith("/")
        fixed = ("" if starts else "/") + value + ("" if ends else "/")
        if not starts and not ends:
            problems.append(f"{key} {value!r} must start and end with '/': write {fixed!r}.")
        elif not starts:
            problems.append(f"{key} {value!r} must start with '/': write {fixed!r}.")
        elif not ends:
            problems.append(f"{key} {value!r} must end with '/': write {fixed!r}.")
    return value


def _check_dirs(value: Any, problems: list[str]) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, os.PathLike)) or not isinstance(value, Sequence):
        problems.append(f"dirs must be a list of folders, e.g. dirs = ['static'], not {value!r}.")
        return ()
    out: list[Any] = []
    for entry in value:
        if isinstance(entry, (str, os.PathLike)) and not isinstance(entry, bytes):
            out.append(Path(entry).absolute())
            continue
        if (
            isinstance(entry, Sequence)
            and not isinstance(entry, (str, bytes))
            and len(entry) == 2
            and isinstance(entry[0], str)
            and isinstance(entry[1], (str, os.PathLike))
        ):
            prefix = entry[0]
            if not prefix or prefix.startswith("/") or prefix.endswith("/") or "\\" in prefix:
                fixed = prefix.strip("/") or "vendor"
                problems.append(
                    f"dirs prefix {prefix!r} (for {str(entry[1])!r}) must be a relative path "
                    f"without a slash at either end: write [{fixed!r}, {str(entry[1])!r}]."
                )
            elif any(part in ("", ".", "..") for part in prefix.split("/")):
                problems.append(f"dirs prefix {prefix!r} must not contain '.', '..' or '//'.")
            out.append((prefix, Path(entry[1]).absolute()))
            continue
        problems.append(
            f"dirs entry {entry!r} is neither a folder path nor a [prefix, path] pair: "
            "write 'static' or ['vendor', 'node_modules/x/dist']."
        )
    return tuple(out)


def _check_names(
    key: str, value: Any, problems: list[str], *, dotted: bool = False
) -> tuple[str, ...]:
    key = _key(key)
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.append(
            f"{key} must be a list of strings, e.g. {key} = [{value!r}], not {value!r}."
        )
        return ()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item:
            problems.append(f"{key} entry {item!r} must be a non-empty string.")
        elif dotted and not _is_dotted(item):
            problems.append(
                f"{key} entry {item!r} is not a dotted Python name such as 'myapp.blog'."
            )
        else:
            out.append(item)
    return tuple(out)


def _check_dotted(key: str, value: Any, problems: list[str]) -> str:
    key = _key(key)
    if not isinstance(value, str) or not _is_dotted(value) or "." not in value:
        problems.append(
            f"{key} must be the dotted path of a class, such as {DEFAULT_STORAGE!r}, not {value!r}."
        )
        return DEFAULT_STORAGE
    return value


def _is_dotted(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def _check_static_root(value: Any, problems: list[str]) -> Path | None:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes) and str(value):
        return Path(value).absolute()
    key = _key("static_root")
    problems.append(f"{key} must be a folder path such as 'staticfiles', not {value!r}.")
    return None


def _check_storage_options(value: Any, problems: list[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        problems.append(
            f"{_key('storage_options')} must be a table, e.g. [tool.devstatic.storage-options], "
            f"not {value!r}."
        )
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.replace("-", "_").isidentifier():
            problems.append(f"{_key('storage_options')} key {key!r} is not a valid option name.")
            continue
        out[key.replace("-", "_")] = item
    return out


def _check_bool(key: str, value: Any, problems: list[str], *, optional: bool) -> None:
    if value is None and optional:
        return
    key = _key(key)
    if not isinstance(value, bool):
        allowed = "true, false or leave it unset" if optional else "true or false"
        problems.append(f"{key} must be {allowed}, not {value!r}.")
