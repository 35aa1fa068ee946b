"""Subresource integrity values (``sha384-...``), as browsers check them.

An ``integrity`` attribute (or an import map's ``integrity`` entry) holds the
algorithm, a dash and the base64 digest of the bytes the browser receives (after
``Content-Encoding`` is undone): W3C Subresource Integrity, section 3.1.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

__all__ = ["ALGORITHMS", "DEFAULT_ALGORITHM", "integrity_table", "integrity_value"]

#: The algorithms browsers accept in ``integrity`` (SRI section 3.2).
ALGORITHMS = ("sha256", "sha384", "sha512")
#: What ``integrity()`` uses when the storage does not name one (Propshaft's choice too).
DEFAULT_ALGORITHM = "sha384"


def integrity_value(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """``algorithm-base64(digest(data))``, e.g. ``sha384-oqVuAfXRKap7fdgcCY5uykM6+R9G...``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"integrity algorithm must be one of {', '.join(ALGORITHMS)}.")
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode('ascii')}"


def integrity_table(
    hashed_files: Mapping[str, str], contents: Mapping[str, bytes], algorithm: str
) -> dict[str, str]:
    """The manifest's ``integrity`` table: each plain name → the integrity of the bytes
    written under its hashed name (what a browser fetching the hashed URL receives)."""
    return {
        name: integrity_value(contents[hashed], algorithm) for name, hashed in hashed_files.items()
    }
