"""Content-hashed names and rewritten references, equal to Django's byte for byte.

The pure core of the manifest storage: no storage I/O here, only bytes in and
bytes out, so it can be tested against Django file by file and reused by the
filesystem and S3 storages alike.

- :mod:`~devstatic.manifest.hashing`: ``file_hash`` and ``hashed_name``.
- :mod:`~devstatic.manifest.rewrite`: Django 6.1's CSS and JS reference rules.
- :mod:`~devstatic.manifest.process`: the multi-pass ``post_process_contents``.
- :mod:`~devstatic.manifest.manifest`: ``staticfiles.json`` out and in.
- :mod:`~devstatic.manifest.integrity`: subresource-integrity values.
"""

from devstatic.manifest.hashing import file_hash, hashed_name
from devstatic.manifest.integrity import integrity_table, integrity_value
from devstatic.manifest.manifest import (
    MANIFEST_VERSION,
    load_manifest,
    load_manifest_integrity,
    manifest_hash,
    manifest_json,
)
from devstatic.manifest.process import (
    PROPSHAFT_PRE_HASHED,
    MaxPassesExceededError,
    ProcessResult,
    is_pre_hashed,
    post_process_contents,
)
from devstatic.manifest.rewrite import (
    MissingReferenceError,
    Reference,
    rewrite_references,
    static_import_specifiers,
)

__all__ = [
    "MANIFEST_VERSION",
    "PROPSHAFT_PRE_HASHED",
    "MaxPassesExceededError",
    "MissingReferenceError",
    "ProcessResult",
    "Reference",
    "file_hash",
    "hashed_name",
    "integrity_table",
    "integrity_value",
    "is_pre_hashed",
    "load_manifest",
    "load_manifest_integrity",
    "manifest_hash",
    "manifest_json",
    "post_process_contents",
    "rewrite_references",
    "static_import_specifiers",
]
