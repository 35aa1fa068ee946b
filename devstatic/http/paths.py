"""Turning a request path into a safe relative file path, failing closed.

As ServeStatic does, we refuse any path that normalisation would change instead of
normalising it and hoping: a path is either already canonical or it is not found.
"""

from __future__ import annotations

import re

#: Longer paths are refused outright; no real static file has a 4 KiB name.
MAX_PATH_LENGTH = 4096

_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
# C0 controls, DEL and C1 controls never appear in a real file name we serve.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def decode_request_path(raw: bytes) -> str | None:
    """The relative path for ``raw`` (the percent-encoded part after the static prefix).

    ``None`` (answer 404) for: malformed or encoded-separator escapes (``%2f``, ``%5c``,
    ``%00``), invalid or overlong UTF-8, and everything ``safe_relative_path`` refuses.
    Double encoding stays literal (``%252e`` is a file named ``%2e``), never decoded twice.
    """
    if len(raw) > MAX_PATH_LENGTH * 3 or _BAD_PERCENT.search(raw):
        return None
    if b"%" in raw:
        lowered = raw.lower()
        if b"%2f" in lowered or b"%5c" in lowered:
            return None
        raw = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    return safe_relative_path(text)


def safe_relative_path(path: str) -> str | None:
    """``path`` if it is a canonical relative POSIX path to a file, else ``None``.

    Refused: empty, absolute (``/x``), a trailing ``/`` (a directory), empty, ``.`` or
    ``..`` segments, backslashes, NUL and other control characters, Windows drive
    letters, and anything longer than ``MAX_PATH_LENGTH``.
    """
    if not path or len(path) > MAX_PATH_LENGTH:
        return None
    if path.startswith("/") or path.endswith("/") or "\\" in path or _CONTROL.search(path):
        return None
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            return None
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        return None
    return path
