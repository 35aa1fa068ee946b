"""The README's Django ``asgi.py`` in a real ``django-admin startproject`` tree, under uvicorn.

It wraps the application only while ``DEBUG`` is on: with DEBUG on, devstatic serves the
project's and the admin's static files; with DEBUG off, the same file starts without a
refusal, the app answers, and static files are left to the web server (Django's 404).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from integration_helpers import REPO, run_uvicorn

CSS = "body { color: rebeccapurple; }\n"


def readme_asgi() -> str:
    """The Python block under ``<!-- test: django-project -->`` in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- test: django-project -->\n```python\n(.*?)```", text, re.DOTALL)
    assert found, "the README's Django example is gone"
    return found[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("django") / "proj"
    root.mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "mysite", str(root)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    settings = root / "mysite" / "settings.py"
    text = settings.read_text()
    text = text.replace("DEBUG = True", 'DEBUG = os.environ["DJANGO_DEBUG"] == "1"')
    text = text.replace("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["127.0.0.1"]')
    assert "os.environ" in text and "127.0.0.1" in text, "startproject's settings changed"
    settings.write_text("import os\n" + text + '\nSTATICFILES_DIRS = [BASE_DIR / "static"]\n')
    urls = root / "mysite" / "urls.py"
    urls.write_text(
        urls.read_text()
        + "\nfrom django.http import HttpResponse\n\n"
        + 'urlpatterns.append(path("hello/", lambda request: HttpResponse("hello")))\n'
    )
    (root / "mysite" / "asgi.py").write_text(readme_asgi())
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "global.css").write_text(CSS)
    return root


def env(debug: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEVSTATIC_", "DJANGO_"))}
    return {**clean, "DJANGO_DEBUG": debug}


def test_debug_on_serves_the_projects_and_the_admins_static_files(project: Path) -> None:
    with run_uvicorn("mysite.asgi:application", cwd=project, env=env("1")) as url:
        css = httpx.get(f"{url}/static/css/global.css", timeout=10)
        assert css.status_code == 200
        assert css.text == CSS
        assert css.headers["cache-control"] == "no-cache"  # devstatic's, not Django's
        assert "etag" in css.headers
        admin = httpx.get(f"{url}/static/admin/css/base.css", timeout=10)
        assert admin.status_code == 200
        assert httpx.get(f"{url}/hello/", timeout=10).text == "hello"


def test_debug_off_starts_without_devstatic_and_leaves_static_files_to_the_server(
    project: Path,
) -> None:
    with run_uvicorn("mysite.asgi:application", cwd=project, env=env("0")) as url:
        hello = httpx.get(f"{url}/hello/", timeout=10)
        assert hello.status_code == 200 and hello.text == "hello"
        css = httpx.get(f"{url}/static/css/global.css", timeout=10)
        assert css.status_code == 404
        assert "etag" not in css.headers
