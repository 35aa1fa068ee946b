"""The last manifests collectstatic wrote, kept beside ``staticfiles.json`` for ``clean``.

A rolling deploy serves pages of the previous version while the new one starts, so
``devstatic clean`` must know which hashed names the last few deploys used. Each run
that writes a manifest different from the newest kept one stores a copy as
``staticfiles.history/<UTC time>.json`` after ``staticfiles.json`` itself: the plain
manifest stays byte-identical to Django's, and a no-change rerun adds no entry (it
would otherwise push the previous version out of the keep window).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devstatic.storage.base import Storage

#: The folder (inside the storage) holding one copy per collected manifest.
HISTORY_DIR = "staticfiles.history"


def entry_name(now_ns: int | None = None) -> str:
    """``staticfiles.history/20261204T114500.123456789Z.json``: names sort by time."""
    ns = time.time_ns() if now_ns is None else now_ns
    seconds, fraction = divmod(ns, 1_000_000_000)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(seconds))
    return f"{HISTORY_DIR}/{stamp}.{fraction:09d}Z.json"


def history_names(storage: Storage) -> list[str]:
    """The kept manifest copies, oldest first.

    Listed from the history folder alone (``Storage.names_under``; S3 and the filesystem
    list that folder only): listing a whole bucket again would cost a no-change rerun
    more than everything else it does.
    """
    start = HISTORY_DIR + "/"
    names = storage.names_under(HISTORY_DIR)
    return sorted(
        name
        for name in names
        if name.startswith(start) and name.endswith(".json") and "/" not in name[len(start) :]
    )


def record(storage: Storage, manifest: bytes) -> None:
    """Keep a copy of ``manifest`` unless the newest kept copy already equals it."""
    names = history_names(storage)
    if names:
        try:
            if storage.read_bytes(names[-1]) == manifest:
                return
        except (FileNotFoundError, KeyError):
            pass
    storage.save_bytes(entry_name(), manifest)
