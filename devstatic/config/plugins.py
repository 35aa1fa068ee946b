"""Loading by dotted path (finders, storages, a Django ``AppConfig``): the one way devstatic
imports a name a user wrote, with errors that name the key it was written under."""

from __future__ import annotations

import importlib
from typing import Any

from devstatic.exceptions import ImproperlyConfigured


def import_class(dotted: str, *, key: str, base: type[Any]) -> type[Any]:
    """The class at ``dotted`` (``package.module.Class``), checked to subclass ``base``."""
    cls = import_attribute(dotted, key=key)
    if not isinstance(cls, type) or not issubclass(cls, base):
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} is not a subclass of {base.__module__}.{base.__qualname__}.",
            key=key,
        )
    return cls


def import_attribute(dotted: str, *, key: str) -> Any:
    """The object at ``dotted`` (``package.module.name``); ``key`` is the setting that
    names it, for the error when the module or the name is missing."""
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} is not a dotted path: write 'package.module.ClassName'.",
            key=key,
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} cannot be imported ({exc}). Check the spelling, or install "
            "the package that provides it.",
            key=key,
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r}: module {module_name!r} has no attribute {attr!r}.",
            key=key,
        ) from None
