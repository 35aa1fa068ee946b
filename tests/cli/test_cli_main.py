"""The ``devstatic`` entry point: commands, ``--config``, exit statuses, error lines."""

from __future__ import annotations

import gc
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from commands_helpers import Project, run_devstatic, subprocess_env

REPO = Path(__file__).resolve().parents[2]


def test_cli_without_a_command_prints_help_and_exits_2(cli) -> None:
    result = cli()
    assert result.code == 2
    assert "findstatic" in result.err and "collectstatic" in result.err


def test_cli_help_lists_every_command_including_nginx(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for name in ("findstatic", "collectstatic", "check", "nginx"):
        assert name in result.out


def test_cli_unknown_option_is_a_usage_error(project: Project, cli) -> None:
    result = cli("collectstatic", "--frobnicate")
    assert result.code == 2
    assert "--frobnicate" in result.err
    assert not project.collected.exists()


def test_cli_invalid_toml_is_one_error_line_and_exit_2(project: Project, cli) -> None:
    project.write("pyproject.toml", "[tool.devstatic]\ndirs = [\n")
    for command in (["findstatic", "x.css"], ["collectstatic", "--noinput"]):
        result = cli(*command)
        assert result.code == 2
        assert result.out == ""
        lines = result.err.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"error: {project.root / 'pyproject.toml'} is not valid TOML")
    assert not project.collected.exists()


def test_cli_every_settings_problem_gets_its_own_error_line(project: Project, cli) -> None:
    project.configure('static-url = "static"\ndirs = [["vendor/", "node/dist"]]\n')
    result = cli("findstatic", "x.css")
    assert result.code == 2
    assert result.err.splitlines() == [
        "error: static-url 'static' must start and end with '/': write '/static/'.",
        f"error: dirs prefix 'vendor/' (for '{project.root / 'node/dist'}') must be a relative "
        f"path without a slash at either end: write ['vendor', '{project.root / 'node/dist'}'].",
    ]


def test_cli_unknown_key_names_the_nearest_known_key(project: Project, cli) -> None:
    project.configure('static-rot = "collected"\n')
    result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.err.startswith("error: Unknown devstatic setting 'static-rot'")
    assert "Did you mean 'static-root'?" in result.err


def test_cli_missing_config_file_exits_2(project: Project, cli, tmp_path: Path) -> None:
    result = cli("findstatic", "--config", str(tmp_path / "nope.toml"), "x.css")
    assert result.code == 2
    assert result.err.startswith(
        f"error: The config file '{tmp_path / 'nope.toml'}' does not exist."
    )


def test_python_dash_m_devstatic_runs_the_cli(project: Project) -> None:
    env = subprocess_env(project.root / "pylib")
    done = run_devstatic(["findstatic", "-v0", "js/app.js"], cwd=project.root, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"{project.root}/static/js/app.js\n",
        "",
    )


def test_cli_unimportable_package_is_a_config_error_naming_it(project: Project, cli) -> None:
    project.configure('packages = ["no_such_pkg_xyz"]\n')
    result = cli("findstatic", "x.css")
    assert result.code == 2
    assert result.err.startswith("error: packages entry 'no_such_pkg_xyz' cannot be imported")
    assert "Traceback" not in result.err


def test_console_script_imports_packages_from_the_project_folder(project: Project) -> None:
    """A console script has no cwd on sys.path; the CLI adds the project's folder."""
    project.write("rootpkg_cs/__init__.py", "")
    project.write("rootpkg_cs/static/root.css", "root")
    project.configure('packages = ["rootpkg_cs"]\n')
    script = Path(sys.executable).parent / "devstatic"
    env = subprocess_env()
    env.pop("PYTHONPATH")
    done = subprocess.run(
        [str(script), "findstatic", "-v0", "root.css"],
        cwd=project.root / "static",  # below the project: the config's folder is used
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"{project.root}/rootpkg_cs/static/root.css\n",
        "",
    )


def test_output_into_a_closed_pipe_exits_141_without_traceback(project: Project) -> None:
    for i in range(1500):  # ~150 KB of output: more than a pipe buffer holds
        project.write(f"static/many/file-with-a-longish-name-{i:05}.txt", "x")
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstatic", "collectstatic", "--noinput", "--dry-run"],
        cwd=project.root,
        env=subprocess_env(project.root / "pylib"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b"Pretending to copy")
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


def test_the_command_process_collects_rarely_and_skips_the_last_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``console_main`` (the console script, ``python -m devstatic``) raises the young
    generation's threshold for the run and freezes what is left when it returns; ``main``
    called from Python leaves the collector as it was."""
    cli_main = importlib.import_module("devstatic.cli.main")  # the package exports main()
    seen: list[tuple[int, ...]] = []

    def fake_main(argv: object = None) -> int:
        seen.append(gc.get_threshold())
        return 3

    threshold, before = gc.get_threshold(), gc.get_freeze_count()
    assert cli_main.main(["--help"]) == 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, before)
    monkeypatch.setattr(cli_main, "main", fake_main)
    try:
        assert cli_main.console_main() == 3
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert seen == [(cli_main.COMMAND_GC_THRESHOLD, *threshold[1:])]
    assert frozen > before
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["devstatic"] == "devstatic.cli.main:console_main"
    assert "sys.exit(console_main())" in (REPO / "devstatic" / "__main__.py").read_text()
