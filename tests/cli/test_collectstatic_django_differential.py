"""Differential tests against Django itself, run in a subprocess on the same tree:
``findstatic`` finds the same files in the same order, ``collectstatic`` collects the
same relative paths with the same bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from commands_helpers import run_devstatic, subprocess_env, tree

FILES = {
    "static/css/base.css": "body { color: red }\n",
    "static/css/nested/deep.css": "a { b: c }\n",
    "static/js/app.js": "console.log('dirs')\n",
    "static/.hidden": "secret\n",
    "static/notes.txt~": "backup\n",
    "static/CVS/Entries": "cvs\n",
    "static/img/logo.svg": "<svg/>\n",
    "node/dist/lib.js": "export const lib = 1\n",
    "node/dist/sub/x.js": "export const x = 2\n",
    "extra/css/base.css": "body { color: green }\n",
    "extra/only-extra.txt": "extra\n",
    "diffapp/__init__.py": "",
    "diffapp/static/css/base.css": "body { color: blue }\n",
    "diffapp/static/js/app.js": "console.log('app')\n",
    "diffapp/static/app/only.js": "only\n",
    "diffapp/static/vendor/lib.js": "shadowed by the prefixed dir\n",
    "diffapp/static/.dotdir/x.css": "hidden\n",
}

QUERIES = [
    "css/base.css",
    "js/app.js",
    "css/nested/deep.css",
    "vendor/lib.js",
    "vendor/sub/x.js",
    "app/only.js",
    "only-extra.txt",
    "img/logo.svg",
    "missing.css",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("differential")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "djsettings.py").write_text(
        "SECRET_KEY = 'differential'\n"
        "INSTALLED_APPS = ['django.contrib.staticfiles', 'diffapp']\n"
        "STATIC_URL = '/static/'\n"
        f"STATICFILES_DIRS = [{str(root / 'static')!r}, ('vendor', {str(root / 'node/dist')!r}),"
        f" {str(root / 'extra')!r}]\n"
        f"STATIC_ROOT = {str(root / 'django_root')!r}\n"
    )
    (root / "pyproject.toml").write_text(
        "[tool.devstatic]\n"
        'dirs = ["static", ["vendor", "node/dist"], "extra"]\n'
        'packages = ["diffapp"]\n'
        'static-root = "devstatic_root"\n'
    )
    return root


def run_django(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(site, DJANGO_SETTINGS_MODULE="djsettings")
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_findstatic_finds_what_django_finds_in_the_same_order(site: Path) -> None:
    theirs = run_django(site, "findstatic", "-v0", *QUERIES)
    assert theirs.returncode == 0, theirs.stderr
    ours = run_devstatic(["findstatic", "-v0", *QUERIES], cwd=site, env=subprocess_env(site))
    assert ours.returncode == 1  # missing.css
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()
    assert len(ours.stdout.splitlines()) == 12


def test_findstatic_first_matches_django(site: Path) -> None:
    theirs = run_django(site, "findstatic", "-v0", "--first", *QUERIES)
    ours = run_devstatic(
        ["findstatic", "-v0", "--first", *QUERIES], cwd=site, env=subprocess_env(site)
    )
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()


def test_collectstatic_collects_the_same_files_as_django(site: Path) -> None:
    theirs = run_django(site, "collectstatic", "--noinput", "-v0")
    assert theirs.returncode == 0, theirs.stderr
    ours = run_devstatic(["collectstatic", "--noinput", "-v0"], cwd=site, env=subprocess_env(site))
    assert ours.returncode == 0, ours.stderr
    django_files = tree(site / "django_root")
    assert tree(site / "devstatic_root") == django_files
    assert "css/base.css" in django_files and ".hidden" not in django_files
    for name in django_files:
        assert (site / "devstatic_root" / name).read_bytes() == (
            site / "django_root" / name
        ).read_bytes(), name
