"""Precompressed siblings (``name.gz``, ``name.br``) for collected files.

Written once at collect time so that nginx's ``gzip_static`` and the middleware can
send them without compressing per request. A sibling is kept only when it is smaller.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable

from devstatic.exceptions import ImproperlyConfigured
from devstatic.http.encoding import SUFFIX_OF_OPTION
from devstatic.http.mediatypes import content_type_for, is_compressible

#: Files smaller than this gain nothing worth a second file (a TCP packet holds them).
MIN_SIZE = 256
#: The storage-option spelling of each coding, and its file suffix.
SUFFIXES = SUFFIX_OF_OPTION


def check_codings(codings: Iterable[str]) -> tuple[str, ...]:
    """Validate the ``compress`` storage option (``["br", "gz"]``)."""
    if isinstance(codings, str):
        codings = [codings]
    out: list[str] = []
    for coding in codings:
        if coding not in SUFFIXES:
            raise ImproperlyConfigured(
                f"storage-options compress entry {coding!r} is not known: write "
                'compress = ["br", "gz"] (or either one).',
                key="storage_options.compress",
            )
        if coding == "br":
            try:
                import brotli  # noqa: F401
            except ImportError as exc:
                raise ImproperlyConfigured(
                    'storage-options compress = ["br"] needs the brotli package: '
                    "pip install 'devstatic[brotli]', or drop \"br\".",
                    key="storage_options.compress",
                ) from exc
        out.append(coding)
    return tuple(dict.fromkeys(out))


def wants_compression(name: str, size: int) -> bool:
    """Whether ``name`` is worth compressing: a compressible type over ``MIN_SIZE``."""
    return size >= MIN_SIZE and is_compressible(content_type_for(name))


def compress_bytes(data: bytes, coding: str) -> bytes:
    """``data`` compressed with the strongest setting (gzip -9, Brotli quality 11).

    The gzip header's mtime is zero so the same input always gives the same bytes.
    """
    if coding == "gz":
        return gzip.compress(data, compresslevel=9, mtime=0)
    import brotli

    result: bytes = brotli.compress(data, quality=11)
    return result


def siblings(name: str, data: bytes, codings: Iterable[str]) -> dict[str, bytes]:
    """The sibling files for ``name`` (``{"css/a.css.gz": b"..."}``), smaller ones only."""
    if not wants_compression(name, len(data)):
        return {}
    out: dict[str, bytes] = {}
    for coding in codings:
        packed = compress_bytes(data, coding)
        if len(packed) < len(data):
            out[name + SUFFIXES[coding]] = packed
    return out
