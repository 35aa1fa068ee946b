"""Media types for served files, from our own table (RFC 9110 §8.3).

The OS registry (``mimetypes``, ``/etc/mime.types``, the Windows registry) differs from
machine to machine: ``.js`` served as ``text/plain`` breaks module scripts, and an
unknown ``.wasm`` breaks ``WebAssembly.instantiateStreaming``. One table here gives every
machine, and the generated nginx ``types`` block, the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "CHARSET_TYPES",
    "DEFAULT_TYPE",
    "MEDIA_TYPES",
    "content_type_for",
    "is_compressible",
]

DEFAULT_TYPE: Final = "application/octet-stream"
"""Sent for unknown extensions (RFC 9110 §8.3: the recipient may then sniff or save)."""

MEDIA_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Text and code.
        ".css": "text/css",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".cjs": "text/javascript",
        ".json": "application/json",
        ".map": "application/json",
        ".jsonld": "application/ld+json",
        ".webmanifest": "application/manifest+json",
        ".html": "text/html",
        ".htm": "text/html",
        ".xhtml": "application/xhtml+xml",
        ".txt": "text/plain",
        ".xml": "application/xml",
        ".rss": "application/rss+xml",
        ".atom": "application/atom+xml",
        ".csv": "text/csv",
        ".md": "text/markdown",
        ".vtt": "text/vtt",
        ".ics": "text/calendar",
        ".yaml": "application/yaml",
        ".yml": "application/yaml",
        # Images.
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".apng": "image/apng",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".jxl": "image/jxl",
        ".ico": "image/x-icon",
        ".bmp": "image/bmp",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
        # Fonts.
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".ttc": "font/collection",
        ".eot": "application/vnd.ms-fontobject",
        # Code for the browser's other engines.
        ".wasm": "application/wasm",
        # Video and audio.
        ".mp4": "video/mp4",
        ".m4v": "video/mp4",
        ".webm": "video/webm",
        ".ogv": "video/ogg",
        ".mov": "video/quicktime",
        ".mp3": "audio/mpeg",
        ".ogg": "audio/ogg",
        ".oga": "audio/ogg",
        ".opus": "audio/ogg",
        ".wav": "audio/wav",
        ".m4a": "audio/mp4",
        ".aac": "audio/aac",
        ".flac": "audio/flac",
        # Documents and archives.
        ".pdf": "application/pdf",
        ".epub": "application/epub+zip",
        ".zip": "application/zip",
        ".gz": "application/gzip",
        ".tar": "application/x-tar",
        ".bz2": "application/x-bzip2",
        ".xz": "application/x-xz",
        ".zst": "application/zstd",
        ".7z": "application/x-7z-compressed",
    }
)
"""Extension (lower case, leading dot) to bare media type, without parameters.

Bare, so that an nginx ``types`` block can be emitted from it as is; nginx adds the
charset itself from ``charset utf-8; charset_types ...`` (see ``CHARSET_TYPES``).
"""

CHARSET_TYPES: Final = frozenset(
    {
        "text/javascript",
        "application/json",
        "application/ld+json",
        "application/manifest+json",
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/yaml",
        "image/svg+xml",
    }
)
"""Non-``text/*`` types that are text too and get ``; charset=utf-8`` (RFC 9110 §8.3.2).

Every ``text/*`` type gets it as well: without it, browsers guess the charset of a
``text/css`` file from the page, and a UTF-8 ``content: "→"`` turns into mojibake.
"""

_COMPRESSIBLE: Final = frozenset(
    {
        "application/wasm",
        "application/vnd.ms-fontobject",
        "font/ttf",
        "font/otf",
        "font/collection",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "image/bmp",
    }
)


def _bare(content_type: str) -> str:
    """The media type without parameters, lower case (type and subtype are case-insensitive)."""
    return content_type.split(";", 1)[0].strip().lower()


def _wants_charset(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type in CHARSET_TYPES


def content_type_for(name: str) -> str:
    """The ``Content-Type`` for a file name or path (RFC 9110 §8.3).

    Looks only at the last extension of the last path segment, case-insensitively
    (``app.JS`` is JavaScript, ``a.tar.gz`` is gzip, ``.css`` alone is a dot-file, not
    CSS). Text types, JavaScript, JSON, XML and SVG carry ``; charset=utf-8``; an unknown
    extension gives ``application/octet-stream``.
    """
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if dot <= 0:
        return DEFAULT_TYPE
    media_type = MEDIA_TYPES.get(base[dot:].lower())
    if media_type is None:
        return DEFAULT_TYPE
    if _wants_charset(media_type):
        return f"{media_type}; charset=utf-8"
    return media_type


def is_compressible(content_type: str) -> bool:
    """Whether a gzip or brotli copy of this type is worth making (RFC 9110 §8.4.1).

    True for text, JavaScript, JSON, XML and SVG, manifests, wasm, the uncompressed font
    formats (TTF, OTF, EOT), icons and BMP (both mostly raw bitmaps). False for formats
    that are compressed already (PNG, JPEG, WebP, AVIF, video, audio, WOFF/WOFF2, zip,
    gzip ...) and for unknown types. Parameters such as ``charset`` are ignored.
    """
    media_type = _bare(content_type)
    return (
        _wants_charset(media_type)
        or media_type.endswith(("+json", "+xml"))
        or media_type in _COMPRESSIBLE
    )
