"""``devstatic collectstatic``: what it copies, skips and deletes, and Django's exact lines."""

from __future__ import annotations

import os
from pathlib import Path

from commands_helpers import Project, tree

DUPLICATE = (
    "Found another file with the destination path 'css/base.css'. It will be ignored since "
    "only the first encountered file is collected. If this is not what you want, make sure "
    "every static file has a unique path."
)
COLLECTED = ["css/base.css", "js/app.js", "pkg/only.js", "vendor/lib.js"]


def set_mtime(path: Path, seconds_ago: float) -> None:
    when = os.stat(path).st_mtime - seconds_ago
    os.utime(path, (when, when))


def test_collectstatic_copies_first_match_and_reports_duplicates(project: Project, cli) -> None:
    result = cli("collectstatic", "--noinput")
    assert result.code == 0
    assert result.err == ""
    assert result.out == (
        f"{DUPLICATE}\n\n4 static files copied to '{project.collected}', "
        "1 skipped due to conflict.\n"
    )
    assert tree(project.collected) == COLLECTED
    assert (project.collected / "css/base.css").read_text() == "body { color: red }\n"
    assert (project.collected / "vendor/lib.js").read_text() == "export const lib = 1\n"


def test_collectstatic_rerun_counts_files_unmodified(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    result = cli("collectstatic", "--noinput")
    assert result.out.endswith(
        f"\n0 static files copied to '{project.collected}', 4 unmodified, "
        "1 skipped due to conflict.\n"
    )


def test_collectstatic_copies_a_changed_file_again(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    set_mtime(project.collected / "js/app.js", 10)
    project.write("static/js/app.js", "console.log(2)\n")
    result = cli("collectstatic", "--noinput", "-v2")
    source = project.root / "static/js/app.js"
    lines = result.out.splitlines()
    assert lines == [
        "Skipping 'css/base.css' (not modified)",
        "Deleting 'js/app.js'",
        f"Copying '{source}'",
        "Skipping 'vendor/lib.js' (not modified)",
        DUPLICATE,
        "Skipping 'pkg/only.js' (not modified)",
        "",
        f"1 static file copied to '{project.collected}', 3 unmodified, 1 skipped due to conflict.",
    ]
    assert (project.collected / "js/app.js").read_text() == "console.log(2)\n"


def test_collectstatic_verbosity_2_prints_a_line_per_file_in_search_order(
    project: Project, cli
) -> None:
    result = cli("collectstatic", "--noinput", "-v2")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.out.splitlines() == [
        f"Copying '{project.root}/static/css/base.css'",
        f"Copying '{project.root}/static/js/app.js'",
        f"Copying '{project.root}/node/dist/lib.js'",
        DUPLICATE,
        f"Copying '{pkg}/pkg/only.js'",
        "",
        f"4 static files copied to '{project.collected}', 1 skipped due to conflict.",
    ]


def test_collectstatic_verbosity_0_prints_nothing(project: Project, cli) -> None:
    result = cli("collectstatic", "--noinput", "-v0")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert tree(project.collected) == COLLECTED


def test_collectstatic_verbosity_3_is_accepted(project: Project, cli) -> None:
    assert cli("collectstatic", "--noinput", "-v3").code == 0


def test_collectstatic_creates_a_missing_static_root(project: Project, cli) -> None:
    project.configure('dirs = ["static"]\nstatic-root = "deep/er/collected"\n')
    assert cli("collectstatic", "--noinput", "-v0").code == 0
    assert tree(project.root / "deep/er/collected") == ["css/base.css", "js/app.js"]


def test_collectstatic_singular_summary_for_one_file(project: Project, cli) -> None:
    project.configure('dirs = ["node/dist"]\nstatic-root = "collected"\n')
    result = cli("collectstatic", "--noinput")
    assert result.out == f"\n1 static file copied to '{project.collected}'.\n"
    result = cli("collectstatic", "--noinput")
    assert result.out == f"\n0 static files copied to '{project.collected}', 1 unmodified.\n"


def test_collectstatic_dry_run_writes_nothing_and_says_so(project: Project, cli) -> None:
    result = cli("collectstatic", "--noinput", "--dry-run")
    pkg = project.root / "pylib" / project.package / "static"
    assert result.code == 0
    assert result.out.splitlines() == [
        f"Pretending to copy '{project.root}/static/css/base.css'",
        f"Pretending to copy '{project.root}/static/js/app.js'",
        f"Pretending to copy '{project.root}/node/dist/lib.js'",
        DUPLICATE,
        f"Pretending to copy '{pkg}/pkg/only.js'",
        "",
        f"4 static files copied to '{project.collected}', 1 skipped due to conflict.",
    ]
    assert not project.collected.exists()


def test_collectstatic_ignore_option_adds_to_the_default_patterns(project: Project, cli) -> None:
    project.write("static/.hidden", "h")
    project.write("static/notes.txt~", "backup")
    assert cli("collectstatic", "--noinput", "-v0", "-i", "*.js", "--ignore", "pkg").code == 0
    assert tree(project.collected) == ["css/base.css"]


def test_collectstatic_no_default_ignore_collects_dotfiles(project: Project, cli) -> None:
    project.write("static/.well-known/security.txt", "contact")
    project.write("static/notes.txt~", "backup")
    cli("collectstatic", "--noinput", "-v0")
    assert ".well-known/security.txt" not in tree(project.collected)
    cli("collectstatic", "--noinput", "-v0", "--no-default-ignore", "-i", "*~")
    assert ".well-known/security.txt" in tree(project.collected)
    assert "notes.txt~" not in tree(project.collected)


def test_collectstatic_copy_replaces_a_symlink_without_writing_through_it(
    project: Project, cli
) -> None:
    cli("collectstatic", "--noinput", "-v0", "--link")
    original = (project.root / "static/js/app.js").read_text()
    set_mtime(project.root / "static/js/app.js", -5)
    assert cli("collectstatic", "--noinput", "-v0").code == 0
    stored = project.collected / "js/app.js"
    assert not stored.is_symlink()
    assert stored.read_text() == original
    assert (project.root / "static/js/app.js").read_text() == original
