"""The commands for a newcomer: they say when no configuration was found, where they
looked, which version runs, what each ``-v`` level prints, and which folder is missing."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from commands_helpers import Project, Result

NONE = "(none: set dirs or packages)"


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with no pyproject.toml at or above it."""
    folder = tmp_path / "app"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def warning(here: Path, target: Path) -> str:
    return (
        f"warning: no [tool.devstatic] table in any pyproject.toml at or above {here}; "
        "running with the defaults (static-url = '/static/', no dirs, no static-root). "
        f"Add the table to {target}, or pass --config FILE."
    )


def test_findstatic_without_configuration_says_so_and_where_it_looked(bare: Path, cli) -> None:
    result: Result = cli("findstatic", "-v2", "css/site.css")
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        warning(bare, bare / "pyproject.toml"),
        "No matching file found for 'css/site.css'.",
        "",
        "Looking in the following locations:",
        f"  {NONE}",
    ]


def test_the_warning_names_the_pyproject_that_lacks_the_table(bare: Path, cli) -> None:
    (bare.parent / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result: Result = cli("check")
    assert result.code == 0
    assert result.err == warning(bare, bare.parent / "pyproject.toml") + "\n"
    assert result.out == "System check identified no issues.\n"


def test_collectstatic_without_configuration_warns_then_refuses(bare: Path, cli) -> None:
    result: Result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.err.splitlines()[0] == warning(bare, bare / "pyproject.toml")
    assert not (bare / "staticfiles").exists()


def test_no_warning_with_a_table_or_an_explicit_config(project: Project, cli) -> None:
    assert cli("check").err == ""
    assert cli("check", "--config", str(project.root / "pyproject.toml")).err == ""


def test_version_comes_from_the_installed_metadata(cli, capsys: pytest.CaptureFixture[str]) -> None:
    result: Result = cli("--version")
    assert result.code == 0
    assert result.out == f"devstatic {metadata.version('devstatic')}\n"


def help_text(cli, command: str) -> str:
    result: Result = cli(command, "--help")
    assert result.code == 0
    return re.sub(r"\s+", " ", result.out)


def test_findstatic_help_says_what_each_verbosity_level_prints(cli) -> None:
    assert (
        "-v {0,1,2}, --verbosity {0,1,2} 0: bare paths only; 1: 'Found ... here:' and each "
        "match (default); 2: also every location searched, a missing one marked"
    ) in help_text(cli, "findstatic")


def test_collectstatic_help_says_what_each_verbosity_level_prints(cli) -> None:
    assert (
        "-v {0,1,2,3}, --verbosity {0,1,2,3} 0: nothing but errors; 1: the summary line and "
        "skipped duplicates (default); 2: also each file copied, skipped or post-processed; "
        "3: the same as 2 (Django's highest level)"
    ) in help_text(cli, "collectstatic")


def test_findstatic_v2_marks_a_missing_dirs_folder(project: Project, cli) -> None:
    project.configure('dirs = ["static", "statik"]\n')
    result: Result = cli("findstatic", "-v2", "css/base.css")
    assert result.code == 0
    assert result.out == (
        "Found 'css/base.css' here:\n"
        f"  {project.root / 'static/css/base.css'}\n"
        "Looking in the following locations:\n"
        f"  {project.root / 'static'}\n"
        f"  {project.root / 'statik'}  (missing: no such folder)\n"
    )
