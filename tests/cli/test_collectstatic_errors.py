"""``collectstatic`` refuses bad destinations before touching anything, and reports storage
failures as one line on stderr with exit 1."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands_helpers import Project, tree
from support.servers import in_ci


def test_collectstatic_without_static_root_exits_2(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\n')
    result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        'error: static_root is not configured: set static-root = "staticfiles" in '
        "[tool.devstatic] (the folder collectstatic writes to).\n"
    )


def test_collectstatic_static_root_inside_dirs_exits_2_and_deletes_nothing(
    project: Project, cli
) -> None:
    project.configure('dirs = ["static"]\nstatic-root = "static/collected"\n')
    result = cli("collectstatic", "--noinput", "--clear")
    assert result.code == 2
    assert result.err == (
        f"error: static_root '{project.root}/static/collected' is inside the dirs folder "
        f"'{project.root}/static': collected files would be found again. "
        "Pick a static_root outside dirs.\n"
    )
    assert tree(project.root / "static") == ["css/base.css", "js/app.js"]


def test_collectstatic_static_root_equal_to_a_dir_exits_2(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\nstatic-root = "static"\n')
    result = cli("collectstatic", "--noinput", "--clear")
    assert result.code == 2
    assert result.err == (
        f"error: static_root '{project.root}/static' is the dirs folder "
        f"'{project.root}/static': collected files would be found again. "
        "Pick a static_root outside dirs.\n"
    )
    assert tree(project.root / "static") == ["css/base.css", "js/app.js"]


def test_collectstatic_static_root_that_cannot_be_created_exits_2(project: Project, cli) -> None:
    project.write("afile", "not a folder")
    project.configure('dirs = ["static"]\nstatic-root = "afile/collected"\n')
    result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.err.startswith(
        f"error: static_root '{project.root}/afile/collected' cannot be created"
    )


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """``folder`` refuses new files, even to root (which ignores mode bits: chattr +i)."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        reason = "running as root without chattr +i: cannot make a folder read-only"
        if in_ci():
            pytest.fail(reason)  # CI's file system supports it: the contract test must run
        pytest.skip(reason)
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_collectstatic_unwritable_static_root_exits_2(project: Project, cli) -> None:
    project.collected.mkdir()
    with read_only_folder(project.collected):
        result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.err.startswith(f"error: static_root '{project.collected}' is not writable")
    assert tree(project.collected) == []


def test_collectstatic_without_terminal_or_noinput_touches_nothing(project: Project, cli) -> None:
    project.write("collected/stale.css", "old")
    result = cli("collectstatic", "--clear")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "error: collectstatic asks for confirmation, but standard input is not a terminal. "
        "Pass --noinput to collect without asking.\n"
    )
    assert tree(project.collected) == ["stale.css"]


def test_collectstatic_no_input_alias_works(project: Project, cli) -> None:
    assert cli("collectstatic", "--no-input", "-v0").code == 0


def test_collectstatic_storage_error_is_one_line_and_exit_1(project: Project, cli) -> None:
    project.configure(
        'dirs = ["static"]\nstatic-root = "collected"\n'
        'storage = "commands_storages.RefusingStorage"\n'
    )
    result = cli("collectstatic", "--noinput")
    assert result.code == 1
    assert result.err == "error: the bucket refused 'js/app.js': AccessDenied.\n"
    assert "Traceback" not in result.out
    # What was written is whole.
    assert (project.collected / "css/base.css").read_text() == "body { color: red }\n"


def test_collectstatic_os_error_names_the_file_and_exits_1(project: Project, cli) -> None:
    project.configure(
        'dirs = ["static"]\nstatic-root = "collected"\n'
        'storage = "commands_storages.FullDiskStorage"\n'
    )
    result = cli("collectstatic", "--noinput")
    assert result.code == 1
    assert result.err == (
        "error: Failed collecting 'css/base.css': No space left on device "
        f"({project.collected}/css/base.css).\n"
    )


def test_collectstatic_unimportable_storage_exits_2(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\nstatic-root = "collected"\nstorage = "nope.Storage"\n')
    result = cli("collectstatic", "--noinput")
    assert result.code == 2
    assert result.err.startswith("error: storage entry 'nope.Storage' cannot be imported")


def test_collectstatic_without_a_local_destination_omits_to_in_the_summary(
    project: Project, cli
) -> None:
    project.configure(
        'dirs = ["static"]\nstatic-root = "collected"\n'
        'storage = "commands_storages.BucketLikeStorage"\n'
    )
    result = cli("collectstatic", "--noinput")
    assert result.out == "\n2 static files copied.\n"


def test_collectstatic_clear_with_a_broken_package_deletes_nothing(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    before = tree(project.collected)
    project.configure('dirs = ["static"]\npackages = ["gone_pkg_zz"]\nstatic-root = "collected"\n')
    result = cli("collectstatic", "--noinput", "--clear")
    assert result.code == 2
    assert result.err.startswith("error: packages entry 'gone_pkg_zz' cannot be imported")
    assert tree(project.collected) == before
