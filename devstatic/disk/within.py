"""The one "inside a folder" rule: what keeps a served or collected byte inside its root.

Written once because each copy of it drifts: a sibling lookup that copied the file
lookup once lost the check and served a byte from outside the roots. ``is_below`` and
``is_at_or_below`` compare spellings (pure); ``is_within_root`` resolves symlinks first,
which is what a security decision needs.
"""

from __future__ import annotations

import os


def is_below(path: str, folder: str) -> bool:
    """Whether ``path`` lies strictly inside ``folder``, as spelled (no symlink resolved).

    A prefix test on whole components: ``/srv/static-old`` is not inside ``/srv/static``.
    """
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def is_at_or_below(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` itself or lies inside it, as spelled."""
    return path == folder or is_below(path, folder)


def is_within_root(candidate: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``candidate``, symlinks resolved, lies inside ``root``, symlinks resolved."""
    return is_below(os.path.realpath(candidate), os.path.realpath(root))
