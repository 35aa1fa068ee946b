"""Which version of a file ``stat`` sees, and when that is enough to trust it.

Shared by the serving path (the resolver's cache, ``send``'s check that the file opened
is the one described) and the development hashed names, which both reuse what they read
only while the file is the same version.
"""

from __future__ import annotations

import os

__all__ = ["RACY_NS", "Version", "version_of"]

#: A file changed less than this long ago may be rewritten without a visible stat change
#: (the file system's coarse clock: git's "racy clean" problem), so it is not trusted yet.
RACY_NS = 2_000_000_000

Version = tuple[int, int, int, int, int]


def version_of(st: os.stat_result) -> Version:
    """What identifies one version of a file's content, as far as ``stat`` can tell."""
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
