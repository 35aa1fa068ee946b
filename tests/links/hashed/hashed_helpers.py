"""Shared helpers for the hashed-URL tests: trees on disk, settings, collectstatic."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from devstatic import Settings, StaticFilesMiddleware
from devstatic.collect.collector import CollectOptions, collect
from devstatic.storage.base import get_storage

MANIFEST = "devstatic.storage.ManifestStaticFilesStorage"
IMMUTABLE = "public, max-age=31536000, immutable"

# The manifest tests' trees are the reference trees here too (tests/ has no packages).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "manifest"))


def write_tree(root: Path, files: Mapping[str, bytes | str], *, settled: bool = True) -> None:
    """Write ``files``; ``settled`` dates them a minute back, as files not just edited are
    (a file changed in the last seconds is re-read on every check, see resolver.RACY_NS)."""
    past = time.time_ns() - 60 * 1_000_000_000
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        if settled:
            os.utime(path, ns=(past, past))


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    """Debug settings over ``tmp_path/static`` with the manifest storage."""
    values: dict[str, Any] = {
        "dirs": [tmp_path / "static"],
        "debug": True,
        "storage": MANIFEST,
        "static_root": tmp_path / "root",
        "live_reload": False,
    }
    values.update(overrides)
    return Settings(**values)


def collected(settings: Settings) -> tuple[dict[str, str], Path]:
    """Run collectstatic (the library call) and return the manifest paths and the root."""
    storage = get_storage(settings)
    collect(settings, storage, options=CollectOptions())
    assert settings.root is not None
    manifest = json.loads((settings.root / "staticfiles.json").read_text())
    return manifest["paths"], settings.root


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"app"})


def client_for(settings: Settings) -> httpx.AsyncClient:
    middleware = StaticFilesMiddleware(_ok, settings=settings)
    transport = httpx.ASGITransport(app=middleware)
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")
