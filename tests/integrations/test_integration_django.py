"""Django: ``Settings.from_django()`` and ``get_asgi_application()`` wrapped with the middleware.

Django can be configured once per process, so everything that needs a configured Django
runs in a subprocess over a small project written to ``tmp_path``. The translation of a
plain settings object needs no configured Django and runs here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import django
import pytest
from integration_helpers import REPO, check_live_server, uvicorn_app

from devstatic import ImproperlyConfigured, Settings, StaticFilesMiddleware
from devstatic.config.django_settings import translate_static_url

ADMIN_STATIC = Path(django.__file__).parent / "contrib" / "admin" / "static"

SETTINGS = """
from pathlib import Path

BASE = Path(__file__).parent
DEBUG = True
SECRET_KEY = "not-secret"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "djurls"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "blogapp",
    "shopapp.apps.ShopConfig",
]
MIDDLEWARE = []
DATABASES = {}
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE / "static", ("vendor", BASE / "node_modules" / "lib")]
STATIC_ROOT = BASE / "collected"
"""

URLS = """
from django.http import HttpResponse
from django.urls import path

import djstate


def home(request):
    return HttpResponse("home", content_type="text/plain")


def started(request):
    return HttpResponse("yes" if djstate.started else "no", content_type="text/plain")


urlpatterns = [path("", home), path("started", started)]
"""

STATE = "started = []\n"

# Django's handler speaks HTTP only: websockets and lifespan go to small handlers of
# their own (as a Channels router would), all behind the one middleware.
ASGI = """
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djsettings")

from django.core.asgi import get_asgi_application

import djstate
from devstatic import Settings, StaticFilesMiddleware

django_app = get_asgi_application()


async def router(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] == "lifespan.startup":
            djstate.started.append(True)
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
    elif scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        text = (await receive())["text"]
        await send({"type": "websocket.send", "text": "echo: " + text})
        await send({"type": "websocket.close", "code": 1000})
    else:
        await django_app(scope, receive, send)


app = StaticFilesMiddleware(router, settings=Settings.from_django())
"""

CHECK = """
import asyncio
import json

import djasgi
import httpx
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders as django_finders

from devstatic import Settings, finders

ours = Settings.from_django()
django_served = {}
for finder in django_finders.get_finders():
    for path, storage in finder.list([]):
        # As collectstatic does: a STATICFILES_DIRS prefix is the storage's.
        served = "/".join(filter(None, [getattr(storage, "prefix", None), path]))
        django_served.setdefault(served, storage.path(path))
mismatches = {
    path: [source, str(finders.find(path, ours))]
    for path, source in django_served.items()
    if str(finders.find(path, ours)) != source
}


async def fetch():
    transport = httpx.ASGITransport(app=djasgi.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        out = {}
        for url in ("/", "/static/css/global.css", "/static/vendor/lib.js",
                    "/static/admin/css/base.css", "/static/blog/blog.css",
                    "/static/shop/shop.css", "/static/css/missing.css"):
            response = await http.get(url)
            out[url] = [response.status_code, response.text[:40]]
        return out


print(json.dumps({
    "static_url": ours.static_url,
    "dirs": [[p, str(f)] if isinstance(p, str) else str(p) for p, f in
             [(e if isinstance(e, tuple) else (e, None)) for e in ours.dirs]],
    "static_root": str(ours.static_root),
    "debug": ours.debug,
    "served_by_django": len(django_served),
    "mismatches": mismatches,
    "responses": asyncio.run(fetch()),
}))
"""


def write_project(root: Path) -> None:
    files = {
        "djsettings.py": SETTINGS,
        "djurls.py": URLS,
        "djstate.py": STATE,
        "djasgi.py": ASGI,
        "djcheck.py": CHECK,
        "blogapp/__init__.py": "",
        "blogapp/static/blog/blog.css": "/* blog */\n",
        # Shadowed by STATICFILES_DIRS, which Django searches before the apps.
        "blogapp/static/css/global.css": "/* the app's copy */\n",
        "shopapp/__init__.py": "",
        "shopapp/apps.py": (
            "from django.apps import AppConfig\n\n\n"
            "class ShopConfig(AppConfig):\n    name = 'shopapp'\n"
        ),
        "shopapp/static/shop/shop.css": "/* shop */\n",
        "static/css/global.css": "body { color: rebeccapurple; }\n",
        "node_modules/lib/lib.js": "export const lib = 1;\n",
    }
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def project_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEVSTATIC_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(REPO)])
    env["DJANGO_SETTINGS_MODULE"] = "djsettings"
    return env


@pytest.fixture(scope="module")
def django_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("djproject")
    write_project(root)
    return root


@pytest.fixture(scope="module")
def checked(django_project: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "djcheck.py"],
        cwd=django_project,
        env=project_env(django_project),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_from_django_translates_relative_static_url_dirs_root_and_debug(
    checked: dict[str, object], django_project: Path
) -> None:
    assert checked["static_url"] == "/static/"
    assert checked["static_root"] == str(django_project / "collected")
    assert checked["debug"] is True
    assert checked["dirs"] == [
        str(django_project / "static"),
        ["vendor", str(django_project / "node_modules" / "lib")],
        str(ADMIN_STATIC),
        str(django_project / "blogapp" / "static"),
        str(django_project / "shopapp" / "static"),
    ]


def test_from_django_finds_every_file_where_djangos_finders_find_it(
    checked: dict[str, object],
) -> None:
    assert isinstance(checked["served_by_django"], int)
    assert checked["served_by_django"] > 50  # the admin's files are among them
    assert checked["mismatches"] == {}


def test_djangos_asgi_app_wrapped_serves_dirs_prefixes_and_apps_static(
    checked: dict[str, object],
) -> None:
    responses = checked["responses"]
    assert isinstance(responses, dict)
    assert responses["/"] == [200, "home"]
    assert responses["/static/css/global.css"] == [200, "body { color: rebeccapurple; }\n"]
    assert responses["/static/vendor/lib.js"] == [200, "export const lib = 1;\n"]
    assert responses["/static/admin/css/base.css"][0] == 200
    assert responses["/static/blog/blog.css"] == [200, "/* blog */\n"]
    assert responses["/static/shop/shop.css"] == [200, "/* shop */\n"]
    assert responses["/static/css/missing.css"][0] == 404


def test_djangos_asgi_app_under_uvicorn(django_project: Path) -> None:
    env = {"DJANGO_SETTINGS_MODULE": "djsettings"}
    with uvicorn_app(django_project, "djasgi:app", extra_env=env) as base:
        check_live_server(base)


# -- plain settings objects: no configured Django needed ---------------------------------


def plain_settings(tmp_path: Path, **values: object) -> SimpleNamespace:
    defaults: dict[str, object] = {
        "DEBUG": True,
        "STATIC_URL": "/assets/",
        "STATICFILES_DIRS": [str(tmp_path / "static")],
        "INSTALLED_APPS": ["django.contrib.admin", "django.contrib.auth"],
        "STATIC_ROOT": None,
    }
    return SimpleNamespace(**{**defaults, **values})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("static/", "/static/"),
        ("/static/", "/static/"),
        ("assets/v2/", "/assets/v2/"),
        ("https://cdn.example.com/static/", "https://cdn.example.com/static/"),
    ],
)
def test_translate_static_url(value: str, expected: str) -> None:
    assert translate_static_url(value) == expected


def test_missing_static_url_is_an_error_naming_it() -> None:
    with pytest.raises(ImproperlyConfigured, match="STATIC_URL is not set"):
        translate_static_url(None)


def test_plain_settings_object_gets_admin_static_after_dirs(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    settings = Settings.from_django(plain_settings(tmp_path))
    assert settings.static_url == "/assets/"
    assert settings.dirs == (tmp_path / "static", ADMIN_STATIC)
    assert settings.static_root is None


def test_staticfiles_finders_without_app_directories_leaves_apps_out(tmp_path: Path) -> None:
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings = Settings.from_django(plain_settings(tmp_path, STATICFILES_FINDERS=finders))
    assert settings.dirs == (tmp_path / "static",)


def test_django_debug_false_is_refused_by_the_guard(tmp_path: Path) -> None:
    settings = Settings.from_django(plain_settings(tmp_path, DEBUG=False))
    assert settings.debug is False

    async def app(scope: object, receive: object, send: object) -> None: ...

    with pytest.raises(ImproperlyConfigured, match="only runs with debug on"):
        StaticFilesMiddleware(app, settings=settings)


def test_devstatic_debug_env_overrides_django_debug_and_arguments_override_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "on")
    assert Settings.from_django(plain_settings(tmp_path, DEBUG=False)).debug is True
    assert Settings.from_django(plain_settings(tmp_path), debug=False).debug is False


def test_unknown_installed_app_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = plain_settings(tmp_path, INSTALLED_APPS=["no_such_app_xyz"])
    with pytest.raises(ImproperlyConfigured, match="no_such_app_xyz"):
        Settings.from_django(bad)
