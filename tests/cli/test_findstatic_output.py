"""``devstatic findstatic``: Django's wording, order and exit statuses."""

from __future__ import annotations

import os
from pathlib import Path

from commands_helpers import Project


def locations(project: Project) -> list[Path]:
    return [
        project.root / "static",
        project.root / "node/dist",
        project.root / "pylib" / project.package / "static",
    ]


def test_findstatic_lists_every_match_in_finder_order(project: Project, cli) -> None:
    result = cli("findstatic", "css/base.css")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.code == 0
    assert result.err == ""
    assert result.out == (
        f"Found 'css/base.css' here:\n  {project.root}/static/css/base.css\n  {pkg}/css/base.css\n"
    )


def test_findstatic_first_prints_only_the_winning_file(project: Project, cli) -> None:
    result = cli("findstatic", "--first", "css/base.css")
    assert result.out == f"Found 'css/base.css' here:\n  {project.root}/static/css/base.css\n"


def test_findstatic_verbosity_0_prints_bare_paths(project: Project, cli) -> None:
    result = cli("findstatic", "-v0", "css/base.css", "vendor/lib.js")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.out == (
        f"{project.root}/static/css/base.css\n{pkg}/css/base.css\n{project.root}/node/dist/lib.js\n"
    )


def test_findstatic_verbosity_2_lists_every_location_searched(project: Project, cli) -> None:
    result = cli("findstatic", "-v2", "vendor/lib.js")
    where = "\n  ".join(str(p) for p in locations(project))
    assert result.out == (
        f"Found 'vendor/lib.js' here:\n  {project.root}/node/dist/lib.js\n"
        f"Looking in the following locations:\n  {where}\n"
    )


def test_findstatic_serves_a_prefixed_dir_under_its_prefix_only(project: Project, cli) -> None:
    assert cli("findstatic", "vendor/lib.js").code == 0
    assert cli("findstatic", "lib.js").code == 1


def test_findstatic_miss_goes_to_stderr_and_exits_1(project: Project, cli) -> None:
    result = cli("findstatic", "css/nope.css")
    assert (result.code, result.out) == (1, "")
    assert result.err == "No matching file found for 'css/nope.css'.\n"


def test_findstatic_miss_at_verbosity_2_lists_locations_after_a_blank_line(
    project: Project, cli
) -> None:
    result = cli("findstatic", "-v2", "nope.css")
    where = "\n  ".join(str(p) for p in locations(project))
    assert result.err == (
        "No matching file found for 'nope.css'.\n\n"
        f"Looking in the following locations:\n  {where}\n"
    )


def test_findstatic_miss_at_verbosity_0_is_silent_but_exits_1(project: Project, cli) -> None:
    result = cli("findstatic", "-v0", "nope.css")
    assert (result.code, result.out, result.err) == (1, "", "")


def test_findstatic_one_miss_among_hits_exits_1_and_prints_the_hits(project: Project, cli) -> None:
    result = cli("findstatic", "js/app.js", "nope.css", "pkg/only.js")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.code == 1
    assert result.out == (
        f"Found 'js/app.js' here:\n  {project.root}/static/js/app.js\n"
        f"Found 'pkg/only.js' here:\n  {pkg}/pkg/only.js\n"
    )
    assert result.err == "No matching file found for 'nope.css'.\n"


def test_findstatic_paths_escaping_the_roots_are_misses(project: Project, cli) -> None:
    project.write("secret.txt", "top secret")
    project.write("static/ok.txt", "ok")
    for path in ("../secret.txt", "css/../../secret.txt", "/etc/passwd", "css/../ok.txt"):
        result = cli("findstatic", path)
        assert result.code == 1, path
        assert result.out == ""
        assert result.err == f"No matching file found for '{path}'.\n"


def test_findstatic_prints_symlinks_resolved_as_django_does(project: Project, cli) -> None:
    os.symlink(project.root / "static/css/base.css", project.root / "static/alias.css")
    result = cli("findstatic", "alias.css")
    assert result.out == f"Found 'alias.css' here:\n  {project.root}/static/css/base.css\n"


def test_findstatic_ignores_ignored_files(project: Project, cli) -> None:
    project.write("static/.env", "SECRET=1")
    assert cli("findstatic", ".env").code == 1


def test_findstatic_reads_the_config_given_with_config(
    project: Project, cli, tmp_path: Path, monkeypatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli("findstatic", "js/app.js").code == 1  # no pyproject here: defaults, no dirs
    result = cli("findstatic", "--config", str(project.root / "pyproject.toml"), "js/app.js")
    assert result.out == f"Found 'js/app.js' here:\n  {project.root}/static/js/app.js\n"
    result = cli("--config", str(project.root / "pyproject.toml"), "findstatic", "js/app.js")
    assert result.code == 0
