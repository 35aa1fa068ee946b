"""The nginx ``location`` block that serves ``collectstatic``'s output (``devstatic nginx``).

Pure: settings in, text out. The block must make nginx answer as the development
middleware does, so that what worked in development works in production:

- a complete ``types`` block from our own table: a ``types`` block *replaces* the map
  inherited from ``mime.types`` instead of adding to it, and nginx 1.22's own map sends
  ``.mjs`` as ``application/octet-stream``, which browsers refuse to run as a module;
- ``charset utf-8`` with ``charset_types`` listing exactly the types our table gives a
  charset, so ``Content-Type`` matches the middleware's (``text/css; charset=utf-8``);
- ``gzip_static`` to send the ``.gz`` siblings ``compress`` wrote (Brotli needs the
  third-party ngx_brotli module, which stock nginx lacks: ``--brotli`` adds it);
- a year of ``public, immutable`` caching for content-hashed names (the same pattern as
  the S3 storage's ``Cache-Control``), and for pre-hashed names (the manifest storage's
  ``pre-hashed`` pattern, a bundler's ``app-3f2a9c1b.js``), and ``no-cache`` for the
  rest, which can change under the same name at the next deploy.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured
from devstatic.http.mediatypes import CHARSET_TYPES, DEFAULT_TYPE, MEDIA_TYPES
from devstatic.storage.manifest import pre_hashed_pattern_of
from devstatic.storage.object_headers import HASHED_NAME_PATTERN, IMMUTABLE, NO_CACHE

__all__ = ["charset_types", "location_block", "nginx_block", "types_block"]

#: Characters nginx would read as a variable or cannot carry in a quoted string.
_UNSAFE = frozenset("$\n\r\0")
#: Characters that end or split an unquoted nginx argument.
_NEEDS_QUOTES = frozenset(" \t;{}\"'\\#")


def _quote(value: str, what: str, *, key: str) -> str:
    """``value`` as one nginx argument, double-quoted when spaces, ``;`` or ``{`` need it;
    ``what`` names it in an error, whose ``key`` is the setting it comes from."""
    bad = sorted(set(value) & _UNSAFE)
    if bad:
        raise ImproperlyConfigured(
            f"the {what} {value!r} contains {', '.join(map(repr, bad))}, which nginx cannot "
            "take literally; pick a path without it.",
            key=key,
        )
    if not set(value) & _NEEDS_QUOTES:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quote_regex(pattern: str, what: str, *, key: str) -> str:
    """``pattern`` as a double-quoted ``location ~`` argument (``{8,}`` needs the quotes).

    Inside quotes nginx turns ``\\\\`` into ``\\`` (and ``\\t``, ``\\n``... into the
    characters a regex reads the same): so ``\\\\`` is doubled, and a quote or a line
    break, which cannot be carried, is refused.
    """
    bad = sorted(set(pattern) & frozenset('"\n\r\0'))
    if bad:
        raise ImproperlyConfigured(
            f"the {what} {pattern!r} contains {', '.join(map(repr, bad))}, which an nginx "
            "location cannot carry; write the regular expression without it.",
            key=key,
        )
    return '"' + re.sub(r"\\\\", r"\\\\\\\\", pattern) + '"'


def types_block(media_types: Mapping[str, str] = MEDIA_TYPES, indent: str = "    ") -> str:
    """``types { text/css css; ... }`` with every extension of ``media_types``."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for extension, media_type in media_types.items():
        by_type[media_type].append(extension.lstrip("."))
    lines = [f"{indent}types {{"]
    for media_type in sorted(by_type):
        lines.append(f"{indent}    {media_type} {' '.join(sorted(by_type[media_type]))};")
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def charset_types(media_types: Mapping[str, str] = MEDIA_TYPES) -> list[str]:
    """The types our table sends with ``; charset=utf-8``: ``text/*`` and ``CHARSET_TYPES``."""
    found = {t for t in media_types.values() if t.startswith("text/") or t in CHARSET_TYPES}
    # text/html is always in nginx's list; naming it again only warns "duplicate MIME type".
    return sorted(found - {"text/html"})


def location_block(
    static_path: str,
    root: str | os.PathLike[str],
    *,
    brotli: bool = False,
    pre_hashed: str | None = None,
) -> str:
    """The ``location`` block serving the folder ``root`` at the URL path ``static_path``.

    Both end in ``/`` inside the block: ``location /static/`` with ``alias /srv/x/``
    keeps ``/static/../`` from reaching the folder's parent (the "off-by-slash" alias
    hole). ``pre_hashed`` is a regular expression found in the file names of pre-hashed
    files; nginx searches it in the URI, so ``[^/]*$`` after it keeps the match in the
    last segment, as Python searches the file name.
    """
    location = unquote(static_path)
    if not location.startswith("/"):
        location = "/" + location
    if not location.endswith("/"):
        location += "/"
    folder = os.path.abspath(os.fspath(root)).rstrip("/") + "/"
    precompressed = ["gzip_static on;", "gzip_vary on;"]
    if brotli:
        precompressed.append("brotli_static on;  # needs the ngx_brotli module")
    else:
        precompressed.append(
            "# brotli_static on;  # with the ngx_brotli module (not in stock nginx)"
        )
    body = [
        f"alias {_quote(folder, 'static_root', key='static_root')};",
        *precompressed,
        f"default_type {DEFAULT_TYPE};",
        "# Our own table: a types block replaces nginx's mime.types map here.",
        types_block(indent="").replace("\n", "\n    "),
        "charset utf-8;",
        "charset_types",
        *(f"    {name}" for name in charset_types()[:-1]),
        f"    {charset_types()[-1]};",
        "# Unhashed names may change at the next deploy: revalidate them.",
        f'add_header Cache-Control "{NO_CACHE}";',
        "add_header X-Content-Type-Options nosniff;",
        "",
        "# Content-hashed names (app.0123456789ab.js) never change: cache them for a year.",
        f'location ~ "{HASHED_NAME_PATTERN}" {{',
        f'    add_header Cache-Control "{IMMUTABLE}";',
        "    # add_header in a nested location drops the outer ones: repeat it.",
        "    add_header X-Content-Type-Options nosniff;",
        "}",
    ]
    if pre_hashed is not None:
        quoted = _quote_regex(
            pre_hashed + "[^/]*$", "pre-hashed pattern", key="storage_options.pre_hashed"
        )
        body += [
            "",
            "# Pre-hashed names (a bundler's hash, storage option pre-hashed) never change either.",
            f"location ~ {quoted} {{",
            f'    add_header Cache-Control "{IMMUTABLE}";',
            "    add_header X-Content-Type-Options nosniff;",
            "}",
        ]
    lines = [
        "# Static files collected by `devstatic collectstatic`.",
        "# Generated by `devstatic nginx`: include it inside a server { } block.",
        # ^~: a server's own regex locations (``location ~* \.css$``) must not take
        # static paths away from this block, its alias, types and caching.
        f"location ^~ {_quote(location, 'static_url path', key='static_url')} {{",
        *(f"    {line}" if line else "" for line in body),
        "}",
    ]
    return "\n".join(lines) + "\n"


def nginx_block(settings: Settings, *, brotli: bool = False) -> str:
    """The block for ``settings``; ``ImproperlyConfigured`` without a ``static_root``.

    With a manifest storage, its ``pre-hashed`` pattern gets the immutable caching too.
    """
    if settings.static_root is None:
        raise ImproperlyConfigured(
            "static_root is not configured, so there is no folder for nginx to serve: set "
            'static-root = "staticfiles" in [tool.devstatic], run devstatic collectstatic, '
            "then devstatic nginx.",
            key="static_root",
        )
    pattern = pre_hashed_pattern_of(settings)
    return location_block(
        settings.static_path,
        Path(settings.static_root),
        brotli=brotli,
        pre_hashed=None if pattern is None else pattern.pattern,
    )
