"""``collectstatic --link`` and ``--clear``: symlinks, deleting, and never reaching outside."""

from __future__ import annotations

import os
from pathlib import Path

from commands_helpers import Project, tree

COLLECTED = ["css/base.css", "js/app.js", "pkg/only.js", "vendor/lib.js"]


def test_collectstatic_link_makes_symlinks_to_the_sources(project: Project, cli) -> None:
    result = cli("collectstatic", "--noinput", "--link")
    assert result.code == 0
    assert result.out.endswith(
        f"\n4 static files symlinked to '{project.collected}', 1 skipped due to conflict.\n"
    )
    link = project.collected / "vendor/lib.js"
    assert link.is_symlink()
    assert os.readlink(link) == str(project.root / "node/dist/lib.js")


def test_collectstatic_link_rerun_counts_links_unmodified(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "--link", "-v0")
    result = cli("collectstatic", "--noinput", "--link", "-v2")
    assert "Skipping 'js/app.js' (not modified)" in result.out.splitlines()
    assert result.out.endswith(
        f"\n0 static files symlinked to '{project.collected}', 4 unmodified, "
        "1 skipped due to conflict.\n"
    )


def test_collectstatic_link_replaces_copied_files_with_links(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    result = cli("collectstatic", "--noinput", "--link", "-v2")
    assert f"Linking '{project.root}/static/js/app.js'" in result.out.splitlines()
    assert (project.collected / "js/app.js").is_symlink()


def test_collectstatic_link_needs_a_storage_that_links(project: Project, cli) -> None:
    project.configure(
        'dirs = ["static"]\nstatic-root = "collected"\n'
        'storage = "commands_storages.NoLinkStorage"\n'
    )
    result = cli("collectstatic", "--noinput", "--link")
    assert result.code == 2
    assert result.err == (
        "error: --link needs a storage that can make symbolic links, and NoLinkStorage "
        "(storage = 'commands_storages.NoLinkStorage') cannot. Run collectstatic without --link.\n"
    )
    assert not project.collected.exists()


def test_collectstatic_clear_deletes_every_stored_file_first(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    project.write("collected/stale/old.css", "old")
    result = cli("collectstatic", "--noinput", "--clear")
    assert result.code == 0
    assert result.out.splitlines()[-1] == (
        f"5 static files deleted, 4 static files copied to '{project.collected}', "
        "1 skipped due to conflict."
    )
    assert "Deleting 'stale/old.css'" in result.out.splitlines()
    assert tree(project.collected) == COLLECTED


def test_collectstatic_clear_singular_deleted(project: Project, cli) -> None:
    project.configure('dirs = ["node/dist"]\nstatic-root = "collected"\n')
    project.write("collected/stale.css", "old")
    result = cli("collectstatic", "--noinput", "--clear")
    assert result.out == (
        f"Deleting 'stale.css'\n\n1 static file deleted, 1 static file copied to "
        f"'{project.collected}'.\n"
    )


def test_collectstatic_clear_unlinks_symlinks_and_spares_their_targets(
    project: Project, cli, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (outside / "folder").mkdir()
    (outside / "folder" / "inner.txt").write_text("keep me too")
    project.collected.mkdir()
    os.symlink(outside / "precious.txt", project.collected / "link.txt")
    os.symlink(outside / "folder", project.collected / "linked-folder")
    os.symlink(tmp_path / "gone", project.collected / "broken.txt")
    result = cli("collectstatic", "--noinput", "--clear", "-v0")
    assert result.code == 0
    assert (outside / "precious.txt").read_text() == "keep me"
    assert (outside / "folder" / "inner.txt").read_text() == "keep me too"
    assert tree(project.collected) == COLLECTED


def test_collectstatic_clear_dry_run_only_pretends(project: Project, cli) -> None:
    cli("collectstatic", "--noinput", "-v0")
    project.write("collected/stale.css", "old")
    result = cli("collectstatic", "--noinput", "--clear", "--dry-run")
    assert "Pretending to delete 'stale.css'" in result.out.splitlines()
    assert result.out.splitlines()[-1].startswith("5 static files deleted, ")
    assert "stale.css" in tree(project.collected)
