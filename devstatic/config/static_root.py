"""The rule that ``static_root`` lies outside every ``dirs`` folder, for ``devstatic check``
and for collectstatic, which refuses to write there.

Collected files written into a folder the finders search would be found again: each run
would collect the previous run's output once more, one folder deeper. Symlinks are
resolved, so a ``static_root`` reached through a link to a ``dirs`` folder is caught too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from devstatic.disk.within import is_at_or_below


def static_root_in_dirs(root: Path, folders: Iterable[Path]) -> str | None:
    """Why ``root`` cannot be ``static_root`` beside the ``dirs`` ``folders``, or ``None``.

    The sentence names the root and the folder without the key (``'/p/static/out' is
    inside the dirs folder '/p/static': ...``): each caller puts the key where its
    lines have it.
    """
    real_root = os.path.realpath(root)
    for folder in folders:
        real_dir = os.path.realpath(folder)
        if is_at_or_below(real_root, real_dir):
            where = "is" if real_root == real_dir else "is inside"
            return (
                f"'{root}' {where} the dirs folder '{folder}': collected files would be "
                "found again. Pick a static_root outside dirs."
            )
    return None
