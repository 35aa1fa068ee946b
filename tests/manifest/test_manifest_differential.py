"""Our post-processing against Django's own collectstatic, file for file.

Each test writes a tree, runs Django's ``collectstatic`` with
``ManifestStaticFilesStorage`` on it (in a subprocess, see conftest.py), runs
``post_process_contents`` on the same files in the order Django found them, and
checks that the manifest ``paths``, every byte left in STATIC_ROOT and the bytes
of ``staticfiles.json`` are the same.
"""

from __future__ import annotations

import json
import posixpath
import random
import re

import pytest
from manifest_django import DjangoReference, DjangoRun, RunDjango

from devstatic.manifest import (
    MaxPassesExceededError,
    MissingReferenceError,
    ProcessResult,
    manifest_json,
    post_process_contents,
)


def in_django_order(files: dict[str, bytes], django: DjangoRun) -> dict[str, bytes]:
    assert sorted(django.order) == sorted(files)
    return {name: files[name] for name in django.order}


def assert_same_as_django(files: dict[str, bytes], ours: ProcessResult, django: DjangoRun) -> None:
    assert django.error is None, django.error
    assert ours.hashed_files == django.paths
    # STATIC_ROOT holds the originals, as collected, plus the hashed copies.
    expected = {**files, **ours.contents}
    assert sorted(django.root_files) == sorted(expected)
    different = [name for name, data in expected.items() if django.root_files[name] != data]
    assert not different, [(name, django.root_files[name], expected[name]) for name in different]
    ours_json = manifest_json(ours.hashed_files, ours.manifest_hash)
    assert django.manifest is not None
    if django.version >= (6, 0, 0):
        assert ours_json == django.manifest
    else:  # Django 5.2 writes the paths in processing order, not sorted.
        assert json.loads(ours_json) == json.loads(django.manifest)


def compare(
    run_django: RunDjango,
    files: dict[str, bytes],
    *,
    js_imports: bool = True,
    static_url: str = "/static/",
) -> ProcessResult:
    django = run_django(files, js_imports=js_imports, static_url=static_url)
    ours = post_process_contents(
        in_django_order(files, django), js_imports=js_imports, static_url=static_url
    )
    assert_same_as_django(files, ours, django)
    return ours


PNG = bytes(range(256)) * 3  # not UTF-8, as real images are not


# Written to hit only what Django 5.2 and 6.1 treat alike, so that it runs with
# either as reference: no references inside comments or strings, JS imports
# ending in ";", dynamic imports of "./" paths, matching quotes.
COMMON_TREE: dict[str, bytes] = {
    "css/base.css": b"""\
body { background: url(../img/bg.png); }
@font-face {
  font-family: "Font";
  src: url("../fonts/f.eot?#iefix") format("embedded-opentype"),
       url('../fonts/f.woff2') format("woff2"),
       url(../fonts/f.svg#icon) format("svg");
}
""",
    "css/theme/dark.css": b"""\
@import "../base.css";
@import url(../components/button.css);
.abs { background: url(/static/img/icons/i.png); }
.data { background: url(data:image/png;base64,iVBORw0KGgo=); }
.http { background: url(https://example.com/a.png); }
.proto { background: url(//cdn.example.com/a.png); }
.outside { background: url(/media/a.png); }
.frag { filter: url(#blur); }
.query { background: url(../../img/bg.png?v=3); }
""",
    "css/components/button.css": b".b { background: url('../../img/icons/i.png'); }\n",
    "css/app.css": b"""\
@import 'theme/dark.css';
@import "components/button.css";
.logo { background: url("./../img/logo.svg#main"); }
/*# sourceMappingURL=app.css.map */
""",
    "css/app.css.map": b'{"version": 3, "sources": ["app.scss"]}',
    "img/bg.png": PNG,
    "img/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><g id="main"/></svg>',
    "img/icons/i.png": PNG[::-1],
    "fonts/f.eot": b"eot" * 100,
    "fonts/f.woff2": b"woff2" * 100,
    "fonts/f.svg": b'<svg><symbol id="icon"/></svg>',
    "js/app.js": b"""\
import {a} from "./lib/a.js";
import * as b from './lib/deep/b.js';
export * from "./lib/a.js";
import "./lib/side.js";
const m = import("./lib/deep/b.js");
//# sourceMappingURL=app.js.map
""",
    "js/lib/a.js": b'import {b} from "./deep/b.js";\nconsole.log(b);\n',
    "js/lib/deep/b.js": b"console.log(2);\n//# sourceMappingURL=b.js.map\n",
    "js/lib/deep/b.js.map": b"{}",
    "js/lib/side.js": b"console.log(1);\n",
    "js/app.js.map": b'{"version": 3}',
    "js/vendor/jquery.min.js": b"/*! jQuery */ (function(){})();\n",
    "dist/archive.tar.gz": b"\x1f\x8b" + PNG,
    "LICENSE": b"BSD\n",
}


@pytest.mark.parametrize("js_imports", [True, False], ids=["js-imports", "css-only"])
def test_common_tree_matches_django(run_django: RunDjango, js_imports: bool) -> None:
    ours = compare(run_django, COMMON_TREE, js_imports=js_imports)
    assert ours.hashed_files["LICENSE"].startswith("LICENSE.")
    assert ours.hashed_files["dist/archive.tar.gz"].startswith("dist/archive.tar.")


def test_absolute_static_url_matches_django(run_django: RunDjango) -> None:
    compare(run_django, COMMON_TREE, static_url="https://cdn.example.com/static/")


def generated_tree(seed: int, count: int) -> dict[str, bytes]:
    """A tree of ``count`` files that reference each other without cycles.

    CSS and JS files get a rank and refer only to lower ranks, so the longest
    chain has four links: within Django's five passes whatever the order.
    """
    rng = random.Random(seed)
    folders = ["", "a", "a/b", "a/b/c", "d", "d/e"]
    files: dict[str, bytes] = {}
    assets: list[str] = []
    styles: list[tuple[int, str]] = []
    scripts: list[tuple[int, str]] = []
    for number in range(count):
        folder = rng.choice(folders)
        kind = rng.random()
        prefix = f"{folder}/" if folder else ""
        if kind < 0.45:
            ext = rng.choice(["png", "woff2", "svg", "gif", "tar.gz"])
            name = f"{prefix}asset{number}.{ext}"
            files[name] = rng.randbytes(rng.randint(0, 3000))
            assets.append(name)
        elif kind < 0.75:
            styles.append((rng.randint(0, 3), f"{prefix}style{number}.css"))
        else:
            scripts.append((rng.randint(0, 3), f"{prefix}script{number}.js"))

    def relative(source: str, target: str) -> str:
        path = posixpath.relpath(target, posixpath.dirname(source) or ".")
        return path if path.startswith("../") else rng.choice(["", "./"]) + path

    for rank, name in styles:
        lines = []
        for target_rank, target in styles:
            if target_rank < rank and rng.random() < 0.15:
                lines.append(f'@import "{relative(name, target)}";')
        for asset in rng.sample(assets, min(len(assets), rng.randint(0, 4))):
            url = rng.choice([relative(name, asset), f"/static/{asset}"])
            url += rng.choice(["", "", "?v=1", "#frag", "?#iefix"])
            quote = rng.choice(["", "'", '"'])
            lines.append(f".x{len(lines)} {{ background: url({quote}{url}{quote}); }}")
        files[name] = "\n".join(lines).encode()
    for rank, name in scripts:
        lines = []
        for target_rank, target in scripts:
            if target_rank < rank and rng.random() < 0.15:
                specifier = relative(name, target)
                if not specifier.startswith("."):
                    specifier = "./" + specifier
                lines.append(f'import {{ v{len(lines)} }} from "{specifier}";')
        lines.append(f"console.log({rank});")
        files[name] = "\n".join(lines).encode()
    return files


@pytest.mark.parametrize("js_imports", [True, False], ids=["js-imports", "css-only"])
def test_generated_tree_matches_django(run_django: RunDjango, js_imports: bool) -> None:
    compare(run_django, generated_tree(seed=6, count=400), js_imports=js_imports)


# Everything below depends on what Django 6.0 and 6.1 changed: references in
# comments and strings are left alone, JS imports need no ";", url() quotes
# must match, and bare dynamic imports are not rewritten.
EDGE_TREE: dict[str, bytes] = {
    **COMMON_TREE,
    "css/edge.css": b"""\
/* url(missing-in-comment.png) and @import "missing.css"; */
.a { content: "url(missing-in-string.png)"; }
.b { background: url( ../img/bg.png ); }
.c { background: URL(../img/bg.png); }
.d { background: url("data:image/svg+xml;utf8,<svg><use href='url(#a)'/></svg>"); }
.e { background: url(../img/a%20b.png); }
.f { background: url(../img/); }
.g { background: url('../img/bg.png'), url("../img/bg.png"); }
.h\\:x { background: url(../img/bg.png?v=1#x); }
@import "theme/dark.css" screen;
.i { background-image: url(../fonts/f.svg#icon), url(../fonts/f.eot?#iefix); }
/* don't */ .j { background: url(/static/img/bg.png); }
""",
    "img/a b.png": PNG[:100],
    "css/crlf.css": (
        b"body { background: url(../img/bg.png); }\r\n/*# sourceMappingURL=crlf.css.map */\r\n"
    ),
    "js/crlf.js": b"console.log(1);\r\n//# sourceMappingURL=crlf.js.map\r\n",
    "js/crlf.js.map": b"{}",
    "js/edge.js": b"""\
// import x from "./missing-in-line-comment.js";
/* import("./missing-in-block-comment.js") */
const s = "import('./missing-in-string.js')";
const t = `import("./missing-in-template.js")`;
import a from "./lib/a.js"
import {
  b,
  c,
} from "./lib/deep/b.js"
export { d } from './lib/a.js'
import "./lib/side.js"
import   './lib/side.js' ;
const lazy = () => import('./lib/deep/b.js');
import x from "lib-bare";
const y = import("bare-dynamic");
import z from "./lib/a.js?v=2";
import w from "/static/js/lib/a.js";
//# sourceMappingURL=app.js.map
""",
}


@pytest.mark.parametrize("js_imports", [True, False], ids=["js-imports", "css-only"])
def test_django61_edge_cases_match(
    django61: DjangoReference, run_django: RunDjango, js_imports: bool
) -> None:
    ours = compare(run_django, EDGE_TREE, js_imports=js_imports)
    edge_css = ours.contents[ours.hashed_files["css/edge.css"]]
    assert b"url(missing-in-comment.png)" in edge_css
    assert b'url("../img/a b.' in edge_css  # Django decodes %20 in the output


def test_non_utf8_css_stops_django_but_not_us(run_django: RunDjango) -> None:
    files = {
        "css/latin1.css": b"/* caf\xe9 */ body { background: url(bg.png); }",
        "css/bg.png": PNG,
    }
    django = run_django(files)
    # Django 6.1 wraps the UnicodeDecodeError in a CommandError.
    assert django.error is not None
    assert "'utf-8' codec can't decode byte 0xe9" in django.error["message"]
    ours = post_process_contents(files)
    hashed_png = ours.hashed_files["css/bg.png"].rsplit("/", 1)[1]
    assert ours.contents[ours.hashed_files["css/latin1.css"]] == (
        b'/* caf\xe9 */ body { background: url("' + hashed_png.encode() + b'"); }'
    )


def test_missing_reference_fails_like_django(
    django61: DjangoReference, run_django: RunDjango
) -> None:
    files = {
        "css/a.css": b"body {\n  color: red;\n  background: url(img/missing.png);\n}\n",
        "css/img/there.png": PNG,
    }
    django = run_django(files)
    assert django.error is not None
    # Django 6.1 wraps the ValueError, its note included, in a CommandError.
    django_message = "\n".join([django.error["message"], *django.error["notes"]])
    assert "The file 'css/img/missing.png' could not be found" in django_message
    assert "'css/a.css' contains this reference 'url(img/missing.png)' on line \n3:" in (
        django_message
    )
    with pytest.raises(MissingReferenceError) as caught:
        post_process_contents(files)
    assert caught.value.reference.line == 3
    assert caught.value.reference.target == "css/img/missing.png"


def test_cycle_fails_like_django(run_django: RunDjango) -> None:
    files = {
        "css/a.css": b'@import "b.css";\n',
        "css/b.css": b'@import "a.css";\n',
        "css/c.css": b"p { color: red; }\n",
    }
    django = run_django(files)
    assert django.error is not None
    assert django.error["message"] == "Max post-process passes exceeded."
    assert "Post-processing 'css/a.css, css/b.css' failed!" in django.stderr
    with pytest.raises(MaxPassesExceededError) as caught:
        post_process_contents(in_django_order(files, django))
    assert caught.value.unresolved == ["css/a.css", "css/b.css"]


@pytest.mark.parametrize("length", [4, 9])
def test_long_import_chain_fails_or_passes_like_django(run_django: RunDjango, length: int) -> None:
    """Whether Django's 5 passes suffice depends on its pass order; ours too."""
    files = {f"css/c{i}.css": f'@import "c{i + 1}.css";\n'.encode() for i in range(length)}
    files[f"css/c{length}.css"] = b"p { color: red; }\n"
    django = run_django(files)
    ordered = in_django_order(files, django)
    if django.error is None:
        assert_same_as_django(files, post_process_contents(ordered), django)
    else:
        failed = re.search(r"Post-processing '(.*)' failed!", django.stderr)
        assert failed is not None
        with pytest.raises(MaxPassesExceededError) as caught:
            post_process_contents(ordered)
        assert ", ".join(caught.value.unresolved) == failed[1]
        assert caught.value.cycles == []


def test_rewrite_table_rows_match_django61(
    django61: DjangoReference, run_django: RunDjango
) -> None:
    """The rows of test_manifest_rewrite.py, joined into files, as Django runs them."""
    from test_manifest_rewrite import COLLECTED, CSS_ROWS, JS_ROWS

    files = {name: name.encode() * 7 for name in sorted(COLLECTED)}
    files["css/site.css"] = "\n".join(text for text, _ in CSS_ROWS).encode()
    files["js/app.js"] = "\n".join(text for text, _ in JS_ROWS).encode()
    compare(run_django, files)
