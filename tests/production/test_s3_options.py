"""S3Storage's options and per-object headers, without a server (pure and constructor)."""

from __future__ import annotations

import pytest

from devstatic import Settings
from devstatic.exceptions import ImproperlyConfigured
from devstatic.storage import get_storage
from devstatic.storage.object_headers import (
    IMMUTABLE,
    NO_CACHE,
    ObjectHeaders,
    is_hashed,
    object_headers,
    sibling_original,
    unhashed,
)
from devstatic.storage.s3 import S3Storage

H = "0123456789ab"


@pytest.mark.parametrize(
    ("name", "hashed"),
    [
        (f"css/site.{H}.css", True),
        (f"css/site.{H}.css.gz", True),
        (f"LICENSE.{H}", True),
        (f"x.tar.{H}.gz", True),
        ("css/site.css", False),
        (f"css/site.{H}c.css", False),  # 13 hex digits
        (f"css/site.{H[:-1]}.css", False),  # 11 hex digits
        (f"css/site{H}.css", False),  # not its own part
        (f"css/v.{H}/site.css", False),  # a folder, not the file
        (f"css/site.{H.upper()}.css", False),
    ],
)
def test_is_hashed_wants_12_lowercase_hex_as_a_part_of_the_file_name(
    name: str, hashed: bool
) -> None:
    assert is_hashed(name) is hashed


@pytest.mark.parametrize(
    ("name", "is_sibling", "expected"),
    [
        ("css/a.css", False, ObjectHeaders("text/css; charset=utf-8", NO_CACHE)),
        ("css/a.css.gz", True, ObjectHeaders("text/css; charset=utf-8", NO_CACHE, "gzip")),
        (
            f"js/a.{H}.mjs.br",
            True,
            ObjectHeaders("text/javascript; charset=utf-8", IMMUTABLE, "br"),
        ),
        ("dist/archive.tar.gz", False, ObjectHeaders("application/gzip", NO_CACHE)),
        (f"img/a.{H}.png", False, ObjectHeaders("image/png", IMMUTABLE)),
        ("staticfiles.json", False, ObjectHeaders("application/json; charset=utf-8", NO_CACHE)),
    ],
)
def test_object_headers(name: str, is_sibling: bool, expected: ObjectHeaders) -> None:
    assert object_headers(name, is_sibling=is_sibling) == expected


def test_sibling_original_and_unhashed() -> None:
    assert sibling_original("css/a.css.gz") == "css/a.css"
    assert sibling_original("a.br") == "a"
    assert sibling_original("css/.gz") is None
    assert sibling_original("css/a.css") is None
    assert unhashed(f"css/a.{H}.css") == "css/a.css"
    assert unhashed(f"LICENSE.{H}") == "LICENSE"
    assert unhashed("css/a.css") == "css/a.css"


def s3_settings(**options: object) -> Settings:
    return Settings(storage="devstatic.storage.S3Storage", storage_options=options)


def test_missing_bucket_option_names_the_key() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"storage-options\.bucket is required"):
        get_storage(s3_settings(prefix="static"))


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="buckett"):
        get_storage(s3_settings(bucket="b", buckett="b"))


@pytest.mark.parametrize("value", [0, -1, "8", True, 2.5])
def test_max_workers_must_be_a_positive_whole_number(value: object) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"storage-options\.max-workers"):
        get_storage(s3_settings(bucket="b", max_workers=value))


def test_endpoint_url_needs_a_scheme() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"storage-options\.endpoint-url"):
        get_storage(s3_settings(bucket="b", endpoint_url="localhost:9000"))


def test_defaults_prefix_slashes_and_no_destination_in_the_summary() -> None:
    storage = get_storage(s3_settings(bucket="b", prefix="/static/assets/"))
    assert isinstance(storage, S3Storage)
    assert storage.max_workers == 8
    assert storage.key("css/a.css") == "static/assets/css/a.css"
    assert storage.describe() is None
    whole = get_storage(s3_settings(bucket="b", prefix="", max_workers=3))
    assert isinstance(whole, S3Storage)
    assert whole.key("css/a.css") == "css/a.css"
    assert whole.max_workers == 3


def test_url_is_the_cdn_static_url_plus_the_name() -> None:
    settings = Settings(
        static_url="https://cdn.example.com/static/",
        storage="devstatic.storage.S3Storage",
        storage_options={"bucket": "b"},
    )
    assert (
        get_storage(settings).url("css/a b.css") == "https://cdn.example.com/static/css/a%20b.css"
    )
