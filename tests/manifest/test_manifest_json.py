"""``staticfiles.json`` written as Django writes it, and read back."""

from __future__ import annotations

import hashlib
import json

import pytest

from devstatic.manifest import load_manifest, manifest_hash, manifest_json

PATHS = {
    "z.css": "z.0123456789ab.css",
    "a/b.png": "a/b.ba9876543210.png",
    "é.js": "é.aaaaaaaaaaaa.js",
}


def test_manifest_json_bytes() -> None:
    assert manifest_json(PATHS, "feedfacecafe") == (
        b'{"paths": {"a/b.png": "a/b.ba9876543210.png", '
        b'"z.css": "z.0123456789ab.css", '
        b'"\\u00e9.js": "\\u00e9.aaaaaaaaaaaa.js"}, '
        b'"version": "1.1", "hash": "feedfacecafe"}'
    )


def test_manifest_hash_is_md5_of_sorted_pairs() -> None:
    pairs = json.dumps(sorted(PATHS.items())).encode()
    assert manifest_hash(PATHS) == hashlib.md5(pairs).hexdigest()[:12]
    assert manifest_hash(dict(reversed(PATHS.items()))) == manifest_hash(PATHS)


def test_load_reads_what_we_write() -> None:
    assert load_manifest(manifest_json(PATHS, "feedfacecafe")) == (PATHS, "feedfacecafe")


def test_load_reads_version_1_0_without_hash() -> None:
    assert load_manifest(b'{"paths": {"a.css": "a.1.css"}, "version": "1.0"}') == (
        {"a.css": "a.1.css"},
        None,
    )


def test_load_without_paths_gives_empty_mapping() -> None:
    assert load_manifest(b'{"version": "1.1", "hash": ""}') == ({}, "")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"\xff\xfe{}",
        b"[]",
        b'{"paths": {}}',
        b'{"paths": {}, "version": "2.0"}',
        b'{"paths": [], "version": "1.1"}',
        b'{"paths": {"a": 1}, "version": "1.1"}',
        b'{"paths": {}, "version": "1.1", "hash": 5}',
    ],
)
def test_load_refuses_garbage(data: bytes) -> None:
    with pytest.raises(ValueError, match="Couldn't load manifest"):
        load_manifest(data)
