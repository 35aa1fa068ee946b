"""The generated test data in ``bench/.work/`` (gitignored, rebuilt when missing).

Layout::

    single/static/css/site.css        5 KiB stylesheet (the 200 and 304 cases)
    single/static/media/big.bin       100 MiB of random bytes (Range and download cases)
    multi/bench_dirNN/static/...      20 static dirs; css/last.css (5 KiB) only in the last

The 20 dirs are also importable packages (``bench_dirNN``) so that Starlette's
``StaticFiles(packages=[...])``, its own way of searching several folders, can be used.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
CSS_SIZE = 5 * 1024
BIG_SIZE = 100 * 1024 * 1024
DIR_COUNT = 20
RANGE_START = 50 * 1024 * 1024 + 12345
RANGE_LENGTH = 1024
#: Other files in every static dir, so the search is not through empty folders.
FILLER_FILES = 30


@dataclass(frozen=True)
class Data:
    """Paths and expected bytes of the generated files."""

    work: Path
    css: bytes
    last_css: bytes
    range_bytes: bytes
    big_sha256: str

    @property
    def single_root(self) -> Path:
        return self.work / "single" / "static"

    @property
    def multi_parent(self) -> Path:
        return self.work / "multi"

    @property
    def multi_roots(self) -> list[Path]:
        return [self.multi_parent / f"bench_dir{i:02d}" / "static" for i in range(DIR_COUNT)]

    @property
    def big_path(self) -> Path:
        return self.single_root / "media" / "big.bin"


def stylesheet(seed: int) -> bytes:
    """A plausible CSS file of exactly ``CSS_SIZE`` bytes."""
    rng = random.Random(seed)
    rules = []
    while sum(len(r) for r in rules) < CSS_SIZE:
        rules.append(
            f".c{rng.randrange(10**6)} {{ color: #{rng.randrange(16**6):06x}; "
            f"margin: {rng.randrange(40)}px; }}\n"
        )
    return "".join(rules).encode()[:CSS_SIZE]


def _write_if_different(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _big_file(path: Path) -> str:
    """Write (once) 100 MiB of seeded random bytes; return their SHA-256."""
    marker = path.with_name(".big.sha256")
    if path.exists() and path.stat().st_size == BIG_SIZE and marker.exists():
        return marker.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    rng = random.Random(7)
    with open(path, "wb") as handle:
        for _ in range(BIG_SIZE // (1024 * 1024)):
            block = rng.randbytes(1024 * 1024)
            digest.update(block)
            handle.write(block)
    marker.write_text(digest.hexdigest())
    return digest.hexdigest()


def prepare(work: Path = WORK) -> Data:
    """Create the tree if needed and return what the checks compare against."""
    css = stylesheet(1)
    last_css = stylesheet(2)
    single = work / "single" / "static"
    _write_if_different(single / "css" / "site.css", css)
    # The last dir's file in the single root too: the 20-dir case times devstatic with
    # one dir on the same path in the same rounds (a lookup must not grow with dirs).
    _write_if_different(single / "css" / "last.css", last_css)
    big_sha = _big_file(single / "media" / "big.bin")
    for i in range(DIR_COUNT):
        package = work / "multi" / f"bench_dir{i:02d}"
        _write_if_different(package / "__init__.py", b"")
        root = package / "static"
        for j in range(FILLER_FILES):
            _write_if_different(root / "css" / f"dir{i:02d}_{j:02d}.css", stylesheet(1000 + j))
        if i == DIR_COUNT - 1:
            _write_if_different(root / "css" / "last.css", last_css)
    with open(single / "media" / "big.bin", "rb") as handle:
        handle.seek(RANGE_START)
        range_bytes = handle.read(RANGE_LENGTH)
    # Old mtimes: every server sees settled files, as in a real project being worked on.
    old = 1_600_000_000
    for root, _dirs, files in os.walk(work):
        for name in files:
            path = os.path.join(root, name)
            if os.stat(path).st_mtime != old:
                os.utime(path, (old, old))
    return Data(work, css, last_css, range_bytes, big_sha)
