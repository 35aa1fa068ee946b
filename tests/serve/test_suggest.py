"""Close matches on the debug 404 page: useful suggestions, found in bounded work."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import devstatic.serve.suggest
from devstatic import Settings
from devstatic.finders import BaseFinder, get_finders
from devstatic.serve.suggest import close_matches

PROJECT = [
    "css/global.css",
    "css/print.css",
    "css/vendor/normalize.css",
    "js/app.js",
    "js/app.js.map",
    "js/lib/router.js",
    "img/logo.svg",
    "img/icons/close.svg",
    "fonts/inter.woff2",
    "favicon.ico",
]


def make(root: Path, names: Iterable[str]) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return root


def suggest(name: str, **settings: object) -> list[str]:
    config = Settings(debug=True, **settings)  # type: ignore[arg-type]
    return close_matches(name, get_finders(config), config.ignore_patterns)


def whole_tree(name: str, names: Iterable[str]) -> list[str]:
    """What the page suggested before: every served path compared with the asked one."""
    return difflib.get_close_matches(name, list(names), n=5, cutoff=0.7)


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("css/globl.css", "css/global.css"),  # a typo in the name
        ("css/global.cs", "css/global.css"),
        ("css/global.min.css", "css/global.css"),
        ("js/app.min.js", "js/app.js"),
        ("cs/global.css", "css/global.css"),  # a typo in a folder
        ("css/vendr/normalize.css", "css/vendor/normalize.css"),
        ("css/app.js", "js/app.js"),  # the right name in a neighbouring folder
        ("app.js", "js/app.js"),  # a folder left out
        ("js/router.js", "js/lib/router.js"),
        ("js/lib/app.js", "js/app.js"),  # a folder too many
        ("img/icon/close.svg", "img/icons/close.svg"),
        ("favicon.png", "favicon.ico"),
    ],
)
def test_the_file_meant_comes_first_as_with_the_whole_tree(
    tmp_path: Path, asked: str, meant: str
) -> None:
    root = make(tmp_path / "static", PROJECT)
    found = suggest(asked, dirs=[root])
    assert found[0] == meant
    assert found[0] == whole_tree(asked, PROJECT)[0]


def test_a_folder_named_like_an_existing_one_is_followed_too(tmp_path: Path) -> None:
    root = make(tmp_path / "static", ["lib/other.js", "libs/v1/util.js"])
    assert suggest("lib/v1/util.js", dirs=[root]) == ["libs/v1/util.js"]


def test_no_suggestion_when_nothing_is_alike(tmp_path: Path) -> None:
    root = make(tmp_path / "static", PROJECT)
    assert suggest("zzzzzzzz/qqqq.png", dirs=[root]) == []


def test_every_location_and_prefix_is_searched(tmp_path: Path) -> None:
    first = make(tmp_path / "first", ["css/site.css"])
    second = make(tmp_path / "second", ["dist/lib.js", "dist/lib.css"])
    dirs = [first, ("vendor/x", second)]
    assert suggest("vendor/x/dist/lib.jss", dirs=dirs)[0] == "vendor/x/dist/lib.js"
    assert suggest("vendr/x/dist/lib.js", dirs=dirs)[0] == "vendor/x/dist/lib.js"
    assert suggest("css/sit.css", dirs=dirs) == ["css/site.css"]


def test_ignored_files_and_folders_are_never_suggested(tmp_path: Path) -> None:
    root = make(tmp_path / "static", ["css/a.css", "css/.a.css", ".git/a.css", "css/a.css~"])
    found = suggest("css/a.cs", dirs=[root])
    assert found == ["css/a.css"]
    assert suggest(".git/a.cs", dirs=[root]) == []


def test_symlinks_leaving_the_root_are_never_suggested(tmp_path: Path) -> None:
    outside = make(tmp_path / "outside", ["secret.css", "etc/passwd.css"])
    root = make(tmp_path / "static", ["css/a.css"])
    (root / "css" / "secret.css").symlink_to(outside / "secret.css")
    (root / "etc").symlink_to(outside / "etc")
    assert "css/secret.css" not in suggest("css/secret.cs", dirs=[root])
    assert suggest("etc/passwd.cs", dirs=[root]) == []
    assert suggest("css/secret.cs", dirs=[root], follow_symlinks=True)[0] == "css/secret.css"


def test_a_finder_that_can_only_list_is_still_searched(tmp_path: Path) -> None:
    class Listing(BaseFinder):
        def list(self, ignore_patterns: Iterable[str]) -> Iterator[tuple[str, Path]]:
            yield "custom/theme.css", tmp_path / "theme.css"

        def locations(self) -> list[Path]:
            return [tmp_path]

    config = Settings(debug=True)
    assert close_matches("custom/them.css", [Listing(config)], ()) == ["custom/theme.css"]


def big_tree(root: Path, packages: int = 300) -> list[str]:
    names = [
        f"pkg{p:03d}/{sub}/{file}"
        for p in range(packages)
        for sub in ("dist", "lib", "esm")
        for file in ("index.js", f"mod{p}.js")
    ]
    make(root, names)
    return names


def test_a_miss_reads_a_few_folders_not_the_whole_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "node_modules"
    big_tree(root)  # 1,800 files in 1,200 folders
    read: list[str] = []
    scandir = os.scandir

    def counting(path: str | os.PathLike[str]) -> object:
        read.append(os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(devstatic.serve.suggest.os, "scandir", counting)
    found = suggest("pkg123/dist/mod123.js.map", dirs=[root])
    assert found[0] == "pkg123/dist/mod123.js"
    assert len(read) <= 10, read
    read.clear()
    assert suggest("pkkg123/dist/mod123.js", dirs=[root])[0] == "pkg123/dist/mod123.js"
    assert len(read) <= 20, read


def test_reads_stop_at_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "node_modules"
    big_tree(root, packages=50)
    monkeypatch.setattr(devstatic.serve.suggest, "MAX_ENTRIES", 49)
    read: list[str] = []
    scandir = os.scandir

    def counting(path: str | os.PathLike[str]) -> object:
        read.append(os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(devstatic.serve.suggest.os, "scandir", counting)
    # The top folder alone has 50 entries: nothing more is read (not even the next
    # location), nothing is suggested.
    other = make(tmp_path / "other", ["pkg012/dist/mod12.js"])
    assert suggest("pkg012/dist/mod12.js.map", dirs=[root, other]) == []
    assert read == [str(root)]
    monkeypatch.setattr(devstatic.serve.suggest, "MAX_ENTRIES", 200)
    assert suggest("pkg012/dist/mod12.js.map", dirs=[root])[0] == "pkg012/dist/mod12.js"
