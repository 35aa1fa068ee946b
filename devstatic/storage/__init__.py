"""Storages: where ``collectstatic`` writes, and how ``static()`` builds hashed URLs.

``S3Storage`` and ``ManifestS3Storage`` need the ``s3`` extra (boto3); they are
imported on first use so the rest works without it.
"""

from __future__ import annotations

from typing import Any

from devstatic.storage.base import Storage, get_storage
from devstatic.storage.filesystem import FileSystemStorage

__all__ = [
    "FileSystemStorage",
    "ManifestFilesMixin",
    "ManifestS3Storage",
    "ManifestStaticFilesStorage",
    "S3Storage",
    "Storage",
    "get_storage",
]

_LAZY = {
    "ManifestFilesMixin": "devstatic.storage.manifest",
    "ManifestStaticFilesStorage": "devstatic.storage.manifest",
    "S3Storage": "devstatic.storage.s3",
    "ManifestS3Storage": "devstatic.storage.s3",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'devstatic.storage' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
