"""The one "inside a folder" rule: by whole components, symlinks resolved where it matters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstatic.disk.within import is_at_or_below, is_below, is_within_root


@pytest.mark.parametrize(
    ("path", "folder", "below", "at_or_below"),
    [
        ("/srv/static/a.css", "/srv/static", True, True),
        ("/srv/static/a.css", "/srv/static/", True, True),
        ("/srv/static/css/a.css", "/srv/static", True, True),
        ("/srv/static", "/srv/static", False, True),
        ("/srv/static-old/a.css", "/srv/static", False, False),
        ("/srv/staticx", "/srv/static", False, False),
        ("/srv/a.css", "/srv/static", False, False),
        ("/a", "/", True, True),
    ],
)
def test_inside_is_decided_by_whole_components(
    path: str, folder: str, below: bool, at_or_below: bool
) -> None:
    assert is_below(path, folder) is below
    assert is_at_or_below(path, folder) is at_or_below


def test_a_symlink_out_of_the_root_is_not_within_it(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret").write_text("x")
    (root / "inside").write_text("x")
    os.symlink(outside / "secret", root / "leak")
    os.symlink(root / "inside", root / "alias")
    assert is_within_root(root / "inside", root)
    assert is_within_root(root / "alias", root)
    assert not is_within_root(root / "leak", root)
    assert not is_within_root(root, root)


def test_a_root_reached_through_a_symlink_still_holds_its_files(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.css").write_text("x")
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert is_within_root(tmp_path / "link" / "a.css", tmp_path / "link")
