"""A file collectstatic could not hash fails in development, with collectstatic's message."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hashed_helpers import client_for, settings_for, write_tree

from devstatic import Settings, static
from devstatic.collect.collector import CollectOptions, collect
from devstatic.exceptions import StorageError
from devstatic.storage.base import get_storage

MISSING = {
    "css/app.css": "body { color: red }\n.a { background: url(../img/gone.png); }\n",
    "css/ok.css": "body { color: blue }\n",
}
CYCLE = {
    "css/a.css": '@import "b.css";\n',
    "css/b.css": '@import "a.css";\n',
    "css/page.css": '@import "a.css";\n',
}


def collectstatic_message(settings: Settings) -> str:
    """What collectstatic stops with, without its ``post-processing stopped:`` prefix."""
    with pytest.raises(StorageError) as info:
        collect(settings, get_storage(settings), options=CollectOptions())
    return str(info.value).removeprefix("post-processing stopped: ")


def test_a_missing_reference_raises_collectstatics_message(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", MISSING)
    settings = settings_for(tmp_path)
    with pytest.raises(ValueError) as info:
        static("css/app.css", settings)
    assert str(info.value) == (
        "'css/app.css', line 2: 'url(../img/gone.png)' refers to 'img/gone.png', which is "
        "not among the collected files. Fix the reference or add the file; to keep such "
        "references unchanged with a warning instead, set manifest-strict = false."
    )
    assert str(info.value) == collectstatic_message(settings)


def test_the_error_is_raised_again_on_every_call_until_fixed(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", MISSING)
    settings = settings_for(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match=r"refers to 'img/gone\.png'"):
            static("css/app.css", settings)
    write_tree(tmp_path / "static", {"img/gone.png": b"PNG"})
    assert static("css/app.css", settings).startswith("/static/css/app.")


def test_a_cycle_raises_collectstatics_message(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", {name: CYCLE[name] for name in ("css/a.css", "css/b.css")})
    settings = settings_for(tmp_path)
    with pytest.raises(ValueError) as info:
        static("css/a.css", settings)
    message = str(info.value)
    assert message.startswith(
        "Max post-process passes exceeded: after 5 passes the hashed names of css/a.css, "
        "css/b.css still change. These files refer to each other in a cycle: "
    )
    assert message == collectstatic_message(settings)


def test_a_file_that_imports_a_cycle_fails_too(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", CYCLE)
    with pytest.raises(ValueError, match="refer to each other in a cycle"):
        static("css/page.css", settings_for(tmp_path))


def test_other_files_keep_their_names_beside_a_broken_one(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", MISSING)
    assert static("css/ok.css", settings_for(tmp_path)).startswith("/static/css/ok.")


def test_without_strict_the_reference_is_kept_and_a_warning_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_tree(tmp_path / "static", MISSING)
    settings = settings_for(tmp_path, storage_options={"manifest-strict": False})
    with caplog.at_level(logging.WARNING, logger="devstatic"):
        url = static("css/app.css", settings)
    assert [r.getMessage() for r in caplog.records] == [
        "devstatic: 'css/app.css', line 2: 'url(../img/gone.png)' refers to 'img/gone.png', "
        "which is not among the collected files; left unchanged."
    ]
    collect(settings, get_storage(settings), options=CollectOptions())
    assert settings.root is not None
    assert (settings.root / url.removeprefix("/static/")).read_bytes() == MISSING[
        "css/app.css"
    ].encode()


async def test_the_plain_name_of_a_broken_file_is_still_served(tmp_path: Path) -> None:
    write_tree(tmp_path / "static", MISSING)
    settings = settings_for(tmp_path)
    async with client_for(settings) as client:
        response = await client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.content == MISSING["css/app.css"].encode()
