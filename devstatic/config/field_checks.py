"""The check of each ``Settings`` field: a function per kind of value, appending one line
per problem that names the key, the offending value and what to write.

``Settings`` runs them all before it raises, so that one look (``devstatic check``, an
error at start-up) shows every mistake, each under its field (``Findings``). Keys are
named as the user wrote them: ``static-url`` for a pyproject file (``spelling``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Settings fields named as the source of the values spelled them (``static-url`` for
#: ``[tool.devstatic]``); a field not listed is named as its keyword (``static_url``).
_spelled: ContextVar[Mapping[str, str] | None] = ContextVar("devstatic_spelled", default=None)


@contextmanager
def spelling(spelled: Mapping[str, str]) -> Iterator[None]:
    """Within this block, messages about field ``f`` name it ``spelled[f]``."""
    token = _spelled.set(spelled)
    try:
        yield
    finally:
        _spelled.reset(token)


def _key(name: str) -> str:
    """How the user wrote the key ``name`` (its TOML spelling when it came from the file)."""
    return (_spelled.get() or {}).get(name, name)


class Findings:
    """The problems of a ``Settings`` being built, each under the field it is about.

    A check appends plain lines to the list ``about(field)`` gives it, so it needs to
    know nothing of keys; ``problems`` are then ``(field, line)`` in the checks' order.
    """

    def __init__(self) -> None:
        self._lists: list[tuple[str, list[str]]] = []

    def about(self, field: str) -> list[str]:
        lines: list[str] = []
        self._lists.append((field, lines))
        return lines

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(field, line) for field, lines in self._lists for line in lines]


def check_static_url(value: Any, problems: list[str]) -> str:
    key = _key("static_url")
    if not isinstance(value, str) or not value:
        problems.append(f"{key} must be a non-empty string such as '/static/', not {value!r}.")
        return "/static/"
    parts = urlsplit(value)
    if parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc):
        problems.append(
            f"{key} {value!r} is not a path or an http(s) URL: write '/static/' or "
            "'https://cdn.example.com/static/'."
        )
    elif parts.query or parts.fragment:
        problems.append(f"{key} {value!r} must not have a query or fragment.")
    else:
        # One fix that is right as a whole: 'static' needs both slashes, '/static/'.
        starts = bool(parts.scheme) or value.startswith("/")
        ends = value.endswith("/")
        fixed = ("" if starts else "/") + value + ("" if ends else "/")
        if not starts and not ends:
            problems.append(f"{key} {value!r} must start and end with '/': write {fixed!r}.")
        elif not starts:
            problems.append(f"{key} {value!r} must start with '/': write {fixed!r}.")
        elif not ends:
            problems.append(f"{key} {value!r} must end with '/': write {fixed!r}.")
    return value


def check_dirs(value: Any, problems: list[str]) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, os.PathLike)) or not isinstance(value, Sequence):
        problems.append(f"dirs must be a list of folders, e.g. dirs = ['static'], not {value!r}.")
        return ()
    out: list[Any] = []
    for entry in value:
        if isinstance(entry, (str, os.PathLike)) and not isinstance(entry, bytes):
            out.append(Path(entry).absolute())
            continue
        if (
            isinstance(entry, Sequence)
            and not isinstance(entry, (str, bytes))
            and len(entry) == 2
            and isinstance(entry[0], str)
            and isinstance(entry[1], (str, os.PathLike))
        ):
            prefix = entry[0]
            if not prefix or prefix.startswith("/") or prefix.endswith("/") or "\\" in prefix:
                fixed = prefix.strip("/") or "vendor"
                problems.append(
                    f"dirs prefix {prefix!r} (for {str(entry[1])!r}) must be a relative path "
                    f"without a slash at either end: write [{fixed!r}, {str(entry[1])!r}]."
                )
            elif any(part in ("", ".", "..") for part in prefix.split("/")):
                problems.append(f"dirs prefix {prefix!r} must not contain '.', '..' or '//'.")
            out.append((prefix, Path(entry[1]).absolute()))
            continue
        problems.append(
            f"dirs entry {entry!r} is neither a folder path nor a [prefix, path] pair: "
            "write 'static' or ['vendor', 'node_modules/x/dist']."
        )
    return tuple(out)


def check_names(
    key: str, value: Any, problems: list[str], *, dotted: bool = False
) -> tuple[str, ...]:
    key = _key(key)
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.append(
            f"{key} must be a list of strings, e.g. {key} = [{value!r}], not {value!r}."
        )
        return ()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item:
            problems.append(f"{key} entry {item!r} must be a non-empty string.")
        elif dotted and not _is_dotted(item):
            problems.append(
                f"{key} entry {item!r} is not a dotted Python name such as 'myapp.blog'."
            )
        else:
            out.append(item)
    return tuple(out)


def check_dotted(key: str, value: Any, problems: list[str], *, example: str) -> str:
    """A class's dotted path (``example`` is the one the message shows, and stands in)."""
    key = _key(key)
    if not isinstance(value, str) or not _is_dotted(value) or "." not in value:
        problems.append(
            f"{key} must be the dotted path of a class, such as {example!r}, not {value!r}."
        )
        return example
    return value


def _is_dotted(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def check_static_root(value: Any, problems: list[str]) -> Path | None:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes) and str(value):
        return Path(value).absolute()
    key = _key("static_root")
    problems.append(f"{key} must be a folder path such as 'staticfiles', not {value!r}.")
    return None


def check_storage_options(value: Any, problems: list[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        problems.append(
            f"{_key('storage_options')} must be a table, e.g. [tool.devstatic.storage-options], "
            f"not {value!r}."
        )
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.replace("-", "_").isidentifier():
            problems.append(f"{_key('storage_options')} key {key!r} is not a valid option name.")
            continue
        out[key.replace("-", "_")] = item
    return out


def check_bool(key: str, value: Any, problems: list[str], *, optional: bool) -> Any:
    """A true/false field (``optional``: or ``None``, not set); ``"no"`` is refused, as
    it would be true."""
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        allowed = "true, false or leave it unset" if optional else "true or false"
        problems.append(f"{_key(key)} must be {allowed}, not {value!r}.")
    return value
