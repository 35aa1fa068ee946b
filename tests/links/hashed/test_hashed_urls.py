"""``static()``, ``{% static %}`` and the Jinja global give production's hashed names in debug."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest
from hashed_helpers import MANIFEST, collected, settings_for, write_tree

from devstatic import ImproperlyConfigured, Settings, static
from devstatic.finders import BaseFinder
from devstatic.jinja import StaticExtension
from devstatic.links.hashed_names import hashed_urls_enabled, names_for, plain_name
from devstatic.manifest import file_hash

TREE = {
    "css/app.css": '@import "base.css";\nbody { background: url(../img/bg.png); }\n',
    "css/base.css": "html { color: red }\n",
    "img/bg.png": b"\x89PNG-bg",
    "js/main.js": 'import { a } from "./a.js";\nconsole.log(a);\n',
    "js/a.js": "export const a = 1;\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_tree(tmp_path / "static", TREE)
    return tmp_path


def test_hashed_urls_defaults_to_on_with_a_manifest_storage(tree: Path) -> None:
    assert hashed_urls_enabled(settings_for(tree))
    plain_storage = settings_for(tree, storage="devstatic.storage.FileSystemStorage")
    assert not hashed_urls_enabled(plain_storage)


def test_hashed_urls_true_or_false_forces_it(tree: Path) -> None:
    plain_storage = "devstatic.storage.FileSystemStorage"
    forced_on = settings_for(tree, storage=plain_storage, hashed_urls=True)
    forced_off = settings_for(tree, hashed_urls=False)
    digest = file_hash(TREE["css/base.css"].encode())
    assert static("css/base.css", forced_on) == f"/static/css/base.{digest}.css"
    assert static("css/base.css", forced_off) == "/static/css/base.css"


def test_hashed_urls_must_be_a_boolean() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings(hashed_urls="yes")  # type: ignore[arg-type]
    assert str(info.value) == "hashed_urls must be true, false or leave it unset, not 'yes'."


def test_hashed_urls_is_read_from_pyproject(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.devstatic]\nhashed-urls = false\n")
    assert Settings.load(config).hashed_urls is False


def test_static_gives_the_names_collectstatic_writes(tree: Path) -> None:
    settings = settings_for(tree)
    paths, _ = collected(settings)
    for name, hashed in paths.items():
        assert static(name, settings) == f"/static/{hashed}"


def test_static_off_debug_still_reads_the_manifest(tree: Path) -> None:
    settings = settings_for(tree, debug=False)
    paths, _ = collected(settings)
    assert static("css/app.css", settings) == f"/static/{paths['css/app.css']}"


def test_static_keeps_query_and_fragment_as_production(tree: Path) -> None:
    digest = file_hash(TREE["img/bg.png"])  # type: ignore[arg-type]
    url = static("img/bg.png?v=1#top", settings_for(tree))
    assert url == f"/static/img/bg.{digest}.png?v=1#top"


def test_static_of_a_missing_name_raises_productions_error(tree: Path) -> None:
    with pytest.raises(ValueError) as info:
        static("css/nope.css", settings_for(tree))
    assert str(info.value) == "Missing staticfiles manifest entry for 'css/nope.css'"


def test_static_of_a_missing_name_without_strict_gives_the_plain_name(tree: Path) -> None:
    settings = settings_for(tree, storage_options={"manifest-strict": False})
    assert static("css/nope.css", settings) == "/static/css/nope.css"


def test_static_of_an_ignored_file_raises_as_collectstatic_skips_it(tree: Path) -> None:
    write_tree(tree / "static", {"css/.hidden.css": "x"})
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        static("css/.hidden.css", settings_for(tree))


def test_jinja_tag_and_global_give_hashed_names(tree: Path) -> None:
    settings = settings_for(tree)
    env = jinja2.Environment(extensions=[StaticExtension], autoescape=True)
    env.devstatic_settings = settings  # type: ignore[attr-defined]
    page = env.from_string("{% static 'js/main.js' %} {{ static('css/app.css') }}").render()
    assert page == f"{static('js/main.js', settings)} {static('css/app.css', settings)}"
    assert plain_name(page.split()[0].removeprefix("/static/")) is not None


def test_an_edit_changes_the_name_and_the_names_that_refer_to_it(tree: Path) -> None:
    settings = settings_for(tree)
    before = {name: static(name, settings) for name in ("css/base.css", "css/app.css", "js/a.js")}
    (tree / "static" / "css" / "base.css").write_text("html { color: blue }\n")
    assert static("css/base.css", settings) != before["css/base.css"]
    assert static("css/app.css", settings) != before["css/app.css"]
    assert static("js/a.js", settings) == before["js/a.js"]
    paths, _ = collected(settings)
    assert static("css/app.css", settings) == f"/static/{paths['css/app.css']}"


def test_a_settled_file_is_checked_by_its_stat(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Files older than RACY_NS are trusted while their stat identity holds; here every
    # file counts as settled at once, so only the stat check can see the edit.
    monkeypatch.setattr("devstatic.links.hashed_names.RACY_NS", -(10**12))
    settings = settings_for(tree)
    first = static("css/app.css", settings)
    assert all(source.settled for source in names_for(settings)._sources.values())
    (tree / "static" / "css" / "base.css").write_text("html { color: blue; }\n")
    assert static("css/app.css", settings) != first


def test_a_same_size_rewrite_within_the_same_clock_tick_is_seen(tree: Path) -> None:
    settings = settings_for(tree)
    target = tree / "static" / "js" / "a.js"
    first = static("js/a.js", settings)
    stat = target.stat()
    target.write_text("export const a = 2;\n")  # same size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert static("js/a.js", settings) != first


def test_a_file_added_to_an_earlier_location_wins(tree: Path) -> None:
    green = "html { color: green }\n"
    write_tree(tree / "early", {"css/base.css": green})
    settings = settings_for(tree, dirs=[tree / "early", tree / "static"])
    early = f"/static/css/base.{file_hash(green.encode())}.css"
    late = f"/static/css/base.{file_hash(TREE['css/base.css'].encode())}.css"
    assert static("css/base.css", settings) == early
    (tree / "early" / "css" / "base.css").unlink()
    assert static("css/base.css", settings) == late
    (tree / "early" / "css" / "base.css").write_text(green)
    assert static("css/base.css", settings) == early


class OpaqueFinder(BaseFinder):
    """A plugin finder without ``candidates``: only asking it again tells what it has."""

    def find(self, path: str) -> Path | None:
        found = Path(self.settings.dirs[0]) / path  # type: ignore[arg-type]
        return found if found.is_file() else None


def test_a_file_an_opaque_finder_starts_to_provide_is_seen(tree: Path) -> None:
    settings = settings_for(tree, finders=["test_hashed_urls.OpaqueFinder"])
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        static("css/new.css", settings)
    write_tree(tree / "static", {"css/new.css": "new"})
    assert static("css/new.css", settings) == f"/static/css/new.{file_hash(b'new')}.css"


def test_only_the_asked_files_closure_is_read(tree: Path) -> None:
    # A broken stylesheet elsewhere in the tree would stop collectstatic, but a page
    # that does not use it pays nothing for it: names are computed on demand.
    write_tree(tree / "static", {"css/broken.css": "a { background: url(gone.png) }\n"})
    settings = settings_for(tree)
    static("css/app.css", settings)
    read = set(names_for(settings)._sources)
    assert read == {"css/app.css", "css/base.css", "img/bg.png"}


def test_storage_options_reach_the_names(tree: Path) -> None:
    settings = settings_for(tree, storage=MANIFEST, storage_options={"js-imports": False})
    paths, _ = collected(settings)
    assert static("js/main.js", settings) == f"/static/{paths['js/main.js']}"
    assert paths["js/main.js"] == f"js/main.{file_hash(TREE['js/main.js'].encode())}.js"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("css/app.0123456789ab.css", ("css/app.css", "0123456789ab")),
        ("x.tar.0123456789ab.gz", ("x.tar.gz", "0123456789ab")),
        ("LICENSE.0123456789ab", ("LICENSE", "0123456789ab")),
        (".htaccess.0123456789ab", (".htaccess", "0123456789ab")),
        ("css/app.css", None),
        ("css/app.0123456789AB.css", None),
        ("css/app.0123456789a.css", None),
        ("0123456789ab.css", None),
    ],
)
def test_plain_name_inverts_hashed_name(name: str, expected: tuple[str, str] | None) -> None:
    assert plain_name(name) == expected
