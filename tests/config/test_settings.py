"""Settings and Settings.load(): the file, the environment and keyword overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstatic import ImproperlyConfigured, Settings
from devstatic.config.settings import debug_from_env


def write_pyproject(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_apply_without_any_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.load()
    assert settings.static_url == "/static/"
    assert settings.dirs == ()
    assert settings.packages == ()
    assert settings.finders == (
        "devstatic.finders.FileSystemFinder",
        "devstatic.finders.PackageFinder",
    )
    assert settings.ignore_patterns == ("CVS", ".*", "*~")
    assert settings.storage == "devstatic.storage.FileSystemStorage"
    assert settings.debug is None
    assert settings.insecure is False
    assert settings.follow_symlinks is False
    assert settings.live_reload is None
    assert settings.static_root is None


def test_nearest_pyproject_with_table_at_or_above_cwd_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pyproject(tmp_path, '[tool.devstatic]\nstatic-url = "/outer/"\n')
    # An inner project without a [tool.devstatic] table is passed over.
    write_pyproject(tmp_path / "inner", '[project]\nname = "inner"\n')
    deep = tmp_path / "inner" / "src" / "pkg"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert Settings.load().static_url == "/outer/"
    # The nearest file with a table wins over one further up.
    write_pyproject(tmp_path / "inner", '[tool.devstatic]\nstatic-url = "/inner/"\n')
    assert Settings.load().static_url == "/inner/"


def test_explicit_path_is_read_instead_of_the_nearest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pyproject(tmp_path, '[tool.devstatic]\nstatic-url = "/near/"\n')
    other = write_pyproject(tmp_path / "other", '[tool.devstatic]\nstatic-url = "/other/"\n')
    monkeypatch.chdir(tmp_path)
    assert Settings.load(other).static_url == "/other/"
    assert Settings.load(str(other)).static_url == "/other/"


def test_missing_explicit_path_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "pyproject.toml"
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        Settings.load(missing)


def test_explicit_path_that_is_a_folder_points_at_the_pyproject_inside(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"is a folder\. Pass the pyproject\.toml"):
        Settings.load(tmp_path)


def test_relative_paths_resolve_against_the_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write_pyproject(
        project,
        "[tool.devstatic]\n"
        'dirs = ["static", ["vendor", "node_modules/x/dist"]]\n'
        'static-root = "collected"\n',
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = Settings.load(project / "pyproject.toml")
    assert settings.dir_locations == (
        ("", project / "static"),
        ("vendor", project / "node_modules" / "x" / "dist"),
    )
    assert settings.root == project / "collected"
    # Found by walking up from a subfolder: still the file's folder, not the cwd.
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    assert Settings.load().dir_locations[0] == ("", project / "static")


def test_dash_and_underscore_spellings_are_both_accepted(tmp_path: Path) -> None:
    path = write_pyproject(
        tmp_path,
        "[tool.devstatic]\n"
        'static-url = "/s/"\n'
        "follow_symlinks = true\n"
        "live-reload-inject = true\n"
        'ignore_patterns = ["*.map"]\n'
        "[tool.devstatic.storage-options]\n"
        "manifest-strict = false\n",
    )
    settings = Settings.load(path)
    assert settings.static_url == "/s/"
    assert settings.follow_symlinks is True
    assert settings.live_reload_inject is True
    assert settings.ignore_patterns == ("*.map",)
    assert settings.storage_options == {"manifest_strict": False}


def test_unknown_key_is_named_with_the_nearest_known_key(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, '[tool.devstatic]\nstatic-ulr = "/static/"\n')
    with pytest.raises(ImproperlyConfigured) as info:
        Settings.load(path)
    message = str(info.value)
    assert "'static-ulr'" in message
    assert "Did you mean 'static-url'?" in message


def test_unknown_keyword_override_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"'dir'.*Did you mean 'dirs'"):
        Settings.load(dir=["static"])


@pytest.mark.parametrize(
    ("toml", "key", "fragment"),
    [
        ('debug = "yes"', "debug", "true, false or leave it unset"),
        ("insecure = 1", "insecure", "true or false"),
        ("follow-symlinks = 'no'", "follow-symlinks", "true or false"),
        ('dirs = "static"', "dirs", "must be a list of folders"),
        ('packages = "blog"', "packages", "must be a list of strings"),
        ("finders = [3]", "finders", "must be a non-empty string"),
        ("static-url = 5", "static-url", "non-empty string"),
        ("static-root = 5", "static-root", "folder path"),
        ('storage = "nodots"', "storage", "dotted path of a class"),
        ("storage-options = 3", "storage-options", "must be a table"),
        ('packages = ["not a name"]', "packages", "not a dotted Python name"),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, toml: str, key: str, fragment: str) -> None:
    path = write_pyproject(tmp_path, f"[tool.devstatic]\n{toml}\n")
    with pytest.raises(ImproperlyConfigured) as info:
        Settings.load(path)
    assert key in str(info.value)
    assert fragment in str(info.value)


def test_static_url_without_trailing_slash_says_what_to_write() -> None:
    with pytest.raises(ImproperlyConfigured, match="must end with '/': write '/assets/'"):
        Settings(static_url="/assets")


def test_static_url_may_be_absolute_and_is_served_at_its_path() -> None:
    settings = Settings(static_url="https://cdn.example.com/s/")
    assert settings.static_path == "/s/"


@pytest.mark.parametrize(
    "entry",
    [
        3,
        ["a", "b", "c"],
        [1, "x"],
        ["/vendor", "x"],
        ["vendor/", "x"],
        ["", "x"],
        ["a/../b", "x"],
        None,
    ],
)
def test_bad_dirs_entries_are_refused_with_the_shape_to_write(entry: object) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings(dirs=[entry])  # type: ignore[list-item]
    assert "dirs" in str(info.value)


def test_dirs_accept_paths_and_prefix_pairs_in_order(tmp_path: Path) -> None:
    settings = Settings(dirs=[tmp_path / "a", str(tmp_path / "b"), ("vendor", tmp_path / "c")])
    assert settings.dir_locations == (
        ("", tmp_path / "a"),
        ("", tmp_path / "b"),
        ("vendor", tmp_path / "c"),
    )


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings(static_url="static", insecure="x")  # type: ignore[arg-type]
    message = str(info.value)
    assert "static_url" in message and "insecure" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
        ("", None),
    ],
)
def test_devstatic_debug_values(raw: str, expected: bool | None) -> None:
    assert debug_from_env({"DEVSTATIC_DEBUG": raw}) is expected


def test_invalid_devstatic_debug_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEVSTATIC_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEVSTATIC_DEBUG='maybe' is not a boolean"):
        Settings.load()


def test_devstatic_debug_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_pyproject(tmp_path, "[tool.devstatic]\ndebug = true\n")
    monkeypatch.setenv("DEVSTATIC_DEBUG", "off")
    assert Settings.load(path).debug is False
    monkeypatch.setenv("DEVSTATIC_DEBUG", "on")
    assert Settings.load(path).debug is True


def test_keyword_overrides_win_over_file_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_pyproject(
        tmp_path, '[tool.devstatic]\ndebug = true\nstatic-url = "/file/"\ndirs = ["a"]\n'
    )
    monkeypatch.setenv("DEVSTATIC_DEBUG", "1")
    settings = Settings.load(path, debug=False, static_url="/kw/", dirs=[tmp_path / "b"])
    assert settings.debug is False
    assert settings.static_url == "/kw/"
    assert settings.dir_locations == (("", tmp_path / "b"),)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.static_url = "/x/"  # type: ignore[misc]


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, "[tool.devstatic\n")
    with pytest.raises(ImproperlyConfigured, match="not valid TOML"):
        Settings.load(path)
