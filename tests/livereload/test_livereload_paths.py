"""Pure parts of live reload: on/off, served paths of changed files, the script tag."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstatic import Settings
from devstatic.finders import BaseFinder, Location, get_finders
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload import live_reload_enabled, script_tag
from devstatic.livereload.watcher import expand_new_folders, served_paths, watch_roots

DEFAULT_IGNORE = IgnoreMatcher(Settings().ignore_patterns)


@pytest.mark.parametrize(
    ("live_reload", "debug", "enabled"),
    [
        (None, True, True),
        (None, False, False),  # serving only because of insecure
        (True, False, True),
        (False, True, False),
        (True, True, True),
        (False, False, False),
    ],
)
def test_live_reload_follows_debug_unless_set(
    live_reload: bool | None, debug: bool, enabled: bool
) -> None:
    settings = Settings(live_reload=live_reload)
    assert live_reload_enabled(settings, debug) is enabled


def test_script_tag_points_at_reload_js_under_static_url() -> None:
    assert script_tag(Settings(static_url="/assets/")) == (
        '<script src="/assets/__devstatic__/reload.js"></script>'
    )


def test_script_tag_escapes_the_url() -> None:
    tag = script_tag(Settings(static_url='/a"b/'))
    assert '"/a&quot;b/__devstatic__/reload.js"' in tag


ROOTS = [Location("", Path("/srv/static")), Location("vendor", Path("/srv/node_modules/x/dist"))]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["/srv/static/css/site.css"], ["css/site.css"]),
        (["/srv/node_modules/x/dist/a.js"], ["vendor/a.js"]),
        (["/srv/node_modules/x/dist/sub/b.js"], ["vendor/sub/b.js"]),
        (["/srv/elsewhere/c.css"], []),
        (["/srv/static"], []),  # the root itself is no file
        (["/srv/staticfiles/x.css"], []),  # a sibling sharing the name's start
        (["/srv/static/.site.css.swp", "/srv/static/site.css~"], []),  # ignored
        (["/srv/static/.git/config"], []),
        (["/srv/static/b.css", "/srv/static/a.css", "/srv/static/a.css"], ["a.css", "b.css"]),
    ],
)
def test_served_paths_maps_files_below_roots_to_served_paths(
    changed: list[str], expected: list[str]
) -> None:
    assert served_paths(changed, ROOTS, DEFAULT_IGNORE, is_dir=lambda p: False) == expected


def test_served_paths_skips_folders() -> None:
    folders = {"/srv/static/css"}
    result = served_paths(
        ["/srv/static/css", "/srv/static/css/a.css"],
        ROOTS,
        DEFAULT_IGNORE,
        is_dir=folders.__contains__,
    )
    assert result == ["css/a.css"]


def test_served_paths_reports_a_deleted_file(tmp_path: Path) -> None:
    gone = tmp_path / "gone.css"  # never existed: what a deletion looks like afterwards
    result = served_paths([str(gone)], [Location("", tmp_path)], DEFAULT_IGNORE)
    assert result == ["gone.css"]


def test_served_paths_applies_custom_ignore_patterns_to_the_served_path() -> None:
    ignored = IgnoreMatcher(["*.map", "vendor/secret/*"])
    changed = [
        "/srv/static/app.js.map",
        "/srv/node_modules/x/dist/secret/k.js",
        "/srv/static/secret/k.js",
    ]
    assert served_paths(changed, ROOTS, ignored, is_dir=lambda p: False) == ["secret/k.js"]


def test_watch_roots_cover_dirs_pairs_and_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "static"
    vendor = tmp_path / "dist"
    package_static = tmp_path / "pkgs" / "lr_paths_pkg" / "static"
    for folder in (plain, vendor, package_static / "blog"):
        folder.mkdir(parents=True)
    (package_static.parent / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    settings = Settings(dirs=[plain, ("vendor", vendor)], packages=["lr_paths_pkg"], debug=True)

    roots = watch_roots(get_finders(settings))

    served = {(r.prefix, Path(r.root)) for r in roots}
    assert {("", plain), ("vendor", vendor), ("", package_static)} <= served
    changed = [str(vendor / "lib.js"), str(package_static / "blog" / "style.css")]
    assert served_paths(changed, roots, DEFAULT_IGNORE) == ["blog/style.css", "vendor/lib.js"]


def test_watch_roots_match_a_root_reached_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    roots = watch_roots(get_finders(Settings(dirs=[link], debug=True)))
    assert served_paths([str(real / "a.css")], roots, DEFAULT_IGNORE) == ["a.css"]
    assert served_paths([str(link / "a.css")], roots, DEFAULT_IGNORE) == ["a.css"]


class OnlyLocations(BaseFinder):
    """A custom finder that implements only the required interface."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.root = Path(os.environ["LIVERELOAD_TEST_ROOT"])

    def locations(self) -> list[Path]:
        return [self.root]


def test_watch_roots_use_locations_of_a_custom_finder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVERELOAD_TEST_ROOT", str(tmp_path))
    roots = watch_roots([OnlyLocations(Settings())])
    assert served_paths([str(tmp_path / "x/y.js")], roots, DEFAULT_IGNORE) == ["x/y.js"]


def test_a_new_folder_counts_every_file_inside_it(tmp_path: Path) -> None:
    (tmp_path / "new" / "deep").mkdir(parents=True)
    (tmp_path / "new" / "a.css").write_text("a")
    (tmp_path / "new" / "deep" / "b.js").write_text("b")
    files = expand_new_folders([str(tmp_path / "new"), str(tmp_path / "new" / "a.css")])
    roots = [Location("", tmp_path)]
    assert served_paths(files, roots, DEFAULT_IGNORE) == ["new/a.css", "new/deep/b.js"]
