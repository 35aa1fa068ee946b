"""A Django project's static settings, translated into ``Settings`` field values.

A Django user swaps ``ASGIStaticFilesHandler`` (or runserver's static serving) for
devstatic and expects the same files, found in the same order. Django's default
finders search ``STATICFILES_DIRS`` first, then each installed app's ``static/``
folder in ``INSTALLED_APPS`` order. Both become ``dirs`` entries here, the app folders
after ``STATICFILES_DIRS``: one ``FileSystemFinder`` then gives Django's order, an
app's ``AppConfig.path`` is honoured even when it is not its module's folder, and
(as Django's ``AppDirectoriesFinder`` does) only apps that have a ``static/`` folder
at start-up take part.

Django is never imported at module level: devstatic works without it installed. This
module knows no ``Settings`` (``Settings.from_django`` calls it, one way): it reads
Django's names and answers devstatic's, and its errors carry the field a Django setting
becomes (``STATIC_URL`` is ``static_url``; ``INSTALLED_APPS``, whose apps' folders
become ``dirs`` entries, is ``dirs``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from devstatic.config.plugins import import_attribute
from devstatic.exceptions import ImproperlyConfigured

FILESYSTEM_FINDER = "django.contrib.staticfiles.finders.FileSystemFinder"
APP_DIRECTORIES_FINDER = "django.contrib.staticfiles.finders.AppDirectoriesFinder"
DEFAULT_DJANGO_FINDERS = (FILESYSTEM_FINDER, APP_DIRECTORIES_FINDER)


def django_values(django_settings: Any = None, *, skip: Collection[str] = ()) -> dict[str, Any]:
    """``Settings`` field values read from ``django_settings`` (``django.conf.settings``
    when ``None``), leaving out the fields in ``skip`` (the caller sets them itself).

    Values only: ``Settings.from_django`` layers ``DEVSTATIC_DEBUG`` and its keyword
    overrides on top and builds the ``Settings``, so this module needs no ``Settings``.
    """
    use_registry = django_settings is None or _is_django_conf_settings(django_settings)
    source = _django_conf_settings() if django_settings is None else django_settings
    readers: dict[str, Callable[[], Any]] = {
        "static_url": lambda: translate_static_url(getattr(source, "STATIC_URL", None)),
        "dirs": lambda: _dirs(source, use_registry=use_registry),
        "static_root": lambda: _optional_path(getattr(source, "STATIC_ROOT", None)),
        "debug": lambda: bool(getattr(source, "DEBUG", False)),
        # The same names Django answers, so a LAN name or tunnel listed there works here.
        "allowed_hosts": lambda: list(getattr(source, "ALLOWED_HOSTS", ())),
    }
    return {field: read() for field, read in readers.items() if field not in skip}


def translate_static_url(value: Any) -> str:
    """``STATIC_URL`` as devstatic's ``static_url``.

    startproject writes the relative ``"static/"``, which Django serves at the script
    prefix (``/`` outside a sub-path deployment), so it becomes ``"/static/"``.
    """
    if value is None or value == "":
        raise ImproperlyConfigured(
            "STATIC_URL is not set in the Django settings: set STATIC_URL = 'static/' "
            "(or pass static_url='/static/' to Settings.from_django).",
            key="static_url",
        )
    if not isinstance(value, str):
        raise ImproperlyConfigured(
            f"STATIC_URL must be a string such as 'static/', not {value!r}.", key="static_url"
        )
    if urlsplit(value).scheme or value.startswith("/"):
        return value
    return "/" + value


def _dirs(django_settings: Any, *, use_registry: bool) -> list[Any]:
    """``STATICFILES_DIRS``, then each app's ``static/``, as the finders Django uses would."""
    finders = tuple(getattr(django_settings, "STATICFILES_FINDERS", DEFAULT_DJANGO_FINDERS))
    dirs: list[Any] = []
    if FILESYSTEM_FINDER in finders:
        dirs.extend(_staticfiles_dirs(getattr(django_settings, "STATICFILES_DIRS", ())))
    if APP_DIRECTORIES_FINDER in finders:
        apps = _registry_app_paths() if use_registry else _spec_app_paths(django_settings)
        dirs.extend(path / "static" for path in apps if (path / "static").is_dir())
    return dirs


def _staticfiles_dirs(value: Iterable[Any]) -> list[Any]:
    """``STATICFILES_DIRS``: paths and ``(prefix, path)`` pairs, kept in order."""
    out: list[Any] = []
    for entry in value:
        if isinstance(entry, (list, tuple)) and len(entry) == 2:
            out.append((entry[0], entry[1]))
        else:
            out.append(entry)
    return out


def _optional_path(value: Any) -> Any:
    return None if value in (None, "") else value


def _is_django_conf_settings(obj: Any) -> bool:
    try:
        from django.conf import settings
    except ImportError:
        return False
    return obj is settings


def _django_conf_settings() -> Any:
    try:
        from django.conf import settings
    except ImportError as exc:
        raise ImproperlyConfigured(
            "Settings.from_django() needs Django installed (pip install django), or pass "
            "your settings object: Settings.from_django(my_settings).",
            key=None,
        ) from exc
    if not settings.configured:
        raise ImproperlyConfigured(
            "Settings.from_django() read django.conf.settings, but Django is not configured: "
            "set DJANGO_SETTINGS_MODULE (or call settings.configure()) first.",
            key=None,
        )
    return settings


def _registry_app_paths() -> list[Path]:
    """The installed apps' ``AppConfig.path``, in ``INSTALLED_APPS`` order.

    Sets Django up when nothing has yet (``get_asgi_application()`` does the same).
    """
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup(set_prefix=False)
    return [Path(config.path) for config in apps.get_app_configs()]


def _spec_app_paths(django_settings: Any) -> list[Path]:
    """App folders for settings Django is not running with, found without importing the apps.

    Importing an app (``django.contrib.admin``) needs a configured Django, so each
    entry's folder comes from its import spec; an ``AppConfig`` dotted path uses the
    class's ``path`` when it sets one, else its ``name``.
    """
    out: list[Path] = []
    for entry in getattr(django_settings, "INSTALLED_APPS", ()):
        path = _package_folder(entry) or _app_config_folder(entry)
        if path is None:
            raise ImproperlyConfigured(
                f"INSTALLED_APPS entry {entry!r} is neither an importable package nor an "
                "AppConfig class: fix the entry or install the app.",
                key="dirs",
            )
        out.append(path)
    return out


def _package_folder(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _app_config_folder(entry: str) -> Path | None:
    try:
        config = import_attribute(entry, key="INSTALLED_APPS")
    except ImproperlyConfigured:
        return None
    explicit = getattr(config, "path", None)
    if isinstance(explicit, (str, os.PathLike)):
        return Path(explicit)
    name = getattr(config, "name", None)
    return _package_folder(name) if isinstance(name, str) else None
