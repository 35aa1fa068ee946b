"""``ImproperlyConfigured.key`` names the setting an error is about, so that callers
(``devstatic check``, an editor) need not read it out of the message."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devstatic import ImproperlyConfigured, Settings
from devstatic.collect.nginx import nginx_block
from devstatic.config.debug_guard import check_debug
from devstatic.config.plugins import import_class
from devstatic.config.settings import debug_from_env
from devstatic.exceptions import ConfigProblem
from devstatic.finders import BaseFinder, package_folders
from devstatic.storage.base import Storage, get_storage

PACKAGE = Path(__file__).resolve().parents[2] / "devstatic"


def raised(call: Any, *args: Any, **kwargs: Any) -> ImproperlyConfigured:
    with pytest.raises(ImproperlyConfigured) as info:
        call(*args, **kwargs)
    return info.value


def test_every_raise_site_in_the_package_says_which_key() -> None:
    """``key=`` is keyword-only with a default (a user's plugin may leave it out), so
    nothing but this test keeps a new raise site in devstatic from forgetting it."""
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ImproperlyConfigured"
                and not any(keyword.arg == "key" for keyword in node.keywords)
            ):
                missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert missing == []


def test_a_field_error_carries_the_field_name() -> None:
    error = raised(Settings, static_url="/assets")
    assert error.key == "static_url"
    assert error.problems == (("static_url", str(error)),)


def test_every_problem_keeps_its_key_and_the_error_takes_the_first() -> None:
    error = raised(Settings, static_url="/assets", packages="blog", follow_symlinks="no")
    assert error.key == "static_url"
    assert [problem.key for problem in error.problems] == [
        "static_url",
        "packages",
        "follow_symlinks",
    ]
    assert all(isinstance(problem, ConfigProblem) for problem in error.problems)
    assert str(error) == "\n".join(problem.message for problem in error.problems)
    assert str(error).splitlines() == [
        "static_url '/assets' must end with '/': write '/assets/'.",
        "packages must be a list of strings, e.g. packages = ['blog'], not 'blog'.",
        "follow_symlinks must be true or false, not 'no'.",
    ]


def test_importmap_and_allowed_hosts_problems_are_under_their_field() -> None:
    error = raised(Settings, importmap={"imports": {"lit": "/lit.js"}}, allowed_hosts=["a b"])
    assert [problem.key for problem in error.problems] == ["importmap", "allowed_hosts"]


def test_toml_spelling_and_unknown_keys(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.devstatic]\nstatic-ulr = "/s/"\nstatic-url = "s/"\n')
    error = raised(Settings.load, config)
    assert [key for key, _ in error.problems] == [None, "static_url"]
    assert error.key is None  # the first problem, an unknown key, is about no field
    assert error.problems[1].message == "static-url 's/' must start with '/': write '/s/'."


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: Settings.load(Path("/no/such/pyproject.toml")), None),
        (lambda: Settings(dirs=[]).replace(dirz=[]), None),
        (lambda: Settings.load(None, dirz=[]), None),
        (lambda: import_class("nowhere.Finder", key="finders", base=BaseFinder), "finders"),
        (lambda: import_class("devstatic.Settings", key="storage", base=Storage), "storage"),
        (lambda: package_folders("no_such_package_q"), "packages"),
        (lambda: check_debug(Settings(debug=False), None), "debug"),
        (lambda: nginx_block(Settings()), "static_root"),
    ],
)
def test_errors_about_one_key_carry_it(call: Any, key: str | None) -> None:
    assert raised(call).key == key


def test_devstatic_debug_error_is_about_no_field() -> None:
    error = raised(debug_from_env, {"DEVSTATIC_DEBUG": "maybe"})
    assert (error.key, error.problems) == (None, ((None, str(error)),))


MANIFEST = "devstatic.storage.ManifestStaticFilesStorage"
S3 = "devstatic.storage.S3Storage"


@pytest.mark.parametrize(
    ("storage", "options", "key"),
    [
        ("devstatic.storage.FileSystemStorage", {"bukket": "x"}, "storage_options"),
        (MANIFEST, {"manifest_strict": "no"}, "storage_options.manifest_strict"),
        (MANIFEST, {"js_imports": 1}, "storage_options.js_imports"),
        (MANIFEST, {"integrity": "md5"}, "storage_options.integrity"),
        (MANIFEST, {"pre_hashed": "("}, "storage_options.pre_hashed"),
        (MANIFEST, {"compress": ["zz"]}, "storage_options.compress"),
        (S3, {}, "storage_options.bucket"),
        (S3, {"bucket": 5}, "storage_options.bucket"),
        (S3, {"bucket": "b", "endpoint_url": "s3.test"}, "storage_options.endpoint_url"),
        (S3, {"bucket": "b", "endpoint_url": 5}, "storage_options.endpoint_url"),
        (S3, {"bucket": "b", "max_workers": 0}, "storage_options.max_workers"),
    ],
)
def test_storage_option_errors_name_the_option(
    tmp_path: Path, storage: str, options: dict[str, Any], key: str
) -> None:
    """``storage_options.NAME`` with the name as the storage receives it (``_``)."""
    settings = Settings(storage=storage, storage_options=options, static_root=tmp_path)
    assert raised(get_storage, settings).key == key


def test_django_settings_errors_carry_the_field_they_become(tmp_path: Path) -> None:
    def django(**values: Any) -> SimpleNamespace:
        return SimpleNamespace(**{"DEBUG": True, "STATIC_URL": "static/", **values})

    assert raised(Settings.from_django, django(STATIC_URL=None)).key == "static_url"
    assert raised(Settings.from_django, django(STATIC_URL=5)).key == "static_url"
    bad_app = django(INSTALLED_APPS=["no_such_app_q"])
    assert raised(Settings.from_django, bad_app).key == "dirs"


def test_gather_needs_a_problem_and_keeps_them_in_order() -> None:
    with pytest.raises(ValueError):
        ImproperlyConfigured.gather([])
    error = ImproperlyConfigured.gather([("dirs", "a"), (None, "b")])
    assert (str(error), error.key, error.problems) == ("a\nb", "dirs", (("dirs", "a"), (None, "b")))


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Settings)])
def test_every_field_is_checked_and_its_problem_keyed(name: str) -> None:
    error = raised(Settings, **{name: object()})
    assert [key for key, _ in error.problems] == [name]
