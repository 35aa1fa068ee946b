"""``{% devstatic_reload %}``: the script tag when live reload is on, nothing when off."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from devstatic import Settings
from devstatic.jinja import StaticExtension

TAG = '<script src="/static/__devstatic__/reload.js"></script>'


def render(settings: Settings, source: str = "{% devstatic_reload %}") -> str:
    env = Environment(autoescape=True, extensions=[StaticExtension])
    env.devstatic_settings = settings  # type: ignore[attr-defined]
    return env.from_string(source).render()


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(debug=True), TAG),
        (Settings(debug=True, live_reload=True), TAG),
        (Settings(debug=True, live_reload=False), ""),
        (Settings(debug=False), ""),
        (Settings(debug=False, insecure=True), ""),
        (Settings(debug=False, live_reload=True), TAG),
    ],
)
def test_reload_tag_renders_the_script_only_when_live_reload_is_on(
    settings: Settings, expected: str
) -> None:
    assert render(settings) == expected


def test_reload_tag_follows_devstatic_debug_when_settings_leave_debug_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVSTATIC_DEBUG", "1")
    assert render(Settings()) == TAG
    monkeypatch.setenv("DEVSTATIC_DEBUG", "0")
    assert render(Settings()) == ""


def test_reload_tag_uses_static_url_and_sits_beside_static_tags() -> None:
    settings = Settings(static_url="/assets/", debug=True)
    page = render(settings, "<link href=\"{% static 'a.css' %}\">{% devstatic_reload %}</body>")
    assert page == (
        '<link href="/assets/a.css"><script src="/assets/__devstatic__/reload.js"></script></body>'
    )
