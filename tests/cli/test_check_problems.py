"""``devstatic check``: one line per problem naming the key and the value; exit 1 on errors."""

from __future__ import annotations

import logging
from pathlib import Path

from commands_helpers import Project

from devstatic.collect.checks import find_problems, log_startup_warnings
from devstatic.config.settings import Settings

CLEAN = 'dirs = ["static", ["vendor", "node/dist"]]\nstatic-root = "collected"\n'


def test_check_clean_configuration_reports_no_issues(project: Project, cli) -> None:
    project.configure(CLEAN)
    result = cli("check")
    assert (result.code, result.out, result.err) == (0, "System check identified no issues.\n", "")


def test_check_missing_dirs_folder_is_an_error(project: Project, cli) -> None:
    project.configure('dirs = ["static", "nope"]\n')
    result = cli("check")
    assert result.code == 1
    assert result.out == (
        f"error: dirs: '{project.root}/nope' does not exist. Create the folder or remove it "
        "from dirs.\nSystem check identified 1 issue.\n"
    )


def test_check_dirs_entry_that_is_a_file_is_an_error(project: Project, cli) -> None:
    project.configure('dirs = ["static/js/app.js"]\n')
    result = cli("check")
    assert result.out.splitlines()[0] == (
        f"error: dirs: '{project.root}/static/js/app.js' is not a folder. List folders in dirs, "
        "not files."
    )


def test_check_static_url_without_trailing_slash_is_an_error(project: Project, cli) -> None:
    project.configure('static-url = "/assets"\n')
    result = cli("check")
    assert result.code == 1
    assert result.out == (
        "error: static_url: '/assets' must end with '/': write '/assets/'.\n"
        "System check identified 1 issue.\n"
    )


def test_check_prefix_ending_with_slash_is_an_error(project: Project, cli) -> None:
    project.configure('dirs = [["vendor/", "node/dist"]]\n')
    result = cli("check")
    assert result.code == 1
    dist = project.root / "node/dist"
    assert result.out.splitlines()[0] == (
        f"error: dirs: prefix 'vendor/' (for '{dist}') must be a relative path without a slash "
        f"at either end: write ['vendor', '{dist}']."
    )


def test_check_static_root_inside_dirs_is_an_error(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\nstatic-root = "static/out"\n')
    result = cli("check")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"error: static_root: '{project.root}/static/out' is inside the dirs folder "
        f"'{project.root}/static': collected files would be found again. "
        "Pick a static_root outside dirs."
    )


def test_check_unimportable_finder_storage_and_package_are_errors(project: Project, cli) -> None:
    project.configure(
        'dirs = ["static"]\npackages = ["no_such_pkg_q"]\n'
        'finders = ["devstatic.finders.FileSystemFinder", "nowhere.Finder"]\n'
        'storage = "devstatic.storage.NoSuchStorage"\n'
    )
    result = cli("check")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith(
        "error: packages: entry 'no_such_pkg_q' cannot be imported: no such package."
    )
    assert lines[1].startswith("error: finders: entry 'nowhere.Finder' cannot be imported (")
    assert lines[2] == (
        "error: storage: entry 'devstatic.storage.NoSuchStorage': module 'devstatic.storage' "
        "has no attribute 'NoSuchStorage'."
    )
    assert lines[3] == "System check identified 3 issues."


def test_check_unknown_storage_option_is_an_error(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\n[tool.devstatic.storage-options]\nbukket = "x"\n')
    result = cli("check")
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("error: storage_options: storage-options bukket")


def test_check_duplicate_paths_are_warnings_naming_where(project: Project, cli) -> None:
    project.write("static/vendor/lib.js", "shadows the prefixed dir")
    result = cli("check")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.code == 0
    assert result.out == (
        f"warning: dirs, packages: 'css/base.css' is provided by 2 files: "
        f"'{project.root}/static/css/base.css' is used, '{pkg}/css/base.css' is ignored. "
        "Rename or remove the ones you do not want.\n"
        f"warning: dirs: 'vendor/lib.js' is provided by 2 files: "
        f"'{project.root}/static/vendor/lib.js' is used, '{project.root}/node/dist/lib.js' is "
        "ignored. Rename or remove the ones you do not want.\n"
        "System check identified 2 issues.\n"
    )


def test_check_errors_come_before_warnings(project: Project, cli) -> None:
    project.configure(f'dirs = ["static", "nope"]\npackages = ["{project.package}"]\n')
    lines = cli("check").out.splitlines()
    assert lines[0].startswith("error: dirs:")
    assert lines[1].startswith("warning: dirs, packages: 'css/base.css'")


def test_check_invalid_toml_is_an_error_line(project: Project, cli) -> None:
    project.write("pyproject.toml", "[tool.devstatic\n")
    result = cli("check")
    assert result.code == 1
    assert result.out.startswith(f"error: config: {project.root}/pyproject.toml is not valid TOML")


def test_find_problems_returns_problem_objects(project: Project) -> None:
    settings = Settings.load(project.root / "pyproject.toml", dirs=["static", "missing"])
    problem, duplicate = find_problems(settings)
    assert (duplicate.level, duplicate.key, duplicate.value) == (
        "warning",
        "dirs, packages",
        "css/base.css",
    )
    assert (problem.level, problem.key, problem.value) == (
        "error",
        "dirs",
        str(project.root / "missing"),
    )


def test_startup_warnings_are_logged_once(project: Project, caplog, tmp_path: Path) -> None:
    settings = Settings.load(project.root / "pyproject.toml", dirs=["static", str(tmp_path / "x")])
    logger = logging.getLogger("devstatic.test_check")
    with caplog.at_level(logging.WARNING, logger="devstatic.test_check"):
        log_startup_warnings(settings, logger)
        log_startup_warnings(settings, logger)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        f"devstatic: error: dirs: '{tmp_path / 'x'}' does not exist. Create the folder or "
        "remove it from dirs.",
        f"devstatic: warning: dirs, packages: 'css/base.css' is provided by 2 files: "
        f"'{project.root}/static/css/base.css' is used, "
        f"'{project.root}/pylib/{project.package}/static/css/base.css' is ignored. "
        "Rename or remove the ones you do not want.",
    ]


def test_middleware_logs_the_warnings_once_at_startup(project: Project, caplog) -> None:
    from devstatic.serve.middleware import StaticFilesMiddleware

    async def app(scope, receive, send) -> None:  # pragma: no cover - never called
        pass

    settings = Settings.load(project.root / "pyproject.toml", debug=True, live_reload=False)
    with caplog.at_level(logging.WARNING, logger="devstatic"):
        StaticFilesMiddleware(app, settings=settings)
        StaticFilesMiddleware(app, settings=settings)
    warnings = [r.getMessage() for r in caplog.records if "provided by 2 files" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("devstatic: warning: dirs, packages: 'css/base.css'")


def test_startup_scan_lists_a_bounded_number_of_files(tmp_path) -> None:
    """A huge tree under dirs (node_modules) must not stall start-up: the middleware's
    check lists at most ``file_limit`` files; `devstatic check` lists them all."""
    from devstatic import Settings

    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        for i in range(30):
            (folder / f"f{i:02}.css").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"f{i:02}.css").write_text("x")
    settings = Settings(dirs=[first, second])
    everything = find_problems(settings, storage=False)
    assert len([p for p in everything if p.level == "warning"]) == 30
    # The first 30 files listed are a/'s: no name has been seen twice yet.
    assert find_problems(settings, storage=False, file_limit=30) == []


def test_check_names_every_import_map_entry_and_preload_no_finder_finds(
    project: Project, cli
) -> None:
    project.configure(
        'dirs = ["static"]\n'
        "[tool.devstatic.importmap]\n"
        'preload = ["js/app.js", "js/nope.js"]\n'
        "[tool.devstatic.importmap.imports]\n"
        'lit = "vendor/lit.js"\n'
        'app = "js/app.js"\n'
        '"app/" = "js/"\n'
        'cdn = "https://cdn.example.com/x.js"\n'
        "[tool.devstatic.importmap.scopes.'/static/legacy/']\n"
        'lit = "vendor/lit-2.js"\n'
    )
    result = cli("check")
    assert result.code == 1
    assert result.out == (
        "error: importmap: imports 'lit' = 'vendor/lit.js': no static file 'vendor/lit.js' in "
        "the finders' locations. Add the file or fix [tool.devstatic.importmap].\n"
        "error: importmap: scopes '/static/legacy/' 'lit' = 'vendor/lit-2.js': no static file "
        "'vendor/lit-2.js' in the finders' locations. Add the file or fix "
        "[tool.devstatic.importmap].\n"
        "error: importmap: preload 'js/nope.js': no static file 'js/nope.js' in the finders' "
        "locations. Add the file or fix [tool.devstatic.importmap].\n"
        "System check identified 3 issues.\n"
    )
