"""``Settings.from_django``: Django's values, then the same layers as a pyproject file
(``DEVSTATIC_DEBUG``, then keyword overrides)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from devstatic import ImproperlyConfigured, Settings
from devstatic.config.debug_guard import DJANGO_REFUSAL, REFUSAL, check_debug


def django(**values: Any) -> SimpleNamespace:
    defaults = {"DEBUG": True, "STATIC_URL": "static/", "STATICFILES_FINDERS": ()}
    return SimpleNamespace(**{**defaults, **values})


def refusal(settings: Settings) -> str:
    with pytest.raises(ImproperlyConfigured) as info:
        check_debug(settings, None)
    return str(info.value)


def test_a_static_url_override_stands_in_for_a_missing_static_url() -> None:
    """As the missing-STATIC_URL message advises."""
    assert Settings.from_django(django(STATIC_URL=None), static_url="/s/").static_url == "/s/"
    with pytest.raises(ImproperlyConfigured, match="or pass static_url='/static/'"):
        Settings.from_django(django(STATIC_URL=None))


def test_devstatic_debug_off_over_django_debug_off_gets_the_general_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The environment turned debug off: DEBUG = True in Django would not help."""
    monkeypatch.setenv("DEVSTATIC_DEBUG", "0")
    assert refusal(Settings.from_django(django(DEBUG=False))) == REFUSAL


def test_a_debug_none_override_leaves_djangos_debug_to_decide() -> None:
    settings = Settings.from_django(django(DEBUG=False), debug=None)
    assert settings.debug is False
    assert refusal(settings) == DJANGO_REFUSAL


def test_an_override_is_checked_like_a_pyproject_value() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings.from_django(django(), static_url="/s")
    assert (str(info.value), info.value.key) == (
        "static_url '/s' must end with '/': write '/s/'.",
        "static_url",
    )


def test_an_unknown_override_is_named_before_django_is_read() -> None:
    with pytest.raises(ImproperlyConfigured, match="Unknown devstatic setting 'dirz'"):
        Settings.from_django(django(STATIC_URL=None), dirz=[])
