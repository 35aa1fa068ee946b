"""``devstatic clean`` on the filesystem manifest storage: a rolling deploy, v1 → v2 → v3.

Age is made testable without sleeping by setting the files' mtimes (``os.utime``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from commands_helpers import Project, Result, run_in_terminal, subprocess_env

from devstatic.collect.clean import select_old

MANIFEST = 'storage = "devstatic.storage.ManifestStaticFilesStorage"\n'
HOUR = 3600


@pytest.fixture
def site(project: Project) -> Project:
    project.configure('dirs = ["static"]\nstatic-root = "collected"\n' + MANIFEST)
    return project


def deploy(site: Project, cli: Callable[..., Result], version: str) -> None:
    """Change the app's CSS and JS (new hashes), collect, and age every file by a day."""
    site.write("static/css/base.css", f"body {{ color: red }} /* {version} */\n" * 40)
    site.write("static/js/app.js", f"console.log({version!r})\n")
    result = cli("collectstatic", "--noinput", "-v0")
    assert result.code == 0, result.err
    age_everything(site.collected, 24 * HOUR)


def age_everything(root: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def hashed(site: Project, pattern: str) -> set[str]:
    """The collected names matching ``pattern`` (a regex on the POSIX relative path)."""
    return {
        p.relative_to(site.collected).as_posix()
        for p in site.collected.rglob("*")
        if p.is_file() and re.fullmatch(pattern, p.relative_to(site.collected).as_posix())
    }


CSS = r"css/base\.[0-9a-f]{12}\.css"
JS = r"js/app\.[0-9a-f]{12}\.js"


def test_rolling_deploy_keeps_the_previous_version_then_deletes_it_after_the_next(
    site: Project, cli: Callable[..., Result]
) -> None:
    deploy(site, cli, "v1")
    v1, v1_js = hashed(site, CSS), hashed(site, JS)
    deploy(site, cli, "v2")
    v2 = hashed(site, CSS) - v1

    kept = cli("clean", "--noinput")

    assert (kept.code, kept.out, kept.err) == (0, "0 static files deleted.\n", "")
    assert hashed(site, CSS) == v1 | v2

    deploy(site, cli, "v3")
    v3 = hashed(site, CSS) - v1 - v2
    gone = cli("clean", "--noinput", "-v2")

    (v1_css,), (v1_name_js,) = v1, v1_js
    assert gone.code == 0, gone.err
    assert gone.out == f"Deleting '{v1_css}'\nDeleting '{v1_name_js}'\n2 static files deleted.\n"
    assert hashed(site, CSS) == v2 | v3
    assert (site.collected / "css/base.css").is_file()  # plain names are never touched


def test_files_younger_than_max_age_stay_although_no_kept_manifest_names_them(
    site: Project, cli: Callable[..., Result]
) -> None:
    deploy(site, cli, "v1")
    v1 = hashed(site, CSS)
    deploy(site, cli, "v2")
    deploy(site, cli, "v3")
    age_everything(site.collected, 10 * 60)

    young = cli("clean", "--noinput", "--keep", "1")
    assert (young.code, young.out) == (0, "0 static files deleted.\n")
    old = cli("clean", "--noinput", "--keep", "1", "--max-age", "300")
    assert (old.code, old.out) == (0, "4 static files deleted.\n")  # v1's and v2's CSS and JS
    assert not v1 & hashed(site, CSS)


def test_keep_zero_and_age_zero_never_delete_what_the_current_manifest_names(
    site: Project, cli: Callable[..., Result]
) -> None:
    deploy(site, cli, "v1")
    deploy(site, cli, "v2")
    current = hashed(site, CSS)

    result = cli("clean", "--noinput", "--keep", "0", "--max-age", "0")

    assert (result.code, result.out) == (0, "2 static files deleted.\n")
    assert hashed(site, CSS) == current - {n for n in current if n not in _current_names(site)}
    assert len(hashed(site, CSS)) == 1


def _current_names(site: Project) -> set[str]:
    import json

    return set(json.loads((site.collected / "staticfiles.json").read_text())["paths"].values())


def test_precompressed_siblings_of_old_hashed_files_go_with_them(
    site: Project, cli: Callable[..., Result]
) -> None:
    site.configure(
        'dirs = ["static"]\nstatic-root = "collected"\n'
        + MANIFEST
        + '[tool.devstatic.storage-options]\ncompress = ["gz"]\n'
    )
    deploy(site, cli, "v1")
    v1 = hashed(site, CSS)
    deploy(site, cli, "v2")
    deploy(site, cli, "v3")
    (v1_css,) = v1

    result = cli("clean", "--noinput", "-v2", "--dry-run")

    assert result.code == 0, result.err
    assert f"Pretending to delete '{v1_css}'\n" in result.out
    assert f"Pretending to delete '{v1_css}.gz'\n" in result.out
    assert result.out.endswith(
        "\n3 static files would be deleted.\n"
    )  # the JS is too small to gzip
    assert (site.collected / f"{v1_css}.gz").is_file()  # a dry run deletes nothing
    assert cli("clean", "--noinput").out == "3 static files deleted.\n"
    assert not (site.collected / f"{v1_css}.gz").exists()


def test_a_no_change_rerun_does_not_push_the_previous_version_out_of_the_keep_window(
    site: Project, cli: Callable[..., Result]
) -> None:
    deploy(site, cli, "v1")
    v1 = hashed(site, CSS)
    deploy(site, cli, "v2")
    assert cli("collectstatic", "--noinput", "-v0").code == 0
    age_everything(site.collected, 24 * HOUR)

    assert cli("clean", "--noinput").out == "0 static files deleted.\n"
    assert v1 <= hashed(site, CSS)
    assert len(list((site.collected / "staticfiles.history").iterdir())) == 2


def test_clean_without_a_terminal_needs_noinput_and_touches_nothing(
    site: Project, cli: Callable[..., Result]
) -> None:
    deploy(site, cli, "v1")
    deploy(site, cli, "v2")
    deploy(site, cli, "v3")
    before = hashed(site, r".*")

    result = cli("clean")

    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: clean asks for confirmation, but standard input is not a terminal. "
        "Pass --noinput to delete without asking.\n"
    )
    assert hashed(site, r".*") == before


def test_clean_on_a_storage_without_manifest_is_a_clear_error(
    project: Project, cli: Callable[..., Result]
) -> None:
    result = cli("clean", "--noinput")

    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: clean needs a storage that keeps a manifest, and FileSystemStorage "
        "(storage = 'devstatic.storage.FileSystemStorage') keeps none. Set storage to "
        "'devstatic.storage.ManifestStaticFilesStorage' or "
        "'devstatic.storage.ManifestS3Storage'.\n"
    )


def test_clean_before_any_collectstatic_says_to_collect_first(
    site: Project, cli: Callable[..., Result]
) -> None:
    result = cli("clean", "--noinput")

    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: there is no staticfiles.json in the storage, so clean cannot tell old files "
        "from current ones. Run collectstatic first.\n"
    )


def test_select_old_keeps_plain_names_kept_names_siblings_of_kept_and_young_files() -> None:
    stored = {
        "a.css": 0.0,
        "a.0123456789ab.css": 0.0,
        "a.0123456789ab.css.br": 0.0,
        "a.ba9876543210.css": 0.0,
        "a.ba9876543210.css.gz": 0.0,
        "b.111111111111.js": 95.0,
        "staticfiles.history/x.json": 0.0,
    }
    kept = {"a.css", "a.ba9876543210.css"}

    old = select_old(stored, kept, max_age=10, now=100.0)

    assert old == ["a.0123456789ab.css", "a.0123456789ab.css.br"]


@pytest.mark.parametrize(
    ("answer", "code", "ending"),
    [
        ("no", 1, "no\nCleaning static files cancelled.\n"),
        ("yes", 0, "yes\n2 static files deleted.\n"),
    ],
)
def test_clean_on_a_terminal_asks_first_and_deletes_only_after_yes(
    site: Project, cli: Callable[..., Result], answer: str, code: int, ending: str
) -> None:
    deploy(site, cli, "v1")
    deploy(site, cli, "v2")
    deploy(site, cli, "v3")
    before = hashed(site, r".*")

    status, shown = run_in_terminal(["clean"], site.root, subprocess_env(), answer=answer)

    assert status == code, shown
    assert shown == (
        "\nThis will delete 2 old hashed static files that the recent manifests no longer "
        "name.\nAre you sure you want to do this?\n\nType 'yes' to continue, or 'no' to "
        "cancel: " + ending
    )
    assert (hashed(site, r".*") == before) == (answer == "no")
