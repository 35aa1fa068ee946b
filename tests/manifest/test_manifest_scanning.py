"""The fast scanning equals Django's slow one on any text.

``_sub`` tries each rule only where its literal prefix occurs, and
``_IgnoredBlocks`` finds comments and strings lazily. Both replace what Django
does (``pattern.sub`` and a full list of blocks), so they are checked against
it on random texts built from the pieces that matter.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from devstatic.manifest.rewrite import (
    CSS_IGNORED,
    CSS_RULES,
    JS_IGNORED,
    JS_IMPORT_RULES,
    JS_SOURCE_MAP_RULES,
    _fold,
    _IgnoredBlocks,
    _sub,
)

RULES = CSS_RULES + JS_SOURCE_MAP_RULES + JS_IMPORT_RULES

PIECES = [
    # whole references, so that matches are common
    'import x from "./a.js"',
    "Import {a} from '../b.js';",
    '\u0131mport y from "./c.js"',
    'export * from "./a.js"',
    "EXPORT {b} from './b.js'",
    'import("./c.js")',
    "import './d.js'",
    "url(x.png)",
    "Url('x.png')",
    '@import "a.css"',
    "/*# sourceMappingURL=a.css.map */",
    "//# sourceMappingURL=a.js.map",
    # and pieces that break, nest or hide them
    "url(",
    "URL(",
    "uRl(",
    "@import",
    "@IMPORT ",
    "import",
    "IMPORT",
    "\u0131mport",  # dotless i: IGNORECASE matches it, str.lower() does not
    "\u0130mport",  # dotted capital I: lowercases to two characters
    "export",
    "Export * ",
    "from",
    " from ",
    "/*# sourceMappingURL=",
    "//# sourceMappingURL=",
    "*/",
    "/*",
    "//",
    "\\",
    "'",
    '"',
    "`",
    "(",
    ")",
    ";",
    "{",
    "}",
    " ",
    "\n",
    "\r\n",
    "\t",
    "./a.js",
    "../b.css",
    "x.png",
    "#frag",
    "?v=1",
    "data:",
    "é",
    "ß",
]

texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def mark(match: re.Match[str]) -> str:
    return f"<{match.start()}:{match['url']}>"


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_prefix_scan_finds_what_sub_finds(text: str) -> None:
    folded = _fold(text)
    for rule in RULES:
        assert _sub(rule, text, folded, mark) == rule.pattern.sub(mark, text)


def test_dotless_i_falls_back_to_the_full_scan() -> None:
    text = '\u0131mport x from "./a.js"'
    assert _fold(text) is None
    rule = JS_IMPORT_RULES[0]
    assert _sub(rule, text, _fold(text), mark) == "<0:./a.js>"


def django_is_in_ignored_block(pos: int, blocks: list[tuple[int, int]]) -> bool:
    """Django 6.1's ``is_in_ignored_block``, verbatim in behaviour."""
    for start, end in blocks:
        if start < pos < end:
            return True
        if pos < start:
            return False
    return False


@settings(max_examples=400, deadline=None)
@given(text=texts, data=st.data())
def test_lazy_blocks_answer_as_djangos_list(text: str, data: st.DataObject) -> None:
    for pattern in (CSS_IGNORED, JS_IGNORED):
        blocks = [(m.start(), m.end()) for m in pattern.finditer(text)]
        positions = sorted(
            data.draw(st.lists(st.integers(0, len(text)), max_size=8), label="positions")
        )
        lazy = _IgnoredBlocks(pattern, text)
        for pos in positions:
            assert lazy.contains(pos) == django_is_in_ignored_block(pos, blocks)
