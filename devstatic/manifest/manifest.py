"""``staticfiles.json``: written byte for byte as Django 6.1 writes it.

A project switching between Django's ``ManifestStaticFilesStorage`` and ours
keeps reading the other's manifest, and a deploy that compares manifests sees
no spurious change. So the layout is Django's: ``json.dumps`` with its default
separators and ASCII escaping, keys ``paths`` (sorted by name, since Django
6.0), ``version`` and ``hash``, no trailing newline. With the ``integrity`` storage
option a fourth key, ``integrity`` (plain name → ``sha384-...``), comes last; Django
reads only ``version`` and ``paths``, so it still reads such a manifest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from devstatic.manifest.hashing import file_hash

__all__ = [
    "MANIFEST_VERSION",
    "load_manifest",
    "load_manifest_integrity",
    "manifest_hash",
    "manifest_json",
]

#: The manifest format Django writes; it reads "1.0" too.
MANIFEST_VERSION = "1.1"
_READABLE_VERSIONS = ("1.0", "1.1")


def manifest_hash(hashed_files: Mapping[str, str]) -> str:
    """The ``hash`` Django stores: the md5 (12 hex) of the sorted pairs as JSON.

    It lets a deploy tell in one comparison whether any hashed name changed.
    """
    pairs = sorted(hashed_files.items())
    return file_hash(json.dumps(pairs).encode())


def manifest_json(
    hashed_files: Mapping[str, str],
    manifest_hash: str,
    integrity: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of ``staticfiles.json`` for this mapping and hash (and integrity table)."""
    payload: dict[str, object] = {
        "paths": dict(sorted(hashed_files.items())),
        "version": MANIFEST_VERSION,
        "hash": manifest_hash,
    }
    if integrity is not None:
        payload["integrity"] = dict(sorted(integrity.items()))
    return json.dumps(payload).encode()


def load_manifest(data: bytes) -> tuple[dict[str, str], str | None]:
    """Read a manifest written by Django or by us: ``(paths, hash)``.

    Versions "1.0" and "1.1" are accepted, as Django accepts them; a manifest
    without a ``hash`` (1.0 has none) gives ``None``. Anything else, including
    a JSON document of the wrong shape, raises ``ValueError``: a storage that
    silently served unhashed names would defeat cache busting.
    """
    try:
        stored = json.loads(data.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError
        raise ValueError(f"Couldn't load manifest: it is not UTF-8 JSON ({exc}).") from exc
    if not isinstance(stored, dict):
        raise ValueError("Couldn't load manifest: it is not a JSON object.")
    version = stored.get("version")
    if version not in _READABLE_VERSIONS:
        raise ValueError(
            f"Couldn't load manifest: version {version!r} is not one of "
            f"{', '.join(_READABLE_VERSIONS)}; run collectstatic again to rewrite it."
        )
    paths = stored.get("paths", {})
    if not isinstance(paths, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in paths.items()
    ):
        raise ValueError("Couldn't load manifest: 'paths' is not an object of strings.")
    digest = stored.get("hash")
    if digest is not None and not isinstance(digest, str):
        raise ValueError("Couldn't load manifest: 'hash' is not a string.")
    return dict(paths), digest


def load_manifest_integrity(data: bytes) -> dict[str, str]:
    """The ``integrity`` table of a manifest (checked as :func:`load_manifest` checks
    the rest); ``{}`` when collectstatic ran without the ``integrity`` option."""
    load_manifest(data)
    table = json.loads(data.decode("utf-8")).get("integrity", {})
    if not isinstance(table, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in table.items()
    ):
        raise ValueError("Couldn't load manifest: 'integrity' is not an object of strings.")
    return dict(table)
