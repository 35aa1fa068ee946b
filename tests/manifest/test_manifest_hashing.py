"""``file_hash`` and ``hashed_name`` build names exactly as Django does."""

from __future__ import annotations

import hashlib

import pytest

from devstatic.manifest import file_hash, hashed_name

H = "0123456789ab"

NAMES = [
    ("css/a.css", f"css/a.{H}.css"),
    ("a.css", f"a.{H}.css"),
    ("LICENSE", f"LICENSE.{H}"),
    ("dist/x.tar.gz", f"dist/x.tar.{H}.gz"),  # only the last extension
    ("js/jquery.min.js", f"js/jquery.min.{H}.js"),
    (".htaccess", f".htaccess.{H}"),  # a leading dot is not an extension
    ("a.b/c", f"a.b/c.{H}"),  # a dot in a folder is not an extension
    ("trailing.", f"trailing.{H}."),
    ("fonts/f.eot?#iefix", f"fonts/f.{H}.eot?#iefix"),  # IE's @font-face hack
    ("fonts/f.woff?v=1", f"fonts/f.{H}.woff?v=1"),
    ("img/s.svg#icon", f"img/s.{H}.svg#icon"),
    ("img/a%20b.png", f"img/a b.{H}.png"),  # Django percent-decodes the name
    (" img/a.png ", f"img/a.{H}.png"),  # and strips the path
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_hashed_name(name: str, expected: str) -> None:
    assert hashed_name(name, H) == expected


def test_hashed_name_with_empty_hash_adds_nothing() -> None:
    assert hashed_name("css/a.css", "") == "css/a.css"


def test_file_hash_is_first_12_hex_of_md5() -> None:
    assert file_hash(b"body{}") == hashlib.md5(b"body{}").hexdigest()[:12]
    assert file_hash(b"") == "d41d8cd98f00"


@pytest.mark.parametrize("name", [name for name, _ in NAMES])
def test_hashed_name_equals_djangos(name: str) -> None:
    """Django's ``hashed_name(name, content)`` is the same in 5.2 and 6.1."""
    from django.contrib.staticfiles.storage import HashedFilesMixin
    from django.core.files.base import ContentFile

    content = b"some bytes"
    expected = HashedFilesMixin().hashed_name(name, ContentFile(content))
    assert hashed_name(name, file_hash(content)) == expected
