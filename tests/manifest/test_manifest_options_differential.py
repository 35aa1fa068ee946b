"""The manifest storage's new options against Django's own collectstatic.

The real ``ManifestStaticFilesStorage`` (through ``collect()``) on the trees of the
differential tests: with default options (``pre-hashed`` on, Propshaft's form) every
byte in STATIC_ROOT, ``staticfiles.json`` included, equals Django's; with ``integrity``
the manifest is Django's bytes with one table added at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from manifest_django import RunDjango
from test_manifest_differential import COMMON_TREE, generated_tree

from devstatic import Settings
from devstatic.collect.collector import CollectOptions, collect
from devstatic.manifest import integrity_value
from devstatic.storage import get_storage


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


TREES = {
    "common": COMMON_TREE,
    "generated": generated_tree(seed=11, count=200),
}


def collect_ours(tmp_path: Path, files: dict[str, bytes], **options: Any) -> dict[str, bytes]:
    source, root = tmp_path / "ours-src", tmp_path / "ours-root"
    write_tree(source, files)
    settings = Settings(
        dirs=[source],
        static_root=root,
        storage="devstatic.storage.ManifestStaticFilesStorage",
        storage_options=options,
        debug=False,
    )
    storage = get_storage(settings)
    collect(settings, storage, options=CollectOptions())
    storage.close()
    return read_tree(root)


def without_history(files: dict[str, bytes]) -> dict[str, bytes]:
    """The collected files but the manifest history ``devstatic clean`` reads, which is
    ours alone, beside Django's files."""
    return {
        name: data for name, data in files.items() if not name.startswith("staticfiles.history/")
    }


@pytest.mark.parametrize("tree", list(TREES), ids=list(TREES))
def test_default_options_leave_static_root_byte_identical_to_djangos(
    run_django: RunDjango, tmp_path: Path, tree: str
) -> None:
    files = TREES[tree]
    django = run_django(files)
    assert django.error is None, django.error
    ours = collect_ours(tmp_path, files)
    assert django.manifest is not None
    assert ours.pop("staticfiles.json") == django.manifest
    ours = without_history(ours)
    assert sorted(ours) == sorted(django.root_files)
    assert [name for name in ours if ours[name] != django.root_files[name]] == []


def test_integrity_adds_one_table_after_djangos_manifest(
    run_django: RunDjango, tmp_path: Path
) -> None:
    django = run_django(COMMON_TREE)
    assert django.manifest is not None
    ours = collect_ours(tmp_path, COMMON_TREE, integrity="sha512")
    manifest = ours.pop("staticfiles.json")
    paths = json.loads(manifest)["paths"]
    table = {name: integrity_value(ours[paths[name]], "sha512") for name in sorted(paths)}
    assert manifest == django.manifest[:-1] + b', "integrity": ' + json.dumps(table).encode() + b"}"
    assert without_history(ours) == django.root_files
