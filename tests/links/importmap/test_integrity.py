"""Subresource integrity: recorded by collectstatic, read by ``integrity()`` in
production, computed from the sources in development."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from jinja2 import Environment

from devstatic import Settings, integrity
from devstatic.collect.collector import CollectOptions, collect
from devstatic.exceptions import ImproperlyConfigured
from devstatic.jinja import StaticExtension
from devstatic.storage import ManifestStaticFilesStorage, get_storage

TREE = {
    "css/site.css": "body { background: url(../img/logo.png) }\n",
    "img/logo.png": "png bytes",
    "js/app.js": "console.log('app');\n",
}


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def project(
    tmp_path: Path, storage: str = "ManifestStaticFilesStorage", **options: Any
) -> Settings:
    source = tmp_path / "src"
    for name, text in TREE.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    return Settings(
        dirs=[source],
        static_root=tmp_path / "out",
        storage=f"devstatic.storage.{storage}",
        storage_options=options,
        debug=False,
    )


def run_collect(settings: Settings) -> dict[str, Any]:
    storage = get_storage(settings)
    collect(settings, storage, options=CollectOptions())
    assert settings.root is not None
    manifest = settings.root / "staticfiles.json"
    return json.loads(manifest.read_bytes()) if manifest.exists() else {}


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
def test_collectstatic_records_the_integrity_of_each_hashed_file(
    tmp_path: Path, algorithm: str
) -> None:
    settings = project(tmp_path, integrity=algorithm)
    manifest = run_collect(settings)
    root = tmp_path / "out"
    assert manifest["integrity"] == {
        name: sri((root / hashed).read_bytes(), algorithm)
        for name, hashed in manifest["paths"].items()
    }
    # The stylesheet's value is that of its rewritten bytes, not of the source.
    source_css = (tmp_path / "src" / "css" / "site.css").read_bytes()
    assert manifest["integrity"]["css/site.css"] != sri(source_css, algorithm)
    assert integrity("css/site.css", settings) == manifest["integrity"]["css/site.css"]
    assert list(manifest) == ["paths", "version", "hash", "integrity"]


def test_production_integrity_is_read_from_the_manifest(tmp_path: Path) -> None:
    settings = project(tmp_path, integrity="sha384")
    manifest = run_collect(settings)
    manifest["integrity"]["js/app.js"] = "sha384-from-the-manifest"
    (tmp_path / "out" / "staticfiles.json").write_text(json.dumps(manifest))
    fresh = settings.replace()  # a new settings object: a new storage, the manifest reread
    assert integrity("js/app.js", fresh) == "sha384-from-the-manifest"


def test_production_without_the_option_computes_from_the_collected_hashed_file(
    tmp_path: Path,
) -> None:
    settings = project(tmp_path)
    manifest = run_collect(settings)
    assert "integrity" not in manifest
    hashed = tmp_path / "out" / manifest["paths"]["css/site.css"]
    assert integrity("css/site.css", settings) == sri(hashed.read_bytes())


class CountingStorage(ManifestStaticFilesStorage):
    """Counts the reads of hashed files (importable by dotted path: tests/ is on sys.path)."""

    reads: ClassVar[list[str]] = []

    def read_bytes(self, name: str) -> bytes:
        if name != self.manifest_name:
            CountingStorage.reads.append(name)
        return super().read_bytes(name)


def test_a_hashed_files_computed_value_is_read_once(tmp_path: Path) -> None:
    settings = project(tmp_path).replace(storage="test_integrity.CountingStorage")
    manifest = run_collect(settings)
    CountingStorage.reads.clear()
    hashed = manifest["paths"]["js/app.js"]
    value = sri((tmp_path / "out" / hashed).read_bytes())
    assert [integrity("js/app.js", settings) for _ in range(3)] == [value] * 3
    assert CountingStorage.reads == [hashed]


def test_production_with_a_plain_storage_computes_from_static_root(tmp_path: Path) -> None:
    settings = project(tmp_path, storage="FileSystemStorage")
    run_collect(settings)
    (tmp_path / "out" / "js" / "app.js").write_text("collected bytes\n")
    assert integrity("/js/app.js", settings) == sri(b"collected bytes\n")


def test_production_names_a_file_the_manifest_lacks(tmp_path: Path) -> None:
    settings = project(tmp_path, integrity="sha384")
    run_collect(settings)
    with pytest.raises(ValueError) as caught:
        integrity("js/missing.js", settings)
    assert str(caught.value) == "Missing staticfiles manifest entry for 'js/missing.js'"


def test_development_computes_from_the_source_and_follows_changes(tmp_path: Path) -> None:
    settings = project(tmp_path, integrity="sha512").replace(debug=True)
    source = tmp_path / "src" / "js" / "app.js"
    assert integrity("js/app.js", settings) == sri(source.read_bytes(), "sha512")
    source.write_text("console.log('edited');\n")
    assert integrity("js/app.js", settings) == sri(b"console.log('edited');\n", "sha512")


def test_development_uses_sha384_when_the_storage_names_no_algorithm(tmp_path: Path) -> None:
    settings = project(tmp_path, storage="FileSystemStorage").replace(debug=True)
    assert integrity("img/logo.png", settings) == sri(b"png bytes")


@pytest.mark.parametrize("path", ["js/missing.js", "../src/js/app.js"])
def test_development_names_a_file_no_finder_has(tmp_path: Path, path: str) -> None:
    settings = project(tmp_path).replace(debug=True)
    with pytest.raises(ValueError) as caught:
        integrity(path, settings)
    assert str(caught.value) == (
        f"integrity({path!r}): no static file of that name in the finders' locations."
    )


def test_an_unknown_algorithm_names_the_key_in_production_and_development(
    tmp_path: Path,
) -> None:
    message = (
        'storage-options integrity must be one of "sha256", "sha384", "sha512" '
        "(browsers accept no other), not 'md5'."
    )
    settings = project(tmp_path, integrity="md5")
    with pytest.raises(ImproperlyConfigured) as caught:
        get_storage(settings)
    assert str(caught.value) == message
    with pytest.raises(ImproperlyConfigured) as caught:
        integrity("js/app.js", settings.replace(debug=True))
    assert str(caught.value) == message


def test_jinja_integrity_global(tmp_path: Path) -> None:
    settings = project(tmp_path).replace(debug=True, hashed_urls=False)
    env = Environment(extensions=[StaticExtension], autoescape=True)
    env.devstatic_settings = settings  # type: ignore[attr-defined]
    html = env.from_string(
        "<script src=\"{{ static('js/app.js') }}\" integrity=\"{{ integrity('js/app.js') }}\">"
    ).render()
    value = sri(TREE["js/app.js"].encode())
    assert html == f'<script src="/static/js/app.js" integrity="{value}">'
