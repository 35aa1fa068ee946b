"""Content-Type table (RFC 9110 §8.3) and compressibility."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.http.mediatypes import (
    CHARSET_TYPES,
    DEFAULT_TYPE,
    MEDIA_TYPES,
    content_type_for,
    is_compressible,
)

UTF8 = "; charset=utf-8"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("site.css", "text/css" + UTF8),
        ("app.js", "text/javascript" + UTF8),
        ("app.mjs", "text/javascript" + UTF8),
        ("app.cjs", "text/javascript" + UTF8),
        ("data.json", "application/json" + UTF8),
        ("app.js.map", "application/json" + UTF8),
        ("site.webmanifest", "application/manifest+json" + UTF8),
        ("index.html", "text/html" + UTF8),
        ("index.htm", "text/html" + UTF8),
        ("robots.txt", "text/plain" + UTF8),
        ("feed.xml", "application/xml" + UTF8),
        ("table.csv", "text/csv" + UTF8),
        ("README.md", "text/markdown" + UTF8),
        ("captions.vtt", "text/vtt" + UTF8),
        ("logo.svg", "image/svg+xml" + UTF8),
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.webp", "image/webp"),
        ("a.avif", "image/avif"),
        ("favicon.ico", "image/x-icon"),
        ("a.bmp", "image/bmp"),
        ("f.woff", "font/woff"),
        ("f.woff2", "font/woff2"),
        ("f.ttf", "font/ttf"),
        ("f.otf", "font/otf"),
        ("f.eot", "application/vnd.ms-fontobject"),
        ("m.wasm", "application/wasm"),
        ("v.mp4", "video/mp4"),
        ("v.webm", "video/webm"),
        ("v.ogv", "video/ogg"),
        ("s.mp3", "audio/mpeg"),
        ("s.ogg", "audio/ogg"),
        ("s.oga", "audio/ogg"),
        ("s.wav", "audio/wav"),
        ("s.m4a", "audio/mp4"),
        ("s.flac", "audio/flac"),
        ("doc.pdf", "application/pdf"),
        ("a.zip", "application/zip"),
        ("a.tar.gz", "application/gzip"),
        ("a.tar", "application/x-tar"),
    ],
)
def test_known_extension_gets_its_type(name: str, expected: str) -> None:
    assert content_type_for(name) == expected


@pytest.mark.parametrize(
    "name",
    ["LICENSE", "a.unknownext", "app.js.br", "a.ts", "a.", ".css", "css/.js", "dir.css/file"],
)
def test_unknown_extension_or_dotfile_is_octet_stream(name: str) -> None:
    assert content_type_for(name) == DEFAULT_TYPE == "application/octet-stream"


@pytest.mark.parametrize("name", ["APP.JS", "App.Js", "static/js/app.JS"])
def test_extension_is_case_insensitive(name: str) -> None:
    assert content_type_for(name) == "text/javascript; charset=utf-8"


def test_only_the_last_path_segment_counts() -> None:
    assert content_type_for("vendor/lib.css/bundle.js") == "text/javascript; charset=utf-8"


def test_table_keys_are_lowercase_dotted_and_values_are_bare_types() -> None:
    for extension, media_type in MEDIA_TYPES.items():
        assert extension.startswith(".") and extension == extension.lower()
        assert "." not in extension[1:]
        assert ";" not in media_type and " " not in media_type
        assert media_type.count("/") == 1 and media_type == media_type.lower()


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        MEDIA_TYPES[".js"] = "text/plain"  # type: ignore[index]


def test_every_text_like_type_gets_utf8_and_others_do_not() -> None:
    for extension, media_type in MEDIA_TYPES.items():
        text_like = media_type.startswith("text/") or media_type in CHARSET_TYPES
        assert content_type_for("f" + extension).endswith(UTF8) == text_like


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/css; charset=utf-8", True),
        ("text/html", True),
        ("text/javascript; charset=utf-8", True),
        ("application/json", True),
        ("application/manifest+json; charset=utf-8", True),
        ("application/xml", True),
        ("image/svg+xml; charset=utf-8", True),
        ("application/wasm", True),
        ("font/ttf", True),
        ("font/otf", True),
        ("application/vnd.ms-fontobject", True),
        ("image/x-icon", True),
        ("image/vnd.microsoft.icon", True),
        ("TEXT/CSS", True),
        ("image/png", False),
        ("image/jpeg", False),
        ("image/webp", False),
        ("image/avif", False),
        ("image/gif", False),
        ("video/mp4", False),
        ("audio/mpeg", False),
        ("font/woff", False),
        ("font/woff2", False),
        ("application/zip", False),
        ("application/gzip", False),
        ("application/pdf", False),
        ("application/octet-stream", False),
        ("", False),
    ],
)
def test_is_compressible(content_type: str, expected: bool) -> None:
    assert is_compressible(content_type) is expected


@given(st.text())
def test_any_name_gets_a_type_from_the_table_or_the_default(name: str) -> None:
    content_type = content_type_for(name)
    bare = content_type.removesuffix(UTF8)
    assert bare == DEFAULT_TYPE or bare in MEDIA_TYPES.values()
    assert isinstance(is_compressible(content_type), bool)
