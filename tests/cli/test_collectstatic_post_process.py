"""Post-processing runs after every copy, ``finish()`` (the manifest) runs last."""

from __future__ import annotations

from commands_helpers import Project, tree

CONFIG = (
    'dirs = ["static"]\nstatic-root = "collected"\n'
    'storage = "commands_storages.ProcessingStorage"\n'
)


def test_collectstatic_post_processes_then_finishes(project: Project, cli) -> None:
    project.configure(CONFIG)
    result = cli("collectstatic", "--noinput", "-v2")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[-4:] == [
        "Post-processed 'css/base.css' as 'css/base.hashed.css'",
        "Skipped post-processing 'js/app.js'",
        "",
        f"2 static files copied to '{project.collected}', 1 post-processed.",
    ]
    assert (project.collected / "log.txt").read_text().splitlines() == [
        "post_process dry_run=False names=['css/base.css', 'js/app.js']",
        "finish",
    ]
    assert "css/base.hashed.css" in tree(project.collected)


def test_collectstatic_no_post_process_skips_it(project: Project, cli) -> None:
    project.configure(CONFIG)
    result = cli("collectstatic", "--noinput", "--no-post-process")
    assert result.out == f"\n2 static files copied to '{project.collected}'.\n"
    assert (project.collected / "log.txt").read_text().splitlines() == ["finish"]


def test_collectstatic_post_process_failure_is_one_line_and_skips_finish(
    project: Project, cli
) -> None:
    project.configure(CONFIG + "[tool.devstatic.storage-options]\nfail = true\n")
    result = cli("collectstatic", "--noinput")
    assert result.code == 1
    assert result.err == (
        "error: Post-processing 'css/base.css' failed: The file 'img/x.png' could not be found.\n"
    )
    assert "finish" not in (project.collected / "log.txt").read_text()
