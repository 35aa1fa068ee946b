"""Matching ``ignore_patterns`` against served paths."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase


class IgnoreMatcher:
    """Decides whether a served path is hidden by the ignore patterns.

    A pattern without ``/`` is matched against every component of the path (so ``.*``
    hides ``.git/config`` and ``css/.hidden.css``); one with ``/`` against the whole path.
    Matching is case-sensitive, like the file systems we serve from.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._component = tuple(p for p in self.patterns if "/" not in p)
        self._whole = tuple(p for p in self.patterns if "/" in p)

    def __call__(self, path: str) -> bool:
        if not self.patterns:
            return False
        for part in path.split("/"):
            for pattern in self._component:
                if fnmatchcase(part, pattern):
                    return True
        return any(fnmatchcase(path, pattern) for pattern in self._whole)
