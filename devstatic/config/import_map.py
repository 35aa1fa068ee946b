"""``[tool.devstatic.importmap]``: checked when ``Settings`` is built, one line per problem.

The table holds ``imports`` (a bare specifier, or a URL prefix ending with ``/``, to a
static path), ``scopes`` (a URL prefix to a table like ``imports``) and ``preload``
(static paths of entry modules). A static path is what ``static()`` takes
(``vendor/lit.js``, a folder ``vendor/lodash/`` for a prefix); an ``http(s)://`` URL
is kept as it is (a module from a CDN).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["IMPORTMAP_KEYS", "check_importmap", "is_url"]

IMPORTMAP_KEYS = ("imports", "scopes", "preload")


def is_url(value: str) -> bool:
    """An absolute ``http(s)`` URL, used as written instead of a static path."""
    return value.startswith(("http://", "https://"))


def check_importmap(value: Any, problems: list[str]) -> dict[str, Any]:
    """``value`` normalised (tables as dicts, ``preload`` as a tuple), problems appended."""
    if not isinstance(value, Mapping):
        problems.append(
            "importmap must be a table ([tool.devstatic.importmap]) with imports, scopes "
            f"and preload, not {value!r}."
        )
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "imports":
            out[key] = _check_imports("importmap.imports", item, problems)
        elif key == "scopes":
            out[key] = _check_scopes(item, problems)
        elif key == "preload":
            out[key] = _check_preload(item, problems)
        else:
            close = difflib.get_close_matches(str(key), IMPORTMAP_KEYS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"importmap key {key!r} is unknown.{hint} Known keys: {', '.join(IMPORTMAP_KEYS)}."
            )
    return out


def _check_imports(where: str, value: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        problems.append(
            f'{where} must be a table of specifier = "static path", '
            f'e.g. lit = "vendor/lit.js", not {value!r}.'
        )
        return {}
    out: dict[str, str] = {}
    for specifier, path in value.items():
        if not isinstance(specifier, str) or not specifier:
            problems.append(f"{where} has an empty specifier: name the module, e.g. lit.")
            continue
        if not isinstance(path, str) or not path.strip("/"):
            problems.append(
                f"{where} entry {specifier!r} must be a static path string such as "
                f'"vendor/lit.js", not {path!r}.'
            )
            continue
        if path.startswith("/"):
            problems.append(
                f"{where} entry {specifier!r} = {path!r} must be relative to static_url: "
                f"write {path.lstrip('/')!r}."
            )
            continue
        if not is_url(path) and not _is_plain(path):
            problems.append(
                f"{where} entry {specifier!r} = {path!r} must be a plain relative path "
                "(no '.', '..' or empty segments, no backslash)."
            )
            continue
        if specifier.endswith("/") and not path.endswith("/"):
            problems.append(
                f"{where} entry {specifier!r} ends with '/', so its path must too "
                f"(a folder): write {path + '/'!r}."
            )
            continue
        out[specifier] = path
    return out


def _check_scopes(value: Any, problems: list[str]) -> dict[str, dict[str, str]]:
    if not isinstance(value, Mapping):
        problems.append(
            'importmap.scopes must be a table of URL prefix = { specifier = "static path" }, '
            f"not {value!r}."
        )
        return {}
    out: dict[str, dict[str, str]] = {}
    for prefix, imports in value.items():
        if not isinstance(prefix, str) or not prefix:
            problems.append(
                'importmap.scopes has an empty URL prefix: write e.g. "/static/legacy/".'
            )
            continue
        out[prefix] = _check_imports(f"importmap.scopes.{prefix!r}", imports, problems)
    return out


def _check_preload(value: Any, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.append(
            f'importmap.preload must be a list of static paths, e.g. ["js/app.js"], not {value!r}.'
        )
        return ()
    out: list[str] = []
    for path in value:
        if not isinstance(path, str) or not path.strip("/"):
            problems.append(
                f'importmap.preload entry {path!r} must be a static path such as "js/app.js".'
            )
        elif path.endswith("/"):
            problems.append(
                f"importmap.preload entry {path!r} is a folder: list entry modules such as "
                '"js/app.js".'
            )
        elif path.startswith("/"):
            problems.append(
                f"importmap.preload entry {path!r} must be relative to static_url: "
                f"write {path.lstrip('/')!r}."
            )
        elif not _is_plain(path):
            problems.append(
                f"importmap.preload entry {path!r} must be a plain relative path "
                "(no '.', '..' or empty segments, no backslash)."
            )
        else:
            out.append(path)
    return tuple(out)


def _is_plain(path: str) -> bool:
    """No ``.``/``..``/empty segment and no backslash: a path ``static()`` names as is."""
    parts = path.removesuffix("/").split("/")
    return "\\" not in path and all(part not in ("", ".", "..") for part in parts)
