"""Matching ``ignore_patterns`` against served paths."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from fnmatch import translate


class IgnoreMatcher:
    """Decides whether a served path is hidden by the ignore patterns.

    A pattern without ``/`` is matched against every component of the path (so ``.*``
    hides ``.git/config`` and ``css/.hidden.css``); one with ``/`` against the whole path.
    Matching is case-sensitive, like the file systems we serve from: ``fnmatchcase``'s
    rules, with each group of patterns compiled into one expression, as this runs for
    every file collectstatic walks and every path the watcher sees.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._component = _one_expression(p for p in self.patterns if "/" not in p)
        self._whole = _one_expression(p for p in self.patterns if "/" in p)

    def __call__(self, path: str) -> bool:
        component = self._component
        if component is not None:
            for part in path.split("/"):
                if component(part) is not None:
                    return True
        return self._whole is not None and self._whole(path) is not None


#: ``re.Pattern.match`` of one compiled expression.
_Match = Callable[[str], re.Match[str] | None]


def _one_expression(patterns: Iterable[str]) -> _Match | None:
    """The ``match`` of one expression matching what any of ``patterns`` matches (as
    ``fnmatchcase``: ``translate`` anchors each at both ends); ``None`` for none."""
    translated = [translate(pattern) for pattern in patterns]
    if not translated:
        return None
    return re.compile("|".join(f"(?:{t})" for t in translated)).match
