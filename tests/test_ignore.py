"""``IgnoreMatcher``: fnmatchcase's rules per component or on the whole path, compiled
into one expression per group; checked against the rule written out plainly."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.ignore import IgnoreMatcher

DEFAULTS = ["CVS", ".*", "*~"]


def reference(path: str, patterns: list[str]) -> bool:
    """The rule as the docstring states it, one ``fnmatchcase`` at a time."""
    for pattern in patterns:
        if "/" in pattern:
            if fnmatchcase(path, pattern):
                return True
        elif any(fnmatchcase(part, pattern) for part in path.split("/")):
            return True
    return False


@pytest.mark.parametrize(
    ("path", "patterns", "ignored"),
    [
        ("css/site.css", DEFAULTS, False),
        (".git/config", DEFAULTS, True),
        ("css/.hidden.css", DEFAULTS, True),
        ("css/site.css~", DEFAULTS, True),
        ("CVS/Entries", DEFAULTS, True),
        ("cvs/entries", DEFAULTS, False),  # case-sensitive
        ("admin/js/x.js", ["admin/*"], True),
        ("other/admin/js/x.js", ["admin/*"], False),  # a pattern with / sees the whole path
        ("a.css", [], False),
        ("a|b.css", ["a|b.css"], True),  # no pattern's text leaks into the expression
        ("b.css", ["a|b.css"], False),
        ("a.css", ["[!a].css"], False),
        ("x.css", ["[!a].css"], True),
    ],
)
def test_ignore_matcher(path: str, patterns: list[str], ignored: bool) -> None:
    assert IgnoreMatcher(patterns)(path) is ignored


name = st.text(alphabet="ab.*?[]!~-|()/\\", min_size=0, max_size=6)


@given(
    path=st.lists(st.text(alphabet="ab.~-|()C", min_size=1, max_size=5), min_size=1, max_size=3),
    patterns=st.lists(name, max_size=4),
)
def test_ignore_matcher_agrees_with_fnmatchcase_one_pattern_at_a_time(
    path: list[str], patterns: list[str]
) -> None:
    joined = "/".join(path)
    assert IgnoreMatcher(patterns)(joined) is reference(joined, patterns)
