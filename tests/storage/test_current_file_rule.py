"""Django's current-file rule, written once for ``is_current`` and the batch copy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstatic import Settings
from devstatic.storage.filesystem import FileSystemStorage


@pytest.fixture
def linked(tmp_path: Path) -> tuple[FileSystemStorage, Path]:
    """A stored symlink (as ``--link`` leaves it) that looks current by size and time:
    the source holds as many bytes as the link's target path has characters."""
    root = tmp_path / "root"
    root.mkdir()
    source = tmp_path / "src" / "a.css"
    source.parent.mkdir()
    source.write_text("x" * len(str(source)))
    os.utime(source, (1_000_000, 1_000_000))
    os.symlink(source, root / "a.css")
    assert os.lstat(root / "a.css").st_size == source.stat().st_size
    return FileSystemStorage(Settings(static_root=root)), source


def test_a_stored_symlink_is_never_current(linked: tuple[FileSystemStorage, Path]) -> None:
    storage, source = linked
    assert storage.is_current("a.css", source) is False


def test_a_batch_copy_replaces_a_stored_symlink(linked: tuple[FileSystemStorage, Path]) -> None:
    storage, source = linked
    assert list(storage.save_many([("a.css", source)])) == ["replaced"]
    assert not os.path.islink(storage.path("a.css"))
    assert storage.path("a.css").read_bytes() == source.read_bytes()


def test_a_copy_of_the_same_size_and_not_older_is_current(tmp_path: Path) -> None:
    source = tmp_path / "a.css"
    source.write_text("abc")
    os.utime(source, (1_000_000, 1_000_000))
    storage = FileSystemStorage(Settings(static_root=tmp_path / "root"))
    assert list(storage.save_many([("a.css", source)])) == ["written"]
    assert storage.is_current("a.css", source)
    assert list(storage.save_many([("a.css", source)])) == ["unmodified"]
