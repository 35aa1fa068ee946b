"""Which files a CSS or JS file refers to, found by the rewriter itself.

Development computes a hashed name on demand: it needs the files a stylesheet or
module depends on, and only those, before it can run the passes on them. Asking the
rewriter (with a lookup that records instead of hashing) finds exactly the
references ``post_process_contents`` will look up, comments, strings and
``js-imports`` included, with no second set of rules to drift from the first.
"""

from __future__ import annotations

import posixpath

from devstatic.manifest.process import location_of
from devstatic.manifest.rewrite import decode_text, is_adjustable, rewrite_references

__all__ = ["referenced_locations"]


def referenced_locations(
    name: str, content: bytes, *, static_url: str = "/static/", js_imports: bool = True
) -> tuple[str, ...]:
    """The files (collected names, in order of first reference) that ``name`` refers to.

    Empty for a file that cannot hold references. A name is where the lookup opens
    the file (``img/a.png`` for ``../img/a.png?v=1#x``), whether or not it exists.
    """
    if not is_adjustable(name):
        return ()
    found: dict[str, None] = {}

    def record(target: str) -> str:
        target = posixpath.normpath(target)
        found[location_of(target)] = None
        return target

    rewrite_references(
        name, decode_text(content), record, static_url=static_url, js_imports=js_imports
    )
    return tuple(found)
