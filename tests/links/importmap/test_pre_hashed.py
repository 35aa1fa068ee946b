"""Pre-hashed files (a bundler's or Propshaft's output) are not hashed again.

Collected with the real ``ManifestStaticFilesStorage`` from a tree laid out as a
bundler leaves it: ``assets/`` holds ``name-<hex>.ext`` chunks that import each
other, and the project's own files refer to them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from devstatic import Settings
from devstatic.collect.collector import CollectOptions, collect
from devstatic.exceptions import ImproperlyConfigured
from devstatic.storage import get_storage

#: The README's pattern for ``name.HASH.ext`` / ``name-HASH.ext`` (HASH >= 8 hex digits).
BUNDLER = r"[.-][0-9a-f]{8,}\."

BUNDLE = {
    # What `vite build` / webpack leave in dist/: chunks named by their content hash.
    "assets/index-3f2a9c1d.js": (
        'import { v } from "./vendor-9b8c7d6e.js";\nimport "./chunk.0a1b2c3d4e.js";\n'
        "console.log(v);\n//# sourceMappingURL=index-3f2a9c1d.js.map\n"
    ),
    "assets/index-3f2a9c1d.js.map": '{"version": 3}',
    "assets/vendor-9b8c7d6e.js": "export const v = 1;\n",
    "assets/chunk.0a1b2c3d4e.js": "console.log('chunk');\n",
    "assets/index-77aa88bb.css": ".a { background: url(../img/plain.png) }\n",
    # Propshaft's form, recognised by default.
    "vendor/trix-4b7e2a1c.digested.js": "export const trix = 1;\n",
    # The project's own files.
    "js/app.js": (
        'import "../assets/index-3f2a9c1d.js";\nimport { trix } from '
        '"../vendor/trix-4b7e2a1c.digested.js";\nimport { u } from "./util.js";\n'
    ),
    "js/util.js": "export const u = 2;\n",
    "css/site.css": (
        '@import "../assets/index-77aa88bb.css";\n.b { background: url(../img/plain.png) }\n'
    ),
    "img/plain.png": "png bytes",
}


def collect_tree(tmp_path: Path, **options: Any) -> tuple[dict[str, str], Path]:
    source, root = tmp_path / "dist", tmp_path / "out"
    for name, text in BUNDLE.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    settings = Settings(
        dirs=[source],
        static_root=root,
        storage="devstatic.storage.ManifestStaticFilesStorage",
        storage_options=options,
        debug=False,
    )
    collect(settings, get_storage(settings), options=CollectOptions())
    paths: dict[str, str] = json.loads((root / "staticfiles.json").read_bytes())["paths"]
    return paths, root


def hashed(name: str) -> re.Pattern[str]:
    stem, _, ext = name.rpartition(".")
    return re.compile(re.escape(stem) + r"\.[0-9a-f]{12}\." + re.escape(ext))


def test_bundler_files_keep_their_names_bytes_and_references(tmp_path: Path) -> None:
    paths, root = collect_tree(tmp_path, pre_hashed=BUNDLER)
    bundled = [name for name in BUNDLE if name.startswith(("assets/", "vendor/"))]
    assert {name: paths[name] for name in bundled} == {name: name for name in bundled}
    for name in bundled:  # copied under their own name, unchanged (not rewritten)
        assert (root / name).read_text() == BUNDLE[name]
    # No second, hashed copy of any of them.
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    written -= {n for n in written if n.startswith("staticfiles.history/")}  # devstatic clean's
    assert written == set(BUNDLE) | {paths[n] for n in BUNDLE} | {"staticfiles.json"}
    assert len(written) == len(BUNDLE) + 4 + 1  # hashed app.js, util.js, site.css, plain.png
    # The project's files are hashed, their references to pre-hashed files kept as written.
    assert hashed("js/app.js").fullmatch(paths["js/app.js"])
    app = (root / paths["js/app.js"]).read_text()
    assert app.startswith(
        'import "../assets/index-3f2a9c1d.js";\nimport { trix } from '
        '"../vendor/trix-4b7e2a1c.digested.js";\nimport { u } from "./'
    )
    assert paths["js/util.js"].split("/")[-1] in app
    site = (root / paths["css/site.css"]).read_text()
    assert site.startswith('@import "../assets/index-77aa88bb.css";\n')
    assert paths["img/plain.png"].split("/")[-1] in site


def test_only_propshafts_digested_form_is_recognised_by_default(tmp_path: Path) -> None:
    paths, root = collect_tree(tmp_path)
    digested = "vendor/trix-4b7e2a1c.digested.js"
    assert paths[digested] == digested
    assert not list((root / "vendor").glob("trix-4b7e2a1c.digested.*.js"))
    for name in ("assets/index-3f2a9c1d.js", "assets/vendor-9b8c7d6e.js"):
        assert hashed(name).fullmatch(paths[name]), paths[name]
    app = (root / paths["js/app.js"]).read_text()
    assert '"../vendor/trix-4b7e2a1c.digested.js"' in app
    assert "index-3f2a9c1d." + paths["assets/index-3f2a9c1d.js"].split(".")[-2] in app


def test_pre_hashed_false_hashes_every_file(tmp_path: Path) -> None:
    paths, _ = collect_tree(tmp_path, pre_hashed=False)
    assert all(hashed(name).fullmatch(paths[name]) for name in BUNDLE), paths


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[0-9",
            "storage-options pre-hashed '[0-9' is not a valid regular expression "
            "(unterminated character set at position 0).",
        ),
        (
            True,
            "storage-options pre-hashed must be a regular expression (a string) searched in "
            "file names, e.g. '-[0-9a-zA-Z_-]{7,128}\\\\.digested\\\\.', or false, not True.",
        ),
    ],
)
def test_a_bad_pre_hashed_option_names_the_key(tmp_path: Path, value: object, message: str) -> None:
    settings = Settings(
        static_root=tmp_path,
        storage="devstatic.storage.ManifestStaticFilesStorage",
        storage_options={"pre-hashed": value},
    )
    with pytest.raises(ImproperlyConfigured) as caught:
        get_storage(settings)
    assert str(caught.value) == message
