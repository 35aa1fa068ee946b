"""The reference rewriting rules, one row per behaviour.

The stored names here are ``name.h4sh.ext`` so rows stay readable; that real
hashes and Django agree is the job of test_manifest_differential.py.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import pytest

from devstatic.manifest import (
    MissingReferenceError,
    Reference,
    hashed_name,
    rewrite_references,
)
from devstatic.manifest.rewrite import FileNotCollected, decode_text, encode_text

COLLECTED = {
    "css/img/a.png",
    "css/img/a b.png",
    "css/img/sprite.svg",
    "css/fonts/f.eot",
    "css/fonts/f.woff",
    "css/other.css",
    "css/site.css.map",
    "img/b.png",
    "js/lib/m.js",
    "js/app.js.map",
    "vendor/v.js",
}


def stored_name(name: str) -> str:
    """Like the real resolver: a known file gets ``.h4sh``, folders keep their name."""
    name = posixpath.normpath(name)
    location = posixpath.normpath(urlsplit(unquote(name)).path.strip())
    if location in COLLECTED:
        return hashed_name(name, "h4sh")
    if any(known.startswith(location + "/") for known in COLLECTED):
        return name
    raise FileNotCollected(location)


def css(text: str, static_url: str = "/static/") -> str:
    return rewrite_references("css/site.css", text, stored_name, static_url=static_url)


def js(text: str, *, js_imports: bool = True) -> str:
    return rewrite_references("js/app.js", text, stored_name, js_imports=js_imports)


CSS_ROWS = [
    # quotes of every kind, and none
    ("url(img/a.png)", 'url("img/a.h4sh.png")'),
    ("url('img/a.png')", 'url("img/a.h4sh.png")'),
    ('url("img/a.png")', 'url("img/a.h4sh.png")'),
    ("URL(img/a.png)", 'url("img/a.h4sh.png")'),
    ("url( img/a.png )", 'url("img/a.h4sh.png")'),  # the spaces go
    # relative paths
    ("url(./img/a.png)", 'url("./img/a.h4sh.png")'),
    ("url(../img/b.png)", 'url("../img/b.h4sh.png")'),
    ("url(img/../img/a.png)", 'url("img/../img/a.h4sh.png")'),
    # fragments and queries stay after the hashed name
    ("url(img/sprite.svg#icon)", 'url("img/sprite.h4sh.svg#icon")'),
    ("url(fonts/f.eot?#iefix)", 'url("fonts/f.h4sh.eot?#iefix")'),
    ("url(fonts/f.woff?v=1)", 'url("fonts/f.h4sh.woff?v=1")'),
    ("url(fonts/f.woff?v=1#x)", 'url("fonts/f.h4sh.woff?v=1#x")'),
    # percent-encoded names are decoded in the output, as Django does
    ("url(img/a%20b.png)", 'url("img/a b.h4sh.png")'),
    # absolute URLs: under static_url resolved, else left alone
    ("url(/static/img/b.png)", 'url("/static/img/b.h4sh.png")'),
    ("url(/media/b.png)", "url(/media/b.png)"),
    ("url(http://example.com/a.png)", "url(http://example.com/a.png)"),
    ("url(https://example.com/a.png)", "url(https://example.com/a.png)"),
    ("url(//cdn.example.com/a.png)", "url(//cdn.example.com/a.png)"),
    ("url(data:image/png;base64,iVBORw0KGgo=)", "url(data:image/png;base64,iVBORw0KGgo=)"),
    (
        """url("data:image/svg+xml;utf8,<svg><use href='url(#a)'/></svg>")""",
        """url("data:image/svg+xml;utf8,<svg><use href='url(#a)'/></svg>")""",
    ),
    ("url(#filter)", "url(#filter)"),
    ("url(img/)", 'url("img/")'),  # a folder is not hashed
    # @import, both forms
    ('@import "other.css";', '@import url("other.h4sh.css");'),
    ("@import 'other.css' screen;", '@import url("other.h4sh.css") screen;'),
    ("@import url(other.css);", '@import url("other.h4sh.css");'),
    # comments and strings are not references (Django 6.1)
    ("/* url(img/missing.png) */", "/* url(img/missing.png) */"),
    ('/* @import "missing.css"; */', '/* @import "missing.css"; */'),
    ('a::after { content: "url(missing.png)"; }', 'a::after { content: "url(missing.png)"; }'),
    (
        "/* it's */ b { background: url(img/a.png) }",
        '/* it\'s */ b { background: url("img/a.h4sh.png") }',
    ),
    # source maps
    ("/*# sourceMappingURL=site.css.map */", "/*# sourceMappingURL=site.css.h4sh.map */"),
    (
        "p{}\n/*# sourceMappingURL=site.css.map */\n",
        "p{}\n/*# sourceMappingURL=site.css.h4sh.map */\n",
    ),
    ("/*# sourcemappingurl=missing.map */", "/*# sourcemappingurl=missing.map */"),
]


@pytest.mark.parametrize(("text", "expected"), CSS_ROWS)
def test_css_rule(text: str, expected: str) -> None:
    assert css(text) == expected


def test_css_absolute_static_url_leaves_site_absolute_urls_alone() -> None:
    cdn = "https://cdn.example.com/static/"
    text = "a{background:url(/static/img/b.png)} b{background:url(https://cdn.example.com/static/img/b.png)}"
    assert css(text, static_url=cdn) == text


def test_relative_static_url_is_rooted_as_django_roots_it() -> None:
    assert css("url(/static/img/b.png)", static_url="static/") == 'url("/static/img/b.h4sh.png")'


JS_ROWS = [
    ('import x from "./lib/m.js";', 'import x from "./lib/m.h4sh.js";'),
    ("import x from './lib/m.js'", 'import x from "./lib/m.h4sh.js"'),  # no ";" needed
    ('import {a, b} from "../vendor/v.js";', 'import {a, b} from "../vendor/v.h4sh.js";'),
    ('import * as ns from "./lib/m.js";', 'import * as ns from "./lib/m.h4sh.js";'),
    (
        'import {\n  a,\n  b,\n} from "./lib/m.js";',
        'import {\n  a,\n  b,\n} from "./lib/m.h4sh.js";',
    ),
    ('import x from "/static/js/lib/m.js";', 'import x from "/static/js/lib/m.h4sh.js";'),
    ('import x from "./lib/m.js?v=2";', 'import x from "./lib/m.h4sh.js?v=2";'),
    ("export * from './lib/m.js';", 'export * from "./lib/m.h4sh.js";'),
    ('export {a} from "./lib/m.js";', 'export {a} from "./lib/m.h4sh.js";'),
    ('import "./lib/m.js";', 'import"./lib/m.h4sh.js";'),  # Django drops the space
    ('import("./lib/m.js")', 'import("./lib/m.h4sh.js")'),
    ("import('./lib/m.js')", 'import("./lib/m.h4sh.js")'),
    # bare specifiers and URLs are for an import map or the network
    ('import x from "lib";', 'import x from "lib";'),
    ('import("lib")', 'import("lib")'),
    ('import x from "https://esm.sh/x.js";', 'import x from "https://esm.sh/x.js";'),
    # comments, strings and template literals are not imports (Django 6.1)
    ('// import x from "./missing.js";', '// import x from "./missing.js";'),
    ('/* import("./missing.js") */', '/* import("./missing.js") */'),
    ("""s = "import('./missing.js')";""", """s = "import('./missing.js')";"""),
    ('t = `import("./missing.js")`;', 't = `import("./missing.js")`;'),
    # source maps
    ("f();\n//# sourceMappingURL=app.js.map", "f();\n//# sourceMappingURL=app.js.h4sh.map"),
    ("f();\n//# sourceMappingURL=app.js.map\r\n", "f();\n//# sourceMappingURL=app.js.h4sh.map\n"),
]


@pytest.mark.parametrize(("text", "expected"), JS_ROWS)
def test_js_rule(text: str, expected: str) -> None:
    assert js(text) == expected


def test_js_imports_off_rewrites_source_maps_only() -> None:
    text = 'import x from "./lib/m.js";\n//# sourceMappingURL=app.js.map'
    assert js(text, js_imports=False) == (
        'import x from "./lib/m.js";\n//# sourceMappingURL=app.js.h4sh.map'
    )


def test_other_files_are_not_rewritten() -> None:
    text = "url(img/missing.png)"
    assert rewrite_references("page.html", text, stored_name) == text


def test_missing_reference_names_file_line_and_target() -> None:
    text = "a {}\nb {}\nc { background: url(img/missing.png) }\n"
    with pytest.raises(MissingReferenceError) as caught:
        css(text)
    assert caught.value.reference == Reference(
        "css/site.css", 3, "url(img/missing.png)", "css/img/missing.png"
    )
    message = str(caught.value)
    assert "'css/site.css', line 3" in message
    assert "'css/img/missing.png'" in message
    assert "manifest-strict = false" in message


def test_missing_reference_line_counts_lines_an_earlier_rule_joined() -> None:
    # The url() rule runs first and joins "url(\n img/a.png)" into one line;
    # the @import on line 5 of the file is still reported as line 5.
    text = 'a { background: url(\n img/a.png) }\nb {}\n\n@import "missing.css";\n'
    with pytest.raises(MissingReferenceError) as caught:
        css(text)
    assert caught.value.reference.line == 5


def test_missing_js_import_line_after_joined_import() -> None:
    text = 'import {a}\nfrom\n"./lib/m.js";\nimport("./missing.js");\n'
    with pytest.raises(MissingReferenceError) as caught:
        js(text)
    assert caught.value.reference.line == 4
    assert caught.value.reference.target == "js/missing.js"


def test_on_missing_leaves_reference_unchanged() -> None:
    seen: list[Reference] = []
    text = "a { background: url(img/missing.png) } b { background: url(img/a.png) }"
    result = rewrite_references("css/site.css", text, stored_name, on_missing=seen.append)
    assert (
        result == 'a { background: url(img/missing.png) } b { background: url("img/a.h4sh.png") }'
    )
    assert [reference.target for reference in seen] == ["css/img/missing.png"]


def test_non_utf8_bytes_round_trip() -> None:
    data = b"/* caf\xe9 \xff\xfe */ b { background: url(img/a.png) }"
    result = encode_text(css(decode_text(data)))
    assert result == b'/* caf\xe9 \xff\xfe */ b { background: url("img/a.h4sh.png") }'


@pytest.mark.parametrize("static_url", ["", "/static"])
def test_bad_static_url_is_refused(static_url: str) -> None:
    with pytest.raises(ValueError, match="static_url"):
        css("url(img/a.png)", static_url=static_url)
