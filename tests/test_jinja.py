"""The Jinja2 extension: {% static %}, {% static ... as var %}, static()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from jinja2 import DictLoader, Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from devstatic import Settings
from devstatic.jinja import StaticExtension


def make_env(templates: dict[str, str], settings: Settings | None) -> Environment:
    env = Environment(loader=DictLoader(templates), extensions=[StaticExtension], autoescape=True)
    if settings is not None:
        env.devstatic_settings = settings  # type: ignore[attr-defined]
    return env


SETTINGS = Settings(static_url="/assets/", debug=True)


def render(source: str, settings: Settings | None = SETTINGS, **context: Any) -> str:
    return make_env({"t.html": source}, settings).get_template("t.html").render(**context)


def test_static_tag_with_a_literal() -> None:
    assert render("{% static 'css/global.css' %}") == "/assets/css/global.css"


def test_static_tag_with_any_expression() -> None:
    assert render("{% static 'css/' ~ name %}", name="x.css") == "/assets/css/x.css"
    assert render("{% static name %}", name="js/app.js") == "/assets/js/app.js"


def test_static_tag_as_variable() -> None:
    source = "{% static name as url %}<a href='{{ url }}'>{{ url }}</a>"
    assert render(source, name="a.js") == "<a href='/assets/a.js'>/assets/a.js</a>"


def test_static_global_function() -> None:
    assert render("{{ static('img/logo.svg') }}") == "/assets/img/logo.svg"


def test_urls_are_quoted() -> None:
    assert render("{% static 'my file.css' %}") == "/assets/my%20file.css"


def test_absolute_static_url() -> None:
    cdn = Settings(static_url="https://cdn.example.com/s/", debug=True)
    assert render("{% static 'a.css' %}", cdn) == "https://cdn.example.com/s/a.css"


def test_without_env_settings_the_nearest_pyproject_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devstatic.links import static as urls

    (tmp_path / "pyproject.toml").write_text(
        '[tool.devstatic]\nstatic-url = "/fromfile/"\ndebug = true\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(urls, "_default", None)
    assert render("{% static 'a.css' %}", None) == "/fromfile/a.css"


async def test_works_with_starlettes_jinja2templates() -> None:
    env = make_env(
        {
            "page.html": (
                "<link href=\"{% static 'css/global.css' %}\">"
                "{% static 'blog/app.js' as js %}<script src=\"{{ js }}\"></script>"
                "<img src=\"{{ static('img/logo.svg') }}\">"
            )
        },
        SETTINGS,
    )
    templates = Jinja2Templates(env=env)

    async def page(request: Request) -> Any:
        return templates.TemplateResponse(request, "page.html", {})

    app = Starlette(routes=[Route("/", page)])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://localhost"
    ) as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert response.text == (
        '<link href="/assets/css/global.css"><script src="/assets/blog/app.js"></script>'
        '<img src="/assets/img/logo.svg">'
    )
