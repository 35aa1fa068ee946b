"""Content-hashed names and rewritten references, equal to Django's byte for byte.

The pure core of the manifest storage: no storage I/O here, only bytes in and
bytes out, so it can be tested against Django file by file and reused by the
filesystem and S3 storages alike.

- :mod:`~devstatic.manifest.hashing`: ``file_hash`` and ``hashed_name``.
- :mod:`~devstatic.manifest.rewrite`: Django 6.1's CSS and JS reference rules.
- :mod:`~devstatic.manifest.process`: the multi-pass ``post_process_contents``.
- :mod:`~devstatic.manifest.manifest`: ``staticfiles.json`` out and in.
"""

from devstatic.manifest.hashing import file_hash, hashed_name
from devstatic.manifest.manifest import (
    MANIFEST_VERSION,
    load_manifest,
    manifest_hash,
    manifest_json,
)
from devstatic.manifest.process import (
    MaxPassesExceededError,
    ProcessResult,
    post_process_contents,
)
from devstatic.manifest.rewrite import (
    MissingReferenceError,
    Reference,
    rewrite_references,
)

__all__ = [
    "MANIFEST_VERSION",
    "MaxPassesExceededError",
    "MissingReferenceError",
    "ProcessResult",
    "Reference",
    "file_hash",
    "hashed_name",
    "load_manifest",
    "manifest_hash",
    "manifest_json",
    "post_process_contents",
    "rewrite_references",
]
