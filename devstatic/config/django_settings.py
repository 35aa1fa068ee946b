"""``Settings.from_django``: a Django project's static settings, translated.

A Django user swaps ``ASGIStaticFilesHandler`` (or runserver's static serving) for
devstatic and expects the same files, found in the same order. Django's default
finders search ``STATICFILES_DIRS`` first, then each installed app's ``static/``
folder in ``INSTALLED_APPS`` order. Both become ``dirs`` entries here, the app folders
after ``STATICFILES_DIRS``: one ``FileSystemFinder`` then gives Django's order, an
app's ``AppConfig.path`` is honoured even when it is not its module's folder, and
(as Django's ``AppDirectoriesFinder`` does) only apps that have a ``static/`` folder
at start-up take part.

Django is never imported at module level: devstatic works without it installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from devstatic.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from devstatic.config.settings import Settings

FILESYSTEM_FINDER = "django.contrib.staticfiles.finders.FileSystemFinder"
APP_DIRECTORIES_FINDER = "django.contrib.staticfiles.finders.AppDirectoriesFinder"
DEFAULT_DJANGO_FINDERS = (FILESYSTEM_FINDER, APP_DIRECTORIES_FINDER)


def settings_from_django(
    cls: type[Settings], django_settings: Any = None, **overrides: Any
) -> Settings:
    """``cls`` built from ``django_settings`` (``django.conf.settings`` when ``None``).

    Precedence, lowest first: the Django settings, ``DEVSTATIC_DEBUG`` (for ``debug``,
    as it overrides a pyproject file), keyword ``overrides``.
    """
    from devstatic.config.settings import DEBUG_SOURCE, debug_from_env

    use_registry = django_settings is None or _is_django_conf_settings(django_settings)
    if django_settings is None:
        django_settings = _django_conf_settings()
    finders = tuple(getattr(django_settings, "STATICFILES_FINDERS", DEFAULT_DJANGO_FINDERS))
    dirs: list[Any] = []
    if FILESYSTEM_FINDER in finders:
        dirs.extend(_staticfiles_dirs(getattr(django_settings, "STATICFILES_DIRS", ())))
    if APP_DIRECTORIES_FINDER in finders:
        apps = _registry_app_paths() if use_registry else _spec_app_paths(django_settings)
        dirs.extend(path / "static" for path in apps if (path / "static").is_dir())
    values: dict[str, Any] = {
        "static_url": translate_static_url(getattr(django_settings, "STATIC_URL", None)),
        "dirs": dirs,
        "static_root": _optional_path(getattr(django_settings, "STATIC_ROOT", None)),
        "debug": bool(getattr(django_settings, "DEBUG", False)),
        # The same names Django answers, so a LAN name or tunnel listed there works here.
        "allowed_hosts": list(getattr(django_settings, "ALLOWED_HOSTS", ())),
    }
    env_debug = debug_from_env()
    if env_debug is not None:
        values["debug"] = env_debug
    settings = cls(**values)
    if env_debug is None:
        # So that a refusal names DEBUG, the setting the user controls.
        object.__setattr__(settings, DEBUG_SOURCE, "DEBUG")
    overrides = {k: v for k, v in overrides.items() if not (k == "debug" and v is None)}
    return settings.replace(**overrides) if overrides else settings


def translate_static_url(value: Any) -> str:
    """``STATIC_URL`` as devstatic's ``static_url``.

    startproject writes the relative ``"static/"``, which Django serves at the script
    prefix (``/`` outside a sub-path deployment), so it becomes ``"/static/"``.
    """
    if value is None or value == "":
        raise ImproperlyConfigured(
            "STATIC_URL is not set in the Django settings: set STATIC_URL = 'static/' "
            "(or pass static_url='/static/' to Settings.from_django)."
        )
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"STATIC_URL must be a string such as 'static/', not {value!r}.")
    if urlsplit(value).scheme or value.startswith("/"):
        return value
    return "/" + value


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
            "your settings object: Settings.from_django(my_settings)."
        ) from exc
    if not settings.configured:
        raise ImproperlyConfigured(
            "Settings.from_django() read django.conf.settings, but Django is not configured: "
            "set DJANGO_SETTINGS_MODULE (or call settings.configure()) first."
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
                "AppConfig class: fix the entry or install the app."
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
    module_name, _, class_name = entry.rpartition(".")
    if not module_name:
        return None
    try:
        config = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return None
    explicit = getattr(config, "path", None)
    if isinstance(explicit, (str, os.PathLike)):
        return Path(explicit)
    name = getattr(config, "name", None)
    return _package_folder(name) if isinstance(name, str) else None
