"""Helpers for the production tests: a project to collect, its config, the CLI in a subprocess."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.servers import REPO

from devstatic import Settings
from devstatic.finders import get_finders

#: Big enough (> 256 bytes, compressible) that the manifest layer writes .gz/.br siblings.
MODULE_JS = b"export const greeting = 'hello';\n" + b"// padding so compression pays\n" * 40
PRE_CSS = b"body { color: #333 }\n" * 30


def make_extra_tree(root: Path) -> Path:
    """Files the demo lacks: an ES module, a precompressed sibling, a lone archive ..."""
    src = root / "extra"
    for folder in ("js", "css", "data", "fonts", "dist"):
        (src / folder).mkdir(parents=True, exist_ok=True)
    (src / "js" / "module.mjs").write_bytes(MODULE_JS)
    (src / "css" / "pre.css").write_bytes(PRE_CSS)
    (src / "css" / "pre.css.gz").write_bytes(gzip.compress(PRE_CSS, mtime=0))
    (src / "dist" / "archive.tar.gz").write_bytes(gzip.compress(b"not really a tar", mtime=0))
    (src / "data" / "info.json").write_bytes(b'{"name": "devstatic"}\n')
    (src / "fonts" / "face.woff2").write_bytes(b"wOF2 fake font bytes")
    (src / "LICENSE").write_bytes(b"BSD-3-Clause\n")
    return src


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str | Path):
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(value)


def write_config(
    folder: Path,
    *,
    storage: str,
    options: Mapping[str, Any] | None = None,
    static_url: str = "/static/",
    static_root: Path | None = None,
    extra_dirs: tuple[Path, ...] = (),
) -> Path:
    """A pyproject.toml collecting the demo (its dirs and its package) plus ``extra_dirs``."""
    lines = [
        "[tool.devstatic]",
        f"static-url = {_toml_value(static_url)}",
        f"dirs = {_toml_value([REPO / 'demo' / 'static', *extra_dirs])}",
        'packages = ["demo.blog"]',
        f"storage = {_toml_value(storage)}",
        "debug = false",
    ]
    if static_root is not None:
        lines.append(f"static-root = {_toml_value(static_root)}")
    if options:
        lines.append("[tool.devstatic.storage-options]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in options.items()]
    config = folder / "pyproject.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def sources(config: Path) -> dict[str, Path]:
    """What collectstatic collects for ``config``: served name → source file."""
    if str(REPO) not in sys.path:  # the demo's package, as the CLI (run from REPO) sees it
        sys.path.insert(0, str(REPO))
    settings = Settings.load(config)
    found: dict[str, Path] = {}
    for finder in get_finders(settings):
        for name, source in finder.list(settings.ignore_patterns):
            found.setdefault(name, source)
    return found


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """``python -m devstatic ARGS`` from the repository root (so ``demo`` imports)."""
    return subprocess.run(
        [sys.executable, "-m", "devstatic", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def collectstatic(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("collectstatic", "--noinput", "--config", str(config), *extra)
