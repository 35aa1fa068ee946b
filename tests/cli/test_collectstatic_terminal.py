"""On a terminal: Django's confirmation prompt, and a progress bar."""

from __future__ import annotations

from commands_helpers import Project, run_in_terminal, subprocess_env, tree


def prompt(destination: str, *, clear: bool = False, dry_run: bool = False) -> str:
    text = "\n"
    if dry_run:
        text += "You have activated the --dry-run option so no files will be modified.\n\n"
    text += (
        "You have requested to collect static files at the destination\n"
        f"location as specified in your settings:\n\n    {destination}\n\n"
    )
    text += (
        "This will DELETE ALL FILES in this location!\n"
        if clear
        else "This will overwrite existing files!\n"
    )
    return text + "Are you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: "


def test_collectstatic_asks_before_overwriting_and_cancels_on_no(project: Project) -> None:
    project.write("collected/old.css", "old")
    env = subprocess_env(project.root / "pylib")
    code, shown = run_in_terminal(["collectstatic"], project.root, env, answer="no")
    assert code == 1
    assert shown.startswith(prompt(str(project.collected)))
    assert shown.endswith("no\nCollecting static files cancelled.\n")
    assert tree(project.collected) == ["old.css"]


def test_collectstatic_clear_prompt_warns_of_deleting_everything(project: Project) -> None:
    project.write("collected/old.css", "old")
    env = subprocess_env(project.root / "pylib")
    code, shown = run_in_terminal(
        ["collectstatic", "--clear", "--dry-run"], project.root, env, answer="nope"
    )
    assert code == 1
    assert shown.startswith(prompt(str(project.collected), clear=True, dry_run=True))


def test_collectstatic_collects_after_yes(project: Project) -> None:
    project.write("collected/old.css", "old")
    env = subprocess_env(project.root / "pylib")
    code, shown = run_in_terminal(["collectstatic", "--clear"], project.root, env, answer="yes")
    assert code == 0
    assert shown.rstrip().endswith(
        f"1 static file deleted, 4 static files copied to '{project.collected}', "
        "1 skipped due to conflict."
    )
    assert "old.css" not in tree(project.collected)


def test_collectstatic_does_not_ask_when_the_destination_is_empty(project: Project) -> None:
    env = subprocess_env(project.root / "pylib")
    code, shown = run_in_terminal(["collectstatic", "-v0"], project.root, env)
    assert (code, shown) == (0, "")
    assert len(tree(project.collected)) == 4


def test_collectstatic_shows_progress_on_a_terminal_only(project: Project) -> None:
    for i in range(50):
        project.write(f"static/many/f{i:02}.txt", str(i))
    env = subprocess_env(project.root / "pylib")
    code, shown = run_in_terminal(["collectstatic", "--noinput"], project.root, env)
    assert code == 0
    assert "54/54" in shown  # rich's files done / total column
    assert shown.rstrip().endswith(
        f"54 static files copied to '{project.collected}', 1 skipped due to conflict."
    )
