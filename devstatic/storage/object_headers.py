"""The HTTP headers a collected file is published with (S3 objects, the nginx block).

Pure: names in, header values out. A CDN or a browser may keep a hashed name forever,
since its content can never change under that name; every other name must be
revalidated, or a deploy is invisible until caches expire. The same pattern drives the
S3 ``Cache-Control`` metadata and the nested ``location ~`` of ``devstatic nginx``, so
the two ways to production cache the same files the same way.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Final

from devstatic.http.encoding import CODING_OF_SUFFIX
from devstatic.http.mediatypes import content_type_for

__all__ = [
    "CODINGS",
    "HASHED_NAME_PATTERN",
    "IMMUTABLE",
    "NO_CACHE",
    "ObjectHeaders",
    "cache_control_for",
    "is_hashed",
    "object_headers",
    "sibling_original",
    "unhashed",
]

HASHED_NAME_PATTERN: Final = r"\.[0-9a-f]{12}(\.[^/]*)?$"
"""A 12-hex content hash as its own dot-separated part of the last path segment.

Matches Django's hashed names (``app.0123456789ab.js``, ``LICENSE.0123456789ab``)
and their compressed siblings (``app.0123456789ab.js.gz``); 11 or 13 hex digits do
not match. Written for both Python's ``re`` and nginx's PCRE.
"""

_HASHED: Final = re.compile(HASHED_NAME_PATTERN)
_HASH_PART: Final = re.compile(r"\.[0-9a-f]{12}(?=\.[^/]*$|$)")

IMMUTABLE: Final = "public, max-age=31536000, immutable"
"""One year, and ``immutable`` so browsers do not revalidate on reload (RFC 8246)."""

NO_CACHE: Final = "no-cache"
"""Stored, but revalidated before each use (RFC 9111 §5.2.2.4)."""

CODINGS: Final = CODING_OF_SUFFIX
"""Sibling suffix to ``Content-Encoding`` (``devstatic.http.encoding.PRECOMPRESSED``)."""


@dataclass(frozen=True, slots=True)
class ObjectHeaders:
    """The headers one stored object is served with."""

    content_type: str
    cache_control: str
    content_encoding: str | None = None


def is_hashed(name: str) -> bool:
    """Whether the last segment of ``name`` carries a 12-hex content hash."""
    return _HASHED.search(name.rsplit("/", 1)[-1]) is not None


def cache_control_for(name: str, pre_hashed: re.Pattern[str] | None = None) -> str:
    """``IMMUTABLE`` for hashed names and their siblings, ``NO_CACHE`` for the rest.

    ``pre_hashed`` is the manifest storage's ``pre-hashed`` pattern: a bundler's
    ``app-3f2a9c1b.js`` is content-addressed too, copied under its own name, so it and
    its ``.gz``/``.br`` are cached as long as our own hashed names.
    """
    if is_hashed(name):
        return IMMUTABLE
    if pre_hashed is not None:
        for candidate in (name, sibling_original(name)):
            if candidate is not None and pre_hashed.search(posixpath.basename(candidate)):
                return IMMUTABLE
    return NO_CACHE


def sibling_original(name: str) -> str | None:
    """``css/a.css`` for ``css/a.css.gz`` or ``.br``; ``None`` for any other name.

    Only a candidate: whether ``name`` really is a precompressed sibling depends on
    whether the original is collected too (``archive.tar.gz`` alone is an archive).
    """
    original, suffix = posixpath.splitext(name)
    if suffix not in CODINGS or not posixpath.basename(original):
        return None
    return original


def unhashed(name: str) -> str:
    """``css/a.css`` for ``css/a.0123456789ab.css``; other names unchanged."""
    head, _, base = name.rpartition("/")
    stripped = _HASH_PART.sub("", base, count=1)
    return f"{head}/{stripped}" if head else stripped


def object_headers(
    name: str, *, is_sibling: bool, pre_hashed: re.Pattern[str] | None = None
) -> ObjectHeaders:
    """The headers for ``name``; ``is_sibling`` says it is a ``.gz``/``.br`` of a
    collected file, so it is served as that file's type with a ``Content-Encoding``;
    ``pre_hashed`` as for :func:`cache_control_for`."""
    original = sibling_original(name) if is_sibling else None
    if original is None:
        return ObjectHeaders(content_type_for(name), cache_control_for(name, pre_hashed))
    return ObjectHeaders(
        content_type_for(original),
        cache_control_for(name, pre_hashed),
        CODINGS[name[len(original) :]],
    )
