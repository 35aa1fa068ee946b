"""What ``devstatic clean`` deletes: old hashed files no recent manifest names.

Pure selection (``select_old``) apart from the storage I/O (``plan``), so the rules are
tested without a storage: a name goes only when it is a hashed name (or the ``.br``/
``.gz`` of one), named by none of the kept manifests (the current one and the last
``keep`` collected), and older than ``max_age`` seconds. Plain names are never touched.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from devstatic.manifest.manifest import load_manifest
from devstatic.storage.base import Storage
from devstatic.storage.manifest import ManifestFilesMixin
from devstatic.storage.manifest_history import HISTORY_DIR, history_names
from devstatic.storage.object_headers import is_hashed, sibling_original


class NothingToCleanError(Exception):
    """Why ``clean`` cannot decide anything (no manifest storage, no manifest)."""


@dataclass(frozen=True)
class Plan:
    """The names to delete (sorted) and the history copies no longer needed."""

    old: list[str]
    stale_history: list[str]


def named_by(manifests: Iterable[Mapping[str, str]]) -> set[str]:
    """Every plain and hashed name the manifests mention (both sides stay)."""
    names: set[str] = set()
    for paths in manifests:
        names.update(paths)
        names.update(paths.values())
    return names


def select_old(
    stored: Mapping[str, float], kept: set[str], *, max_age: float, now: float
) -> list[str]:
    """The stored hashed names (and their siblings) not in ``kept``, modified at least
    ``max_age`` seconds before ``now`` (``stored`` maps name → modification time)."""
    old = []
    for name, modified in stored.items():
        if name.startswith(HISTORY_DIR + "/"):
            continue
        base = sibling_original(name) or name
        if base in kept or not is_hashed(base):
            continue
        if now - modified >= max_age:
            old.append(name)
    return sorted(old)


def plan(storage: Storage, *, keep: int, max_age: float, now: float | None = None) -> Plan:
    """Read the current manifest and the last ``keep`` collected ones; pick the old files."""
    if not isinstance(storage, ManifestFilesMixin):
        raise NothingToCleanError("not a manifest storage")
    try:
        current = storage.read_bytes(storage.manifest_name)
    except (FileNotFoundError, KeyError):
        raise NothingToCleanError(f"no {storage.manifest_name}") from None
    history = history_names(storage)
    recent, stale = history[len(history) - keep :] if keep else [], history[: len(history) - keep]
    manifests = [load_manifest(current)[0]]
    for name in recent:
        try:
            manifests.append(load_manifest(storage.read_bytes(name))[0])
        except (FileNotFoundError, KeyError):
            continue
    kept = named_by(manifests) | {storage.manifest_name}
    stored = dict(storage.modified_times())
    when = time.time() if now is None else now
    return Plan(select_old(stored, kept, max_age=max_age, now=when), stale)
