"""The filesystem batch copy gives the same result in one thread and in its pool."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devstatic.collect.collector import CollectOptions, collect
from devstatic.config.settings import Settings
from devstatic.exceptions import StorageError
from devstatic.storage import filesystem
from devstatic.storage.base import get_storage


def _tree(root: Path, count: int) -> dict[str, bytes]:
    files = {f"d{i % 3}/f{i:02d}.txt": f"file {i}\n".encode() * (i + 1) for i in range(count)}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


@pytest.mark.parametrize("threads", [False, True], ids=["one-thread", "pool"])
def test_batch_copies_every_file_in_order_and_skips_current_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: bool
) -> None:
    monkeypatch.setattr(filesystem, "_CHUNK", 2)
    if threads:  # every chunk counts as slow: all but the first go to the pool
        monkeypatch.setattr(filesystem, "_SLOW_FILE", 0.0)
    files = _tree(tmp_path / "src", 11)
    settings = Settings(dirs=[tmp_path / "src"], static_root=tmp_path / "out")
    stats = collect(settings, get_storage(settings), options=CollectOptions())
    assert stats["copied"] == sorted(files)
    for name, data in files.items():
        assert (tmp_path / "out" / name).read_bytes() == data
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]
    again = collect(settings, get_storage(settings), options=CollectOptions())
    assert again["unmodified"] == sorted(files) and again["copied"] == []


@pytest.mark.parametrize("threads", [False, True], ids=["one-thread", "pool"])
def test_batch_failure_names_the_file_and_reports_the_ones_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: bool
) -> None:
    monkeypatch.setattr(filesystem, "_CHUNK", 2)
    if threads:
        monkeypatch.setattr(filesystem, "_SLOW_FILE", 0.0)
    files = _tree(tmp_path / "src", 9)
    (tmp_path / "out" / "d1").mkdir(parents=True)
    (tmp_path / "out" / "d1" / "f04.txt").mkdir()  # a folder where a file must go
    settings = Settings(dirs=[tmp_path / "src"], static_root=tmp_path / "out")
    lines: list[str] = []
    with pytest.raises(StorageError, match=re.escape("d1/f04.txt")):
        collect(
            settings,
            get_storage(settings),
            options=CollectOptions(),
            log=lambda message, level: lines.append(message),
        )
    before = [name for name in sorted(files) if name < "d1/f04.txt"]
    assert [line for line in lines if line.startswith("Copying")] == [
        f"Copying '{tmp_path / 'src' / name}'" for name in before
    ]
    for name in before:
        assert (tmp_path / "out" / name).read_bytes() == files[name]
