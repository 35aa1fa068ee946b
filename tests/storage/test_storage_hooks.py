"""The optional storage methods the built-ins use are declared on ``Storage`` with
defaults: a custom storage that implements only the basics works with collectstatic
``--link``, the manifest history, ``static()`` and ``clean`` (which says what it lacks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstatic import Settings
from devstatic.collect.clean import plan
from devstatic.collect.collector import _link_is_current
from devstatic.exceptions import StorageError
from devstatic.storage.base import Storage
from devstatic.storage.filesystem import FileSystemStorage
from devstatic.storage.manifest import ManifestFilesMixin
from devstatic.storage.manifest_history import history_names


class Memory(Storage):
    """The basics only, in a dict (a custom storage written against the interface)."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings, **options)
        self.files: dict[str, bytes] = {}
        self.listings = 0

    def exists(self, name: str) -> bool:
        return name in self.files

    def is_current(self, name: str, source: Path) -> bool:
        return self.files.get(name) == source.read_bytes()

    def save(self, name: str, source: Path) -> None:
        self.files[name] = source.read_bytes()

    def save_bytes(self, name: str, data: bytes) -> None:
        self.files[name] = data

    def read_bytes(self, name: str) -> bytes:
        try:
            return self.files[name]
        except KeyError:
            raise FileNotFoundError(name) from None

    def delete(self, name: str) -> None:
        self.files.pop(name, None)

    def list_names(self) -> Iterator[str]:
        self.listings += 1
        yield from sorted(self.files)


class ManifestMemory(ManifestFilesMixin, Memory):
    pass


def test_path_is_not_implemented_by_default() -> None:
    with pytest.raises(NotImplementedError) as caught:
        Memory(Settings()).path("a.css")
    assert str(caught.value) == "Memory keeps no files on this machine."


def test_names_under_filters_list_names_by_default() -> None:
    storage = Memory(Settings())
    for name in ("a.css", "staticfiles.history/1.json", "staticfiles.historyx/2.json"):
        storage.files[name] = b""
    assert list(storage.names_under("staticfiles.history")) == ["staticfiles.history/1.json"]
    assert list(storage.names_under("/staticfiles.history/")) == ["staticfiles.history/1.json"]


def test_manifest_history_of_a_custom_storage_is_read_through_names_under() -> None:
    storage = Memory(Settings())
    storage.files["staticfiles.history/20260101T000000.000000000Z.json"] = b"{}"
    storage.files["staticfiles.history/notes.txt"] = b""
    assert history_names(storage) == ["staticfiles.history/20260101T000000.000000000Z.json"]
    assert storage.listings == 1


def test_modified_times_default_says_clean_needs_it() -> None:
    storage = ManifestMemory(Settings())
    storage.files[storage.manifest_name] = b'{"version": "1.1", "paths": {}}'
    with pytest.raises(StorageError) as caught:
        plan(storage, keep=2, max_age=0)
    assert str(caught.value) == (
        "ManifestMemory cannot tell when its files were written "
        "(Storage.modified_times), which devstatic clean needs."
    )


def test_a_link_is_never_current_in_a_storage_without_local_files(tmp_path: Path) -> None:
    source = tmp_path / "a.css"
    source.write_text("a")
    assert _link_is_current(Memory(Settings()), "a.css", source) is False


def test_a_manifest_without_local_file_is_read_once() -> None:
    storage = ManifestMemory(Settings())
    storage.files[storage.manifest_name] = b'{"version": "1.1", "paths": {"a.css": "a.1.css"}}'
    assert storage.manifest_version() is None
    assert storage.hashed_name("a.css") == "a.1.css"
    storage.files[storage.manifest_name] = b'{"version": "1.1", "paths": {"a.css": "a.2.css"}}'
    assert storage.hashed_name("a.css") == "a.1.css"


def test_file_system_names_under_walks_that_folder_alone(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "staticfiles.history" / "deep").mkdir(parents=True)
    (root / "staticfiles.history" / "1.json").write_text("{}")
    (root / "staticfiles.history" / "deep" / "2.json").write_text("{}")
    (root / "other.css").write_text("x")
    storage = FileSystemStorage(Settings(static_root=root))
    assert sorted(storage.names_under("staticfiles.history")) == [
        "staticfiles.history/1.json",
        "staticfiles.history/deep/2.json",
    ]
    assert storage.names_under("missing") == []


def test_file_system_modified_times_are_the_links_own(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.css").write_text("a")
    os.utime(root / "a.css", (1_000_000, 1_000_000))
    (root / "link.css").symlink_to(root / "a.css")
    os.utime(root / "link.css", (2_000_000, 2_000_000), follow_symlinks=False)
    times = FileSystemStorage(Settings(static_root=root)).modified_times()
    assert times == {"a.css": 1_000_000.0, "link.css": 2_000_000.0}
