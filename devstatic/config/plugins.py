"""Loading plugins (finders, storages) by dotted path, with errors that name the key."""

from __future__ import annotations

import importlib
from typing import Any

from devstatic.exceptions import ImproperlyConfigured


def import_class(dotted: str, *, key: str, base: type[Any]) -> type[Any]:
    """The class at ``dotted`` (``package.module.Class``), checked to subclass ``base``."""
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} is not a dotted path: write 'package.module.ClassName'."
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} cannot be imported ({exc}). Check the spelling, or install "
            "the package that provides it."
        ) from exc
    try:
        cls = getattr(module, attr)
    except AttributeError:
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r}: module {module_name!r} has no attribute {attr!r}."
        ) from None
    if not isinstance(cls, type) or not issubclass(cls, base):
        raise ImproperlyConfigured(
            f"{key} entry {dotted!r} is not a subclass of {base.__module__}.{base.__qualname__}."
        )
    return cls
