"""``post_process_contents``: passes, cache busting, errors and warnings."""

from __future__ import annotations

import pytest

from devstatic.manifest import (
    MaxPassesExceededError,
    MissingReferenceError,
    file_hash,
    hashed_name,
    manifest_hash,
    post_process_contents,
)

TREE = {
    "css/base.css": b"body { color: black; }\n",
    "css/theme.css": b'@import "base.css";\n',
    "css/site.css": b'@import "theme.css";\n.logo { background: url(../img/logo.png); }\n',
    "css/print.css": b".logo { background: url(../img/logo.png); }\n",
    "css/alone.css": b"p { margin: 0; }\n",
    "img/logo.png": b"\x89PNG logo",
    "js/app.js": b'import {u} from "./util.js";\n',
    "js/util.js": b"export const u = 1;\n",
}


def test_plain_files_are_named_by_their_hash_and_kept_as_is() -> None:
    result = post_process_contents(TREE)
    png = TREE["img/logo.png"]
    assert result.hashed_files["img/logo.png"] == hashed_name("img/logo.png", file_hash(png))
    assert result.contents[result.hashed_files["img/logo.png"]] is png


def test_rewritten_files_are_named_by_the_hash_of_what_is_written() -> None:
    result = post_process_contents(TREE)
    hashed = result.hashed_files["css/site.css"]
    data = result.contents[hashed]
    assert hashed == hashed_name("css/site.css", file_hash(data))
    theme = result.hashed_files["css/theme.css"].rsplit("/", 1)[1]
    logo = result.hashed_files["img/logo.png"].rsplit("/", 1)[1]
    assert data == (
        f'@import url("{theme}");\n.logo {{ background: url("../img/{logo}"); }}\n'.encode()
    )


def test_contents_hold_hashed_names_only() -> None:
    # The originals stay as collected, unprocessed, as in Django.
    result = post_process_contents(TREE)
    assert sorted(result.contents) == sorted(result.hashed_files.values())
    assert not set(TREE) & set(result.contents)


def test_manifest_hash_is_djangos_hash_of_the_paths() -> None:
    result = post_process_contents(TREE)
    assert result.manifest_hash == manifest_hash(result.hashed_files)


def test_changing_an_imported_file_renames_exactly_its_referrers() -> None:
    before = post_process_contents(TREE)
    after = post_process_contents({**TREE, "css/base.css": b"body { color: navy; }\n"})
    renamed = {name for name in TREE if before.hashed_files[name] != after.hashed_files[name]}
    # base.css changed; theme.css imports it; site.css imports theme.css.
    assert renamed == {"css/base.css", "css/theme.css", "css/site.css"}


def test_changing_an_image_renames_the_stylesheets_that_use_it() -> None:
    before = post_process_contents(TREE)
    after = post_process_contents({**TREE, "img/logo.png": b"\x89PNG new logo"})
    renamed = {name for name in TREE if before.hashed_files[name] != after.hashed_files[name]}
    assert renamed == {"img/logo.png", "css/site.css", "css/print.css"}


def test_nested_references_settle_in_extra_passes() -> None:
    result = post_process_contents(TREE)
    assert result.passes >= 1
    site = result.contents[result.hashed_files["css/site.css"]]
    assert result.hashed_files["css/theme.css"].rsplit("/", 1)[1].encode() in site


def test_cycle_error_names_the_cycle() -> None:
    files = {
        "css/a.css": b'@import "b.css";\n',
        "css/b.css": b'@import "c.css";\n',
        "css/c.css": b'@import "a.css";\n',
        "css/d.css": b'@import "a.css";\n',
    }
    with pytest.raises(MaxPassesExceededError) as caught:
        post_process_contents(files)
    error = caught.value
    assert str(error).startswith("Max post-process passes exceeded: after 5 passes")
    assert "css/a.css -> css/b.css -> css/c.css -> css/a.css" in str(error)
    assert error.cycles == [["css/a.css", "css/b.css", "css/c.css"]]
    assert isinstance(error, RuntimeError)  # as Django's


def test_file_referring_to_itself_is_a_cycle() -> None:
    with pytest.raises(MaxPassesExceededError) as caught:
        post_process_contents({"css/a.css": b".x { background: url(a.css); }"})
    assert "css/a.css -> css/a.css" in str(caught.value)


def test_too_deep_chain_says_there_is_no_cycle() -> None:
    files = {f"c{i}.css": f'@import "c{i + 1}.css";'.encode() for i in range(4)}
    files["c4.css"] = b"p {}"
    with pytest.raises(MaxPassesExceededError) as caught:
        post_process_contents(files, max_passes=1)
    assert caught.value.cycles == []
    assert "There is no cycle" in str(caught.value)
    assert "raise max_passes" in str(caught.value)
    post_process_contents(files, max_passes=5)  # enough for this order


def test_zero_passes_keeps_the_first_pass_names_as_django_does() -> None:
    result = post_process_contents(TREE, max_passes=0)
    assert result.passes == 0


def test_missing_reference_stops_the_run() -> None:
    files = {"css/a.css": b"p {}\nq { background: url(missing.png); }\n"}
    with pytest.raises(MissingReferenceError) as caught:
        post_process_contents(files)
    assert "'css/a.css', line 2" in str(caught.value)
    assert "'css/missing.png'" in str(caught.value)


def test_not_strict_keeps_the_reference_and_warns_once() -> None:
    files = {
        "css/a.css": b'@import "b.css";\nq { background: url(missing.png); }\n',
        "css/b.css": b"p {}\n",
    }
    result = post_process_contents(files, strict=False)
    assert b"url(missing.png)" in result.contents[result.hashed_files["css/a.css"]]
    assert result.warnings == [
        "'css/a.css', line 2: 'url(missing.png)' refers to 'css/missing.png', which "
        "is not among the collected files; left unchanged."
    ]


def test_non_utf8_css_is_rewritten_and_other_bytes_kept() -> None:
    files = {"css/a.css": b"/* caf\xe9 */ p { background: url(b.png); }", "css/b.png": b"png"}
    result = post_process_contents(files)
    png = result.hashed_files["css/b.png"].rsplit("/", 1)[1]
    assert result.contents[result.hashed_files["css/a.css"]] == (
        b'/* caf\xe9 */ p { background: url("' + png.encode() + b'"); }'
    )


def test_folder_reference_is_kept_as_django_keeps_it() -> None:
    files = {"css/a.css": b"p { background: url(img); }", "css/img/x.png": b"x"}
    result = post_process_contents(files)
    assert result.contents[result.hashed_files["css/a.css"]] == b'p { background: url("img"); }'


def test_query_reference_uses_the_original_bytes_hash_as_django_does() -> None:
    # Django looks "b.css?v=1" up under that whole name, misses, and hashes the
    # collected original of b.css, not its rewritten copy.
    files = {
        "css/a.css": b'@import url("b.css?v=1");',
        "css/b.css": b"p { background: url(c.png); }",
        "css/c.png": b"c",
    }
    result = post_process_contents(files)
    original = hashed_name("b.css", file_hash(files["css/b.css"]))
    assert result.contents[result.hashed_files["css/a.css"]] == (
        f'@import url("{original}?v=1");'.encode()
    )
    assert original != result.hashed_files["css/b.css"].rsplit("/", 1)[1]


def test_negative_max_passes_is_refused() -> None:
    with pytest.raises(ValueError, match="max_passes"):
        post_process_contents(TREE, max_passes=-1)
