"""The specifiers ``modulepreload`` follows, found by the manifest's own JS rules, and the
``importmap`` setting's checks, on any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstatic import Settings
from devstatic.exceptions import ImproperlyConfigured
from devstatic.manifest.rewrite import JS_IMPORT_RULES, static_import_specifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('import { a } from "./a.js";', ["./a.js"]),
        ("import * as ns from '../b.js'", ["../b.js"]),
        ('import "./side.js"', ["./side.js"]),
        ('export * from "./re.js"', ["./re.js"]),
        ('export { x } from "lit/x.js"', ["lit/x.js"]),
        ('import { html } from "lit"', ["lit"]),
        ('import x from "/static/abs.js"', ["/static/abs.js"]),
        ('import("./dynamic.js")', []),  # dynamic: not preloaded
        ('// import a from "./commented.js"', []),
        ('/* import "./block.js" */', []),
        ("const s = \"import a from './in-a-string.js'\";", []),
        ('import a from "./a.js";\nimport b from "./a.js";', ["./a.js"]),
        (
            'import "./z.js";\nimport { y } from "./y.js";\nexport * from "./x.js";',
            ["./z.js", "./y.js", "./x.js"],
        ),  # source order, whatever rule found them
    ],
)
def test_static_import_specifiers(text: str, expected: list[str]) -> None:
    assert static_import_specifiers(text) == expected


def test_djangos_rules_still_rewrite_only_relative_and_absolute_specifiers() -> None:
    pattern = JS_IMPORT_RULES[0].pattern
    assert pattern.search('import { html } from "lit"') is None
    assert pattern.search('import { a } from "./a.js"') is not None


PIECES = [
    "import",
    "export",
    " * as ns ",
    "{ a }",
    " from ",
    '"',
    "'",
    "`",
    "./a.js",
    "lit",
    "(",
    ")",
    ";",
    "\n",
    "//",
    "/*",
    "*/",
    "\\",
    "\u0131",
    " ",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_specifiers_found_in_it(text: str) -> None:
    found = static_import_specifiers(text)
    assert len(found) == len(set(found))
    assert all(specifier and specifier in text for specifier in found)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(st.sampled_from(["imports", "scopes", "preload", "other"]), JSONISH) | JSONISH
)
@settings(max_examples=150, deadline=None)
def test_any_importmap_value_is_accepted_or_refused_with_one_line_per_problem(
    value: object,
) -> None:
    try:
        checked = Settings(importmap=value)
    except ImproperlyConfigured as exc:
        assert all(line.startswith("importmap") for line in str(exc).splitlines())
    else:
        assert set(checked.importmap) <= {"imports", "scopes", "preload"}
