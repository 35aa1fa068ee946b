"""The specifiers ``modulepreload`` follows, found by the manifest's own JS rules."""

from __future__ import annotations

import pytest

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
