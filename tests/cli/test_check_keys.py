"""``devstatic check`` files each error under the key the error carries, not under a key
guessed from the words of its message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devstatic.collect.checks import Problem, find_problems, problems_from_error
from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured
from devstatic.storage.base import Storage


class RootPickyStorage(Storage):
    """A third-party storage whose own check is about ``static_root``."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        raise ImproperlyConfigured(
            "static_root must be on a local disk for RootPickyStorage.", key="static_root"
        )


class KeylessStorage(Storage):
    """A third-party storage that raises as it did before errors carried keys."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        raise ImproperlyConfigured("storage entry trouble: region is not served here.")


def storage_problems(tmp_path: Path, storage: str) -> list[Problem]:
    settings = Settings(storage=storage, static_root=tmp_path / "out")
    return [p for p in find_problems(settings) if p.level == "error"]


def test_a_storage_error_about_static_root_is_filed_under_static_root(tmp_path: Path) -> None:
    assert storage_problems(tmp_path, f"{__name__}.RootPickyStorage") == [
        Problem(
            "error",
            "static_root",
            tmp_path / "out",
            "must be on a local disk for RootPickyStorage.",
        )
    ]


def test_a_storage_error_without_a_key_is_about_its_options(tmp_path: Path) -> None:
    """Even when its words begin like an import error of the storage class."""
    (problem,) = storage_problems(tmp_path, f"{__name__}.KeylessStorage")
    assert str(problem) == (
        "error: storage_options: storage entry trouble: region is not served here."
    )


def test_a_line_that_names_a_field_without_its_key_stays_whole_under_config() -> None:
    error = ImproperlyConfigured("dirs could not be read from the environment.", key=None)
    assert [str(p) for p in problems_from_error(error)] == [
        "error: config: dirs could not be read from the environment."
    ]


def test_each_problem_of_a_gathered_error_is_a_line_under_its_key() -> None:
    error = ImproperlyConfigured.gather(
        [
            (None, "Unknown devstatic setting 'dirz' (keyword argument)."),
            ("static_url", "static-url '/s' must end with '/': write '/s/'."),
            ("storage_options.compress", "storage-options compress entry 'zz' is not known."),
        ]
    )
    assert [str(p) for p in problems_from_error(error)] == [
        "error: config: Unknown devstatic setting 'dirz' (keyword argument).",
        "error: static_url: '/s' must end with '/': write '/s/'.",
        "error: storage_options: compress entry 'zz' is not known.",
    ]
