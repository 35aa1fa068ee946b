"""Finders: ordered dirs, prefixes, packages, custom finders, ignore patterns."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from devstatic import ImproperlyConfigured, Settings
from devstatic.finders import (
    BaseFinder,
    FileSystemFinder,
    PackageFinder,
    find,
    find_all,
    get_finders,
)


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def two_dirs(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "css" / "site.css", "first")
    write(second / "css" / "site.css", "second")
    write(second / "js" / "app.js", "js")
    return first, second


def test_dirs_are_searched_in_order_and_the_first_wins(two_dirs: tuple[Path, Path]) -> None:
    first, second = two_dirs
    settings = Settings(dirs=[first, second])
    assert find("css/site.css", settings) == first / "css" / "site.css"
    assert find_all("css/site.css", settings) == [
        first / "css" / "site.css",
        second / "css" / "site.css",
    ]
    assert find("js/app.js", settings) == second / "js" / "app.js"
    assert find("nope.css", settings) is None
    reversed_settings = Settings(dirs=[second, first])
    assert find("css/site.css", reversed_settings) == second / "css" / "site.css"


def test_prefix_pair_serves_files_under_the_prefix(tmp_path: Path) -> None:
    dist = tmp_path / "node_modules" / "x" / "dist"
    write(dist / "a.js")
    finder = FileSystemFinder(Settings(dirs=[["vendor", dist]]))
    assert finder.find("vendor/a.js") == dist / "a.js"
    assert finder.find("a.js") is None
    assert finder.find("vendorx/a.js") is None
    assert list(finder.list([])) == [("vendor/a.js", dist / "a.js")]


def test_list_and_locations(two_dirs: tuple[Path, Path]) -> None:
    first, second = two_dirs
    finder = FileSystemFinder(Settings(dirs=[first, second]))
    assert finder.locations() == [first, second]
    assert list(finder.list([])) == [
        ("css/site.css", first / "css" / "site.css"),
        ("css/site.css", second / "css" / "site.css"),
        ("js/app.js", second / "js" / "app.js"),
    ]


def test_ignore_patterns_apply_to_find_and_list(tmp_path: Path) -> None:
    write(tmp_path / "ok.css")
    write(tmp_path / ".secret")
    write(tmp_path / ".git" / "config")
    write(tmp_path / "backup.css~")
    write(tmp_path / "CVS" / "Entries")
    write(tmp_path / "app.js.map")
    settings = Settings(dirs=[tmp_path])
    finder = FileSystemFinder(settings)
    for hidden in (".secret", ".git/config", "backup.css~", "CVS/Entries"):
        assert finder.find(hidden) is None, hidden
        assert find_all(hidden, settings) == []
    assert [served for served, _ in finder.list(settings.ignore_patterns)] == [
        "app.js.map",
        "ok.css",
    ]
    custom = Settings(dirs=[tmp_path], ignore_patterns=["*.map"])
    assert FileSystemFinder(custom).find("app.js.map") is None
    assert FileSystemFinder(custom).find(".secret") == tmp_path / ".secret"
    assert "app.js.map" not in [s for s, _ in FileSystemFinder(custom).list(["*.map"])]


def test_unsafe_paths_find_nothing(tmp_path: Path) -> None:
    write(tmp_path / "static" / "a.css")
    write(tmp_path / "secret.txt")
    finder = FileSystemFinder(Settings(dirs=[tmp_path / "static"]))
    for path in ("../secret.txt", "/etc/passwd", "a.css/", "./a.css", "x/../a.css", "a\\b", ""):
        assert finder.find(path) is None, path


def test_a_directory_is_not_found(tmp_path: Path) -> None:
    write(tmp_path / "css" / "a.css")
    assert FileSystemFinder(Settings(dirs=[tmp_path])).find("css") is None


def make_package(root: Path, name: str, files: dict[str, str]) -> Path:
    package = root / name
    write(package / "__init__.py", "")
    for relative, text in files.items():
        write(package / "static" / relative, text)
    return package


def test_package_finder_serves_namespaced_static_folders_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_package(tmp_path, "dsblog", {"dsblog/style.css": "blog", "shared.css": "blog"})
    make_package(tmp_path, "dsshop", {"dsshop/app.js": "shop", "shared.css": "shop"})
    make_package(tmp_path, "dsnostatic", {})
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = Settings(packages=["dsblog", "dsshop", "dsnostatic"])
    finder = PackageFinder(settings)
    assert finder.locations() == [tmp_path / "dsblog" / "static", tmp_path / "dsshop" / "static"]
    assert (
        finder.find("dsblog/style.css") == tmp_path / "dsblog" / "static" / "dsblog" / "style.css"
    )
    assert finder.find("dsshop/app.js") == tmp_path / "dsshop" / "static" / "dsshop" / "app.js"
    assert finder.find("shared.css") == tmp_path / "dsblog" / "static" / "shared.css"
    assert finder.find_all("shared.css") == [
        tmp_path / "dsblog" / "static" / "shared.css",
        tmp_path / "dsshop" / "static" / "shared.css",
    ]
    assert [s for s, _ in finder.list([])] == [
        "dsblog/style.css",
        "shared.css",
        "dsshop/app.js",
        "shared.css",
    ]


def test_package_finder_follows_a_subpackage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_package(tmp_path, "dsouter", {})
    make_package(tmp_path / "dsouter", "inner", {"inner/x.css": "x"})
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = PackageFinder(Settings(packages=["dsouter.inner"]))
    assert (
        finder.find("inner/x.css") == tmp_path / "dsouter" / "inner" / "static" / "inner" / "x.css"
    )


@pytest.mark.parametrize("name", ["ds_no_such_package", "ds_no_such_parent.child"])
def test_unimportable_package_is_named(name: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"packages entry '{name}' cannot be imported"):
        get_finders(Settings(packages=[name]))


def test_a_module_is_not_a_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "dsmodule.py", "")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="'dsmodule' is a module, not a package"):
        get_finders(Settings(packages=["dsmodule"]))


class OneFileFinder(BaseFinder):
    """A custom finder serving a single virtual file from a folder set by the test."""

    folder: Path = Path("/nonexistent")

    def find_all(self, path: str) -> list[Path]:
        candidate = self.folder / "custom.txt"
        return [candidate] if path == "custom.txt" and candidate.is_file() else []

    def list(self, ignore_patterns: Iterable[str]) -> Iterable[tuple[str, Path]]:
        return [("custom.txt", self.folder / "custom.txt")]

    def locations(self) -> list[Path]:
        return [self.folder]


def test_custom_finder_by_dotted_path_and_first_finder_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    custom_dir = tmp_path / "custom"
    write(custom_dir / "custom.txt", "custom")
    dirs_dir = tmp_path / "dirs"
    write(dirs_dir / "custom.txt", "dirs")
    monkeypatch.setattr(OneFileFinder, "folder", custom_dir)
    dotted = f"{__name__}.OneFileFinder"
    assert sys.modules[__name__].OneFileFinder is OneFileFinder
    custom_first = Settings(dirs=[dirs_dir], finders=[dotted, "devstatic.finders.FileSystemFinder"])
    assert find("custom.txt", custom_first) == custom_dir / "custom.txt"
    assert find_all("custom.txt", custom_first) == [
        custom_dir / "custom.txt",
        dirs_dir / "custom.txt",
    ]
    dirs_first = Settings(dirs=[dirs_dir], finders=["devstatic.finders.FileSystemFinder", dotted])
    assert find("custom.txt", dirs_first) == dirs_dir / "custom.txt"
    assert find_all("custom.txt", dirs_first) == [
        dirs_dir / "custom.txt",
        custom_dir / "custom.txt",
    ]
    assert [type(f) for f in get_finders(dirs_first)] == [FileSystemFinder, OneFileFinder]


@pytest.mark.parametrize(
    ("dotted", "fragment"),
    [
        ("ds_missing_module.Finder", "cannot be imported"),
        ("devstatic.finders.NoSuchFinder", "has no attribute 'NoSuchFinder'"),
        ("devstatic.config.settings.Settings", "is not a subclass of devstatic.finders.BaseFinder"),
    ],
)
def test_bad_finder_entries_are_named(dotted: str, fragment: str) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        get_finders(Settings(finders=[dotted]))
    assert f"finders entry {dotted!r}" in str(info.value)
    assert fragment in str(info.value)


def test_symlink_escaping_the_root_is_not_found_unless_follow_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "static"
    write(root / "inside.css", "in")
    outside = write(tmp_path / "secret.txt", "secret")
    (root / "escape.txt").symlink_to(outside)
    (root / "alias.css").symlink_to(root / "inside.css")
    strict = FileSystemFinder(Settings(dirs=[root]))
    assert strict.find("escape.txt") is None
    assert strict.find("alias.css") == root / "alias.css"
    assert "escape.txt" not in [s for s, _ in strict.list([])]
    loose = FileSystemFinder(Settings(dirs=[root], follow_symlinks=True))
    assert loose.find("escape.txt") == root / "escape.txt"
