"""The import paths users write (shared/DESIGN.md's Python API, the README's examples)
keep working whatever the package's inner layout."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "devstatic": [
        "StaticFilesMiddleware",
        "Settings",
        "ImproperlyConfigured",
        "static",
        "importmap",
        "integrity",
    ],
    "devstatic.finders": ["BaseFinder", "FileSystemFinder", "PackageFinder", "find", "find_all"],
    "devstatic.storage": [
        "Storage",
        "FileSystemStorage",
        "ManifestFilesMixin",
        "ManifestStaticFilesStorage",
        "S3Storage",
        "ManifestS3Storage",
    ],
    "devstatic.testing": ["static_client"],
    "devstatic.jinja": ["StaticExtension"],
    "devstatic.collect": ["collect", "CollectOptions"],
    "devstatic.cli": ["main"],
    "devstatic.pytest_plugin": ["static_client"],
}


@pytest.mark.parametrize(
    ("module", "name"), [(module, name) for module, names in PUBLIC.items() for name in names]
)
def test_public_name_is_importable_from_its_documented_module(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is not None


def test_a_name_no_module_documents_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError) as caught:
        importlib.import_module("devstatic.collect").copy  # noqa: B018
    assert str(caught.value) == "module 'devstatic.collect' has no attribute 'copy'"
