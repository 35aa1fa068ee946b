"""Every configuration message leads to the fix, in the spelling of its source.

A key from ``[tool.devstatic]`` is named as the file spells it (``static-url``), a keyword
argument as Python spells it (``static_url``); names users bring from Django and other
tools point at ours; a refusal built from Django's settings names ``DEBUG``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devstatic import ImproperlyConfigured, Settings, StaticFilesMiddleware
from devstatic.config.debug_guard import DJANGO_REFUSAL, REFUSAL

#: Every field in declaration order, as TOML and as Python spell them (the format of the
#: list is what is tested; fields are added as devstatic grows).
FIELDS = [f.name for f in dataclasses.fields(Settings)]
KNOWN_TOML = ", ".join(name.replace("_", "-") for name in FIELDS)
KNOWN_KEYWORDS = ", ".join(FIELDS)
FIRST_FIELDS = ["static_url", "dirs", "packages", "finders", "static_root", "storage"]


def test_the_known_keys_list_follows_the_fields_in_order() -> None:
    assert FIELDS[: len(FIRST_FIELDS)] == FIRST_FIELDS
    assert KNOWN_TOML.startswith("static-url, dirs, packages, finders, static-root, storage, ")


@pytest.fixture(autouse=True)
def _empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEVSTATIC_DEBUG", raising=False)


def load_error(tmp_path: Path, body: str) -> str:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.devstatic]\n" + body)
    with pytest.raises(ImproperlyConfigured) as info:
        Settings.load(config)
    return str(info.value)


def keyword_error(**overrides: Any) -> str:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings.load(**overrides)
    return str(info.value)


@pytest.mark.parametrize(
    ("brought", "ours"),
    [
        ("static_dirs", "dirs"),
        ("staticfiles_dirs", "dirs"),
        ("STATICFILES_DIRS", "dirs"),
        ("static_folder", "dirs"),
        ("directory", "dirs"),
        ("STATIC_ROOT", "static-root"),
        ("STATIC_URL", "static-url"),
        ("static_url_path", "static-url"),
        ("STATICFILES_STORAGE", "storage"),
        ("INSTALLED_APPS", "packages"),
        ("dirz", "dirs"),
    ],
)
def test_unknown_toml_keys_point_at_the_key_users_meant(
    tmp_path: Path, brought: str, ours: str
) -> None:
    message = load_error(tmp_path, f"{brought} = []\n")
    config = tmp_path / "pyproject.toml"
    assert message == (
        f"Unknown devstatic setting '{brought}' (in [tool.devstatic] of {config}). "
        f"Did you mean '{ours}'? Known keys: {KNOWN_TOML}."
    )


@pytest.mark.parametrize(
    ("brought", "ours"),
    [("static_dirs", "dirs"), ("STATIC_ROOT", "static_root"), ("directory", "dirs")],
)
def test_unknown_keyword_arguments_are_answered_in_python_spelling(brought: str, ours: str) -> None:
    assert keyword_error(**{brought: []}) == (
        f"Unknown devstatic setting '{brought}' (keyword argument). "
        f"Did you mean '{ours}'? Known keys: {KNOWN_KEYWORDS}."
    )


def test_an_unknown_key_with_nothing_close_lists_the_known_keys_only() -> None:
    assert keyword_error(zebra=1) == (
        f"Unknown devstatic setting 'zebra' (keyword argument). Known keys: {KNOWN_KEYWORDS}."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("static", "static_url 'static' must start and end with '/': write '/static/'."),
        ("static/", "static_url 'static/' must start with '/': write '/static/'."),
        ("/static", "static_url '/static' must end with '/': write '/static/'."),
        (
            "https://cdn.example.com/s",
            "static_url 'https://cdn.example.com/s' must end with '/': "
            "write 'https://cdn.example.com/s/'.",
        ),
        ("/s/?v=1", "static_url '/s/?v=1' must not have a query or fragment."),
        (
            "ftp://x/s",
            "static_url 'ftp://x/s' is not a path or an http(s) URL: write '/static/' or "
            "'https://cdn.example.com/static/'.",
        ),
    ],
)
def test_static_url_gets_one_fix_that_is_right_as_a_whole(value: str, message: str) -> None:
    assert keyword_error(static_url=value) == message


def test_toml_values_are_named_as_the_file_spells_the_key(tmp_path: Path) -> None:
    message = load_error(
        tmp_path, 'static-url = "static"\nfollow_symlinks = "no"\nstatic-root = 5\n'
    )
    assert message.splitlines() == [
        "static-url 'static' must start and end with '/': write '/static/'.",
        "static-root must be a folder path such as 'staticfiles', not 5.",
        "follow_symlinks must be true or false, not 'no'.",
    ]


def test_a_keyword_override_is_named_as_a_keyword_though_the_file_has_the_key(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.devstatic]\nstatic-url = "/s/"\n')
    assert keyword_error(static_url="s") == (
        "static_url 's' must start and end with '/': write '/s/'."
    )


def django_settings(debug: bool) -> SimpleNamespace:
    return SimpleNamespace(
        DEBUG=debug, STATIC_URL="static/", STATICFILES_FINDERS=(), STATIC_ROOT=None
    )


async def bare_app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not reached")


def test_a_refusal_from_django_settings_names_debug() -> None:
    settings = Settings.from_django(django_settings(False))
    with pytest.raises(ImproperlyConfigured) as info:
        StaticFilesMiddleware(bare_app, settings=settings)
    assert str(info.value) == DJANGO_REFUSAL
    assert DJANGO_REFUSAL == (
        "devstatic's StaticFilesMiddleware only runs with debug on, and your Django settings "
        "have DEBUG = False. Set DEBUG = True for development, or wrap the application only "
        "when settings.DEBUG is true (as the README's asgi.py does). In production, run "
        "`devstatic collectstatic` and let a real web server (nginx, `devstatic nginx`) or a "
        "CDN serve STATIC_ROOT."
    )


def test_django_debug_is_still_named_after_other_overrides(tmp_path: Path) -> None:
    settings = Settings.from_django(django_settings(False), dirs=[tmp_path])
    with pytest.raises(ImproperlyConfigured) as info:
        StaticFilesMiddleware(bare_app, settings=settings, static_url="/assets/")
    assert str(info.value) == DJANGO_REFUSAL


@pytest.mark.parametrize("how", ["env", "argument"])
def test_debug_set_elsewhere_gets_the_general_refusal(
    monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "env":
        monkeypatch.setenv("DEVSTATIC_DEBUG", "0")
        settings = Settings.from_django(django_settings(True))
    else:
        settings = Settings.from_django(django_settings(True), debug=False)
    with pytest.raises(ImproperlyConfigured) as info:
        StaticFilesMiddleware(bare_app, settings=settings)
    assert str(info.value) == REFUSAL
