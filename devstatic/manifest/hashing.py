"""Content hashes and hashed file names, built the way Django builds them.

A project that moves from Django's ``ManifestStaticFilesStorage`` keeps its URLs
and its CDN cache only if every name comes out identical. So these functions copy
``HashedFilesMixin.file_hash`` and ``HashedFilesMixin.hashed_name`` (Django 6.1)
quirk for quirk instead of doing what would look cleaner:

- the name is percent-decoded and split as a URL, so a query or fragment is kept
  after the hashed path (``font.eot?#iefix`` → ``font.<hash>.eot?#iefix``);
- the path is ``str.strip()``-ed, and the extension is the last one only
  (``x.tar.gz`` → ``x.tar.<hash>.gz``, ``.htaccess`` → ``.htaccess.<hash>``);
- an empty hash adds nothing, as Django does when it has no content to hash.
"""

from __future__ import annotations

import hashlib
import posixpath
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = ["HASH_LENGTH", "file_hash", "hashed_name"]

#: Hex digits of the md5 kept in a hashed name, as in Django.
HASH_LENGTH = 12


def file_hash(content: bytes) -> str:
    """Return the first 12 hex digits of the md5 of ``content``, as Django does.

    md5 is not used for security here, only to detect change, so it is flagged
    ``usedforsecurity=False`` and keeps working on FIPS-restricted systems.
    """
    return hashlib.md5(content, usedforsecurity=False).hexdigest()[:HASH_LENGTH]


def hashed_name(name: str, content_hash: str) -> str:
    """Return ``name`` with ``content_hash`` inserted before its extension.

    ``css/a.css`` → ``css/a.<hash>.css``; ``LICENSE`` → ``LICENSE.<hash>``;
    ``x.tar.gz`` → ``x.tar.<hash>.gz``; ``font.eot?#iefix`` →
    ``font.<hash>.eot?#iefix``. The result is what Django's
    ``HashedFilesMixin.hashed_name(name, content)`` returns on POSIX, including
    its percent-decoding of ``name`` and the "bulletproof @font-face" special
    case that keeps a bare ``?`` before a fragment.
    """
    parsed = urlsplit(unquote(name))
    clean_name = parsed.path.strip()
    directory, filename = posixpath.split(clean_name)
    root, ext = posixpath.splitext(filename)
    suffix = f".{content_hash}" if content_hash else ""
    path = posixpath.join(directory, f"{root}{suffix}{ext}")
    # Django re-adds the "?" of "font.eot?#iefix", which urlsplit drops, because
    # old IE versions need it to load the font.
    if "?#" in name and not parsed.query:
        path += "?"
    return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))
