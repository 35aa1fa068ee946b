"""One table of precompressed siblings: what collectstatic writes is what the middleware
serves and what S3 labels, with the same content coding."""

from __future__ import annotations

import pytest

from devstatic.http.encoding import PRECOMPRESSED, negotiate_encoding
from devstatic.serve.resolver import SIBLINGS
from devstatic.storage.compress import SUFFIXES, siblings
from devstatic.storage.object_headers import object_headers

CSS = b"body { color: red }\n" * 100


@pytest.mark.parametrize(("option", "coding", "suffix"), PRECOMPRESSED)
def test_a_written_sibling_is_served_and_labelled_with_its_coding(
    option: str, coding: str, suffix: str
) -> None:
    written = siblings("css/a.css", CSS, [option])
    assert list(written) == [f"css/a.css{suffix}"]
    assert (coding, suffix) in SIBLINGS
    headers = object_headers(f"css/a.css{suffix}", is_sibling=True)
    assert headers.content_encoding == coding
    assert headers.content_type == "text/css; charset=utf-8"


def test_every_compress_option_has_a_sibling_the_middleware_looks_for() -> None:
    assert sorted(SUFFIXES.values()) == sorted(suffix for _, suffix in SIBLINGS)


def test_on_equal_weight_the_first_sibling_of_the_table_wins() -> None:
    assert negotiate_encoding("gzip, br", [c for c, _ in SIBLINGS]) == SIBLINGS[0][0]
