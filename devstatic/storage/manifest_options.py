"""The manifest storage's options, checked once, for collectstatic and for ``static()``.

``storage-options`` keys reach ``ManifestFilesMixin`` as keyword arguments; the ones
that change names or bytes are parsed here, apart from any storage, so that code
computing the same names outside collectstatic (hashed names in development, the
import map, ``integrity()``) reads them the same way. Every error is one line that
names the key and what to write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devstatic.exceptions import ImproperlyConfigured
from devstatic.manifest.integrity import ALGORITHMS
from devstatic.manifest.process import PROPSHAFT_PRE_HASHED

__all__ = [
    "ManifestOptions",
    "integrity_algorithm",
    "js_imports_mode",
    "pre_hashed_pattern",
]

#: ``js-imports = "importmap"``: imports stay as written, the import map maps names.
IMPORTMAP = "importmap"


@dataclass(frozen=True, slots=True)
class ManifestOptions:
    """What ``post_process_contents`` and the manifest need from ``storage-options``.

    ``rewrite_js_imports`` is what to pass as ``js_imports`` (false for both
    ``js-imports = false`` and ``"importmap"``); ``import_map_modules`` says the import
    map must map every module's plain URL to its hashed URL; ``integrity`` is the
    algorithm recorded in the manifest, or ``None``; ``pre_hashed`` the compiled
    ``pre-hashed`` pattern, or ``None`` when turned off.
    """

    strict: bool = True
    rewrite_js_imports: bool = True
    import_map_modules: bool = False
    integrity: str | None = None
    pre_hashed: re.Pattern[str] | None = re.compile(PROPSHAFT_PRE_HASHED)

    @classmethod
    def pop_from(cls, options: dict[str, Any]) -> ManifestOptions:
        """Take the manifest's keys out of ``options`` (the rest go to the storage)."""
        strict = _bool_option(options.pop("manifest_strict", True), "manifest-strict")
        mode = js_imports_mode(options.pop("js_imports", True))
        return cls(
            strict=strict,
            rewrite_js_imports=mode is True,
            import_map_modules=mode == IMPORTMAP,
            integrity=integrity_algorithm(options.pop("integrity", None)),
            pre_hashed=pre_hashed_pattern(options.pop("pre_hashed", PROPSHAFT_PRE_HASHED)),
        )

    @classmethod
    def of(cls, storage_options: Mapping[str, Any]) -> ManifestOptions:
        """The options of a settings' ``storage_options``, leaving it untouched."""
        return cls.pop_from(dict(storage_options))


def _bool_option(value: Any, key: str) -> bool:
    """A true/false storage option; ``"false"`` (a string) would be truthy, so refuse it."""
    if not isinstance(value, bool):
        raise ImproperlyConfigured(
            f"storage-options {key} must be true or false (without quotes), not {value!r}.",
            key="storage_options." + key.replace("-", "_"),
        )
    return value


def js_imports_mode(value: Any) -> bool | str:
    """``js-imports``: true (rewrite, Django's aggregation support), false (Django's
    default: CSS only) or ``"importmap"`` (left as written, mapped by the import map)."""
    if isinstance(value, bool) or value == IMPORTMAP:
        return value  # type: ignore[no-any-return]
    raise ImproperlyConfigured(
        f'storage-options js-imports must be true, false or "importmap", not {value!r}.',
        key="storage_options.js_imports",
    )


def integrity_algorithm(value: Any) -> str | None:
    """``integrity``: one of ``sha256``, ``sha384``, ``sha512``, or unset (``None``)."""
    if value is None or value in ALGORITHMS:
        return value  # type: ignore[no-any-return]
    raise ImproperlyConfigured(
        f'storage-options integrity must be one of "sha256", "sha384", "sha512" '
        f"(browsers accept no other), not {value!r}.",
        key="storage_options.integrity",
    )


def pre_hashed_pattern(value: Any) -> re.Pattern[str] | None:
    """``pre-hashed``: a regular expression searched in each file name, or false."""
    if value is False:
        return None
    if not isinstance(value, str) or not value:
        raise ImproperlyConfigured(
            "storage-options pre-hashed must be a regular expression (a string) searched "
            f"in file names, e.g. {PROPSHAFT_PRE_HASHED!r}, or false, not {value!r}.",
            key="storage_options.pre_hashed",
        )
    try:
        return re.compile(value)
    except re.error as exc:
        raise ImproperlyConfigured(
            f"storage-options pre-hashed {value!r} is not a valid regular expression ({exc}).",
            key="storage_options.pre_hashed",
        ) from None
