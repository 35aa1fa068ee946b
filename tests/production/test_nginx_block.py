"""The text of `devstatic nginx` (pure), and the command's exit status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from production_helpers import run_cli

from devstatic import Settings
from devstatic.collect.nginx import charset_types, location_block, nginx_block
from devstatic.exceptions import ImproperlyConfigured
from devstatic.http.mediatypes import MEDIA_TYPES, content_type_for
from devstatic.storage.object_headers import HASHED_NAME_PATTERN


def test_types_block_maps_every_extension_of_our_table_once() -> None:
    block = location_block("/static/", "/srv/static")
    body = block.split("types {", 1)[1].split("}", 1)[0]
    mapped: dict[str, str] = {}
    for line in filter(None, (line.strip() for line in body.splitlines())):
        media_type, *extensions = line.rstrip(";").split()
        for extension in extensions:
            assert extension not in mapped, extension
            mapped[extension] = media_type
    assert mapped == {ext.lstrip("."): media_type for ext, media_type in MEDIA_TYPES.items()}
    assert mapped["mjs"] == "text/javascript"


def test_charset_types_are_exactly_the_types_the_middleware_sends_with_charset() -> None:
    listed = set(charset_types()) | {"text/html"}  # nginx always adds text/html
    for extension, media_type in MEDIA_TYPES.items():
        has_charset = content_type_for(f"x{extension}").endswith("; charset=utf-8")
        assert (media_type in listed) == has_charset, extension


def test_block_aliases_root_with_trailing_slash_under_the_static_url_path(
    tmp_path: Path,
) -> None:
    settings = Settings(static_url="https://cdn.example.com/assets/", static_root=tmp_path)

    block = nginx_block(settings)

    assert "\nlocation ^~ /assets/ {\n" in block
    assert f"    alias {tmp_path}/;\n" in block
    assert "    gzip_static on;\n" in block
    assert '    add_header Cache-Control "no-cache";\n' in block
    assert f'    location ~ "{HASHED_NAME_PATTERN}" {{\n' in block
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in block
    assert block.count("add_header X-Content-Type-Options nosniff;") == 2
    assert "brotli_static on;" not in block.replace("# brotli_static on;", "")


def test_brotli_flag_adds_brotli_static() -> None:
    block = location_block("/static/", "/srv/static", brotli=True)
    assert re.search(r"^    brotli_static on;", block, re.MULTILINE)


def test_paths_with_spaces_are_quoted_and_dollar_signs_refused() -> None:
    block = location_block("/my%20static/", "/srv/my static")
    assert '\nlocation ^~ "/my static/" {\n' in block
    assert '    alias "/srv/my static/";\n' in block
    with pytest.raises(ImproperlyConfigured, match="static_root"):
        location_block("/static/", "/srv/$HOME")


def test_command_prints_the_block(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.devstatic]\nstatic-root = "public"\n')

    result = run_cli("nginx", "--config", str(config))

    assert result.returncode == 0, result.stderr
    assert result.stdout == location_block("/static/", tmp_path / "public")


def test_command_without_static_root_says_so_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.devstatic]\nstatic-url = "/static/"\n')

    result = run_cli("nginx", "--config", str(config))

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: static_root is not configured")
    assert 'static-root = "staticfiles"' in lines[0]
